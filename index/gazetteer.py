"""The gazetteer: entities (places, people, organisations) and their spellings.

``Gazetteer.load(path)`` reads ``config/gazetteer.txt`` (its header documents the
format) and reports mistakes as ``gazetteer.txt:LINE: message``. ``find`` locates
entity names in a sequence of normalised words: whole words only (كارباخال is not
كاراباخ), clitics allowed on the first word (ولاتشين, بستيباناكيرت), several-word
names matched in sequence, the longest name winning, ``not`` phrases blocking
(أدام ناغورني is a journalist), and ambiguous spellings dropped when a cue word of
the entity's ``unless`` list stands nearby (قره باغ next to نادي is the football
club). Nothing here knows about Whoosh.
"""

import hashlib
import re
from functools import lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import normalize_text
from index.stemmer import proclitic_candidates
from index.tokens import iter_words
from index.translit import skeletons
from index.wordlists import ConfigError, read_lines

KINDS = ("place", "person", "organisation")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LIST_FIELDS = ("ar", "latin", "other", "ambiguous", "unless", "cues", "not")
_TEXT_FIELDS = ("kind", "name", "name_ar", "source")
#: Words on either side of an ambiguous spelling that are searched for cue words.
CONTEXT_WINDOW = 6
#: Distinct cue words anywhere in a text that veto every ambiguous spelling in it.
TEXT_CUES = 3
#: Words whose name-start patterns a gazetteer keeps (the memo is emptied when full).
_MEMO_WORDS = 1 << 16


@dataclass(frozen=True)
class Entity:
    """One entity with its spellings as written in the gazetteer."""

    key: str
    kind: str
    name: str
    name_ar: str
    spellings: tuple[str, ...]
    ambiguous: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    #: words that, in a query, make an ambiguous spelling this entity; an entity
    #: with cues has spellings that are usually something else, read literally in
    #: a query without one (``query_cues``)
    cues: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class Match:
    """An entity name found in a word sequence: words ``start`` to ``end`` (exclusive)."""

    start: int
    end: int
    key: str
    ambiguous: bool


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    key: str | None          # None: a ``not`` phrase, which blocks and yields nothing
    ambiguous: bool


