"""How a Fahras document is laid out in a Xapian database: the one place both the
writer (``index.xapian_writer``) and the engine (``service.engines.xapian_engine``)
read it from.

* **Terms.** Each field's terms get a prefix (Xapian's convention: capitals, then
  ``:`` when the term itself starts with a capital): ``title`` → ``XT``, ``body`` →
  ``XB`` with positions (a token's position + 1) and a within-document frequency of
  its positions' count; ``names`` → ``XN`` (cross-script name keys, frequency the
  key's count, no positions). The terms are ``index.terms.TermMaker``'s, the same
  as the Whoosh index holds (stems, ``=`` exact forms, ``@`` entity keys).
* **Boolean terms** (no frequency, so no effect on lengths or scores) for filters:
  ``Q`` + id (Xapian's unique-id convention: replace and delete by it), ``XE`` +
  entity key, ``XL`` + language, ``XS`` + source, ``XY`` + year.
* **Values** (sortable strings, for ranges, sorting and match spies): the date, the
  language, the source, the year; in ``FACETS_SLOT`` the language, source and year
  together (``facets_value``), and the entity keys spread over ``ENTITY_SLOTS`` by a
  stable hash of the key (``entity_values``: each slot holds the document's keys of
  its group, sorted). A ``ValueCountMatchSpy`` reads a value of every matching
  document (about 1 ms per spy for a common word at 100,000 articles) and the engine
  then reads each distinct value the matches hold, in Python (about 4 µs each): one
  slot for every entity set would make that thousands (10,256 distinct sets at
  100,000 articles), one slot per entity position 31 spies; eight groups keep both
  small.
* **Data**: the stored fields as JSON (``id``, ``title``, ``body``, ``lang``,
  ``source``, ``date``, ``url``, ``entities``, ``furniture``, ``content_hash``), as
  the Whoosh index stores them.
* **Resources**: the resources the database was built with are pickled beside it
  in ``RESOURCES_FILE`` (their fingerprint tells a stale index); the database's
  folder holds Xapian's ``iamglass``, which tells its engine.
"""

import json
import zlib

#: The engine's name in settings, health and stats.
ENGINE = "xapian"
#: Term prefixes of the searchable fields.
FIELD_PREFIX = {"title": "XT", "body": "XB", "names": "XN"}
#: Boolean term prefixes.
ID_PREFIX = "Q"
ENTITY_PREFIX = "XE"
LANG_PREFIX = "XL"
SOURCE_PREFIX = "XS"
YEAR_PREFIX = "XY"
#: Value slots.
DATE_SLOT = 0
LANG_SLOT = 1
SOURCE_SLOT = 2
YEAR_SLOT = 3
FACETS_SLOT = 4
#: Separates the facets in ``FACETS_SLOT`` (no language or year holds it; a source's
#: own is written as a space there).
FACETS_SEPARATOR = "\x1f"
#: The slots of the entity keys, one group of keys each.
ENTITY_SLOTS = range(10, 18)
#: The file of pickled resources in the database's folder.
RESOURCES_FILE = "fahras-resources.pickle"


def term(prefix: str, text: str) -> str:
    """A prefixed term, with ``:`` when the text starts with a capital.

    >>> term("XB", "اشتباك"), term("XN", "%lBRKTR"), term("Q", "Doc-1")
    ('XBاشتباك', 'XN%lBRKTR', 'Q:Doc-1')
    """
    return prefix + (":" + text if text[:1].isupper() else text)


def field_term(field: str, text: str) -> str:
    """The term of ``text`` in a searchable field (``title``, ``body``, ``names``)."""
    return term(FIELD_PREFIX[field], text)


def unprefixed(prefix: str, full: str) -> str:
    """The text of a prefixed term.

    >>> unprefixed("Q", "Q:Doc-1"), unprefixed("XB", "XB=x")
    ('Doc-1', '=x')
    """
    text = full[len(prefix):]
    return text[1:] if text.startswith(":") and text[1:2].isupper() else text


def facets_value(lang: str, source: str | None, date: str | None) -> str:
    """The ``FACETS_SLOT`` value of a document.

    >>> facets_value("ar", None, "2020-10-04").split("\x1f")
    ['ar', '', '2020']
    """
    source = (source or "").replace(FACETS_SEPARATOR, " ")
    return FACETS_SEPARATOR.join((lang, source, (date or "")[:4]))


def split_facets(value: str) -> tuple[str, str, str]:
    """A ``FACETS_SLOT`` value as (language, source, year), "" for none.

    >>> split_facets(facets_value("en", "News", None))
    ('en', 'News', '')
    """
    lang, source, year = value.split(FACETS_SEPARATOR)
    return lang, source, year


def entity_values(entities: list[str]) -> dict[int, str]:
    """The ``ENTITY_SLOTS`` values of a document: slot -> its keys, sorted and
    space-separated (slots without a key left out).

    >>> values = entity_values(["lachin", "armenia", "baku"])
    >>> sorted(" ".join(values.values()).split())
    ['armenia', 'baku', 'lachin']
    """
    groups: dict[int, list[str]] = {}
    for key in sorted(entities):
        slot = ENTITY_SLOTS[zlib.crc32(key.encode("utf-8")) % len(ENTITY_SLOTS)]
        groups.setdefault(slot, []).append(key)
    return {slot: " ".join(keys) for slot, keys in groups.items()}


def dump_data(fields: dict) -> bytes:
    """A document's stored fields as its Xapian data."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_data(data: bytes | str) -> dict:
    """The stored fields of a document's Xapian data."""
    return json.loads(data)