@dataclass
class Gazetteer:
    """Entities by key, with a lookup table from normalised first word to spellings."""

    entities: dict[str, Entity]
    digest: str = ""
    _table: dict[str, list[_Pattern]] = field(default_factory=dict, repr=False)
    _cues: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        table: dict[str, list[_Pattern]] = {}
        for entity in self.entities.values():
            for spellings, key, ambiguous in ((entity.spellings, entity.key, False),
                                              (entity.ambiguous, entity.key, True),
                                              (entity.blocked, None, False)):
                for spelling in spellings:
                    words = tuple(normalize_text(spelling))
                    if words:
                        table.setdefault(words[0], []).append(_Pattern(words, key, ambiguous))
            self._cues[entity.key] = frozenset(w for cue in entity.unless
                                               for w in normalize_text(cue))

        for patterns in table.values():
            # Longest first; at equal length a `not` phrase wins over a spelling.
            patterns.sort(key=lambda p: (-len(p.words), p.key is not None))
        self._table = table

    @classmethod
    def load(cls, path: Path | str) -> "Gazetteer":
        """Read and validate a gazetteer file.

        :raises ConfigError: naming the file and line of the first mistake.
        """
        path = Path(path)
        entities = _parse(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return cls(entities, digest)

    def query_cues(self, key: str) -> frozenset[str] | None:
        """The normalised cue words of an entity whose ambiguous spellings are usually
        something else (its ``cues`` line), or None: a query names the entity by such
        a spelling only when it holds one of them (``Tartar district``; ``Tartar``
        alone is the word).

        >>> Gazetteer.load("config/gazetteer.txt").query_cues("tartar") >= {"district", "اقليم"}
        True
        >>> Gazetteer.load("config/gazetteer.txt").query_cues("nagorno_karabakh") is None
        True
        """
        cues = self.__dict__.get("_query_cues")
        if cues is None:
            # worked out on first use: a gazetteer read back from an older index's
            # pickle has no such table
            cues = self._query_cues = {
                entity.key: frozenset(w for cue in entity.cues for w in normalize_text(cue))
                for entity in self.entities.values() if getattr(entity, "cues", ())}
        return cues.get(key)

    @property
    def protected_words(self) -> frozenset[str]:
        """Normalised one-word spellings: names that the stemmer must leave alone."""
        return frozenset(words[0] for patterns in self._table.values() for p in patterns
                         if p.key is not None and len(words := p.words) == 1)

    @property
    def skeleton_keys(self) -> dict[str, str]:
        """Consonant skeleton → entity key, for one-word spellings whose skeleton only
        one entity has (ambiguous spellings left out)."""
        cached = getattr(self, "_skeletons", None)
        if cached is None:
            owners: dict[str, set[str]] = {}
            for entity in self.entities.values():
                for spelling in entity.spellings:
                    words = list(iter_words(spelling))
                    if len(words) == 1:
                        norm = normalize_text(spelling)[0]
                        for skeleton in skeletons(norm, words[0].script):
                            owners.setdefault(skeleton, set()).add(entity.key)
            cached = {s: keys.pop() for s, keys in owners.items() if len(keys) == 1}
            self._skeletons = cached
        return cached

    def find(self, words: Sequence[str], starts: Iterable[int] | None = None) -> list[Match]:
        """Find entity names in a sequence of normalised words, left to right.

        :param starts: the ascending indexes of the words for which ``may_start`` is
            true, when the caller knows them (the build's ``TermMaker`` keeps the
            answer per spelling): the other words are not looked at.

        >>> g = Gazetteer({"lachin": Entity("lachin", "place", "Lachin", "لاتشين",
        ...                                 ("لاتشين", "Lachin"))})
        >>> g.find(["ممر", "ولاتشين", "lachin", "كلاشينكوف"])
        [Match(start=1, end=2, key='lachin', ambiguous=False), \
Match(start=2, end=3, key='lachin', ambiguous=False)]
        >>> g.find(["ممر", "ولاتشين", "lachin", "كلاشينكوف"], starts=[1, 2])
        [Match(start=1, end=2, key='lachin', ambiguous=False), \
Match(start=2, end=3, key='lachin', ambiguous=False)]
        """
        return self._scan(words, 0, len(words), None, {}, starts)

    def may_start(self, word: str) -> bool:
        """Tell whether a name (or a ``not`` phrase) may start at this normalised word."""
        return bool(self._starting(word))

    def keys_starting(self, word: str) -> frozenset[str]:
        """The keys of the names that may start at this normalised word: ``find``
        reports a name of key K at a word only if K is among them (nested names
        included), so a text none of whose words gives K has no name K.

        >>> g = Gazetteer({"lachin": Entity("lachin", "place", "Lachin", "لاتشين",
        ...                                 ("لاتشين", "Lachin"))})
        >>> g.keys_starting("ولاتشين"), g.keys_starting("ممر")
        (frozenset({'lachin'}), frozenset())
        """
        return frozenset(p.key for group in self._starting(word) for p in group
                         if p.key is not None)

    def _scan(self, words: Sequence[str], start: int, stop: int,
              longest: int | None, text_vetoes: dict[str, bool],
              starts: Iterable[int] | None = None) -> list[Match]:
        """Find names within ``words[start:stop]``, each shorter than ``longest`` words.

        A name inside a longer name is found too (لاتشين inside ممر لاتشين, the
        corridor), so a search for either finds the text.
        """
        found: list[Match] = []
        after = start           # the next word that is not inside a name found
        for i in range(start, stop) if starts is None else starts:
            if i < after:
                continue
            pattern = self._longest_at(words, i, stop, longest)
            if pattern is None:
                continue
            end = i + len(pattern.words)
            if pattern.key is not None and not (
                    pattern.ambiguous and self._vetoed(pattern.key, words, i, end, text_vetoes)):
                found.append(Match(i, end, pattern.key, pattern.ambiguous))
                if end - i > 1:
                    found.extend(m for m in self._scan(words, i, end, end - i, text_vetoes)
                                 if m.key != pattern.key)
            after = end
        return found

    def _longest_at(self, words: Sequence[str], i: int, stop: int,
                    longest: int | None) -> _Pattern | None:
        best = None
        for patterns in self._starting(words[i]):
            for pattern in patterns:
                n = len(pattern.words)
                # Inside a longer name (longest is set) an ambiguous spelling takes
                # the outer name's sense: "Qarabag Agdam" is the club, not the region.
                if longest is not None and (n >= longest or pattern.ambiguous) or i + n > stop:
                    continue
                if (best is None or n > len(best.words)) and \
                        tuple(words[i + 1:i + n]) == pattern.words[1:]:
                    best = pattern
                    break
        return best

    def _starting(self, word: str) -> tuple[tuple[_Pattern, ...], ...]:
        """The patterns a name starting with ``word`` may follow, one group per clitic
        form of the word (``proclitic_candidates`` order); memoised per word, since
        most words start no name and news text repeats its words."""
        memo = self.__dict__.get("_starts")
        if memo is None:
            memo = self.__dict__["_starts"] = {}
        groups = memo.get(word)
        if groups is None:
            if len(memo) >= _MEMO_WORDS:
                memo.clear()
            table = self._table
            groups = memo[word] = tuple(tuple(table[first])
                                        for first in proclitic_candidates(word)
                                        if first in table)
        return groups

    def __getstate__(self) -> dict:
        # the memo is not pickled into an index with its analyzer
        return {k: v for k, v in self.__dict__.items() if k != "_starts"}

    def _vetoed(self, key: str, words: Sequence[str], start: int, end: int,
                text_vetoes: dict[str, bool]) -> bool:
        """Tell whether context says an ambiguous spelling is not this entity.

        Vetoed when a cue word stands within ``CONTEXT_WINDOW`` words, or when the
        text holds ``TEXT_CUES`` distinct cue words anywhere (one sense per text: a
        match report that names the club five times rarely says "football" beside
        each mention). The text-wide answer is the same for every mention of the
        entity in one text: ``text_vetoes`` keeps it per key for one ``find``.
        """
        cues = self._cues.get(key)
        if not cues:
            return False
        nearby = list(words[max(0, start - CONTEXT_WINDOW):start]) + \
            list(words[end:end + CONTEXT_WINDOW])
        if any(_cue_forms(w) & cues for w in nearby):
            return True
        if key not in text_vetoes:
            text_vetoes[key] = _text_cues(words, cues)
        return text_vetoes[key]


def _text_cues(words: Sequence[str], cues: frozenset[str]) -> bool:
    """Whether the text holds ``TEXT_CUES`` distinct cue words."""
    found: set[str] = set()
    for w in set(words):
        found |= _cue_forms(w) & cues
        if len(found) >= TEXT_CUES:
            return True
    return False


@lru_cache(maxsize=1 << 16)
def _cue_forms(word: str) -> frozenset[str]:
    """The forms under which a word may stand in a cue list (clitics off, plural -s off)."""
    forms = set(proclitic_candidates(word))
    if word.isascii() and len(word) > 3 and word.endswith("s"):
        forms.add(word[:-1])
    return frozenset(forms)


def _parse(path: Path) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    owners: dict[tuple[str, ...], tuple[str, int]] = {}
    block: dict | None = None

    def finish() -> None:
        if block is not None:
            entity = _make_entity(path, block)
            for spelling in entity.spellings:
                words = tuple(normalize_text(spelling))
                if words in owners and owners[words][0] != entity.key:
                    other, line = owners[words]
                    raise ConfigError(path, entity.line, f"spelling {spelling!r} of "
                                      f"[{entity.key}] already belongs to [{other}] (line {line})")
                owners[words] = (entity.key, entity.line)
            entities[entity.key] = entity

    for number, line in read_lines(path):
        if line.startswith("["):
            finish()
            if not line.endswith("]"):
                raise ConfigError(path, number, f"a block starts with [key], got {line!r}")
            key = line[1:-1].strip()
            if not _KEY_RE.match(key):
                raise ConfigError(path, number, f"key {key!r} must be lowercase ascii letters, "
                                  "digits and _ , starting with a letter")
            if key in entities:
                raise ConfigError(path, number, f"[{key}] is defined twice "
                                  f"(first at line {entities[key].line})")
            block = {"key": key, "line": number, "lines": {}}
            continue
        if block is None:
            raise ConfigError(path, number, "expected a [key] line before any field")
        name, sep, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if not sep:
            raise ConfigError(path, number, f"expected 'field = value', got {line!r}")
        if name not in _LIST_FIELDS + _TEXT_FIELDS:
            raise ConfigError(path, number, f"unknown field {name!r}; fields are "
                              + ", ".join(_TEXT_FIELDS + _LIST_FIELDS))
        if name in block:
            raise ConfigError(path, number, f"field {name!r} repeats line {block['lines'][name]}")
        if name in _LIST_FIELDS:
            items = tuple(item.strip() for item in value.split("|"))
            if any(not item for item in items):
                raise ConfigError(path, number, f"empty spelling in {name!r} (stray '|'?)")
            for item in items:
                if not normalize_text(item):
                    raise ConfigError(path, number, f"{item!r} has no letters or digits")
            block[name] = items
        else:
            block[name] = value
        block["lines"][name] = number
    finish()
    return entities


def _make_entity(path: Path, block: dict) -> Entity:
    line = block["line"]
    for required in ("kind", "name", "name_ar", "source"):
        if not block.get(required):
            raise ConfigError(path, line, f"[{block['key']}] needs a {required!r} line")
    if block["kind"] not in KINDS:
        raise ConfigError(path, block["lines"]["kind"],
                          f"kind must be one of {', '.join(KINDS)}, got {block['kind']!r}")
    spellings = block.get("ar", ()) + block.get("latin", ()) + block.get("other", ())
    if not spellings and not block.get("ambiguous"):
        raise ConfigError(path, line, f"[{block['key']}] needs at least one spelling "
                          "(ar, latin, other or ambiguous)")
    if block.get("ambiguous") and not block.get("unless"):
        raise ConfigError(path, block["lines"]["ambiguous"],
                          "ambiguous spellings need an 'unless' line of cue words")
    if block.get("cues") and not block.get("ambiguous"):
        raise ConfigError(path, block["lines"]["cues"],
                          "'cues' are for ambiguous spellings: this entity lists none")
    return Entity(
        key=block["key"], kind=block["kind"], name=block["name"], name_ar=block["name_ar"],
        spellings=spellings, ambiguous=block.get("ambiguous", ()),
        unless=block.get("unless", ()), cues=block.get("cues", ()),
        blocked=block.get("not", ()),
        source=block["source"], line=line,
    )
