"""A text's index terms in one pass, without running the Whoosh chains token by token.

The build writer (``index.segments``) indexes the ``title``, ``body`` and ``names``
fields from here. The result is what ``Positions.word_values`` and
``Frequency.word_values`` collect from the two chains of ``index.analysis``
(``tests/test_terms.py`` compares both on articles and random text):

* ``text_terms``: the text fields' terms with their positions (stems, ``=`` exact
  forms, ``@`` entity keys at a gazetteer name's first word), the entity keys found
  and the field length (the number of tokens);
* ``name_terms``: the ``names`` field's cross-script name keys with their counts.

Every filter of the chains except the gazetteer's looks at one word at a time, so a
word's terms depend only on how it is written: ``TermMaker`` keeps them per
spelling for its life (news text is Zipfian: after a few thousand articles almost
every word has been seen), and the gazetteer runs once over a text's normalised
words, starting only at the words a name may start at (also known per spelling).
Half of the build's time went on the chains' per-token generators before.
"""

from collections import defaultdict
from dataclasses import dataclass

from index.analysis import ENTITY_PREFIX, EXACT_PREFIX
from index.resources import Resources
from index.tokens import MAX_WORD_LENGTH, WORD_RE

#: A spelling's terms: (normalised form, stem or None for a stop word, its ``=`` exact
#: forms (``WordInfo.exact_forms``), whether a gazetteer name may start at it, its
#: ``names`` keys).
_Word = tuple[str, str | None, tuple[str, ...], bool, tuple[str, ...]]

#: Texts whose terms a TermMaker keeps (a document's title and body, twice over).
_RECENT = 4


@dataclass
class TextTerms:
    """One text's terms in the text fields (``title``, ``body``)."""

    #: term -> its positions, ascending
    positions: dict[str, list[int]]
    #: the gazetteer keys of the names found (``entities`` field)
    entities: set[str]
    #: the number of tokens (Whoosh's field length)
    length: int
    #: the ``names`` field's terms (name keys) with their counts
    names: dict[str, int]


class TermMaker:
    """Make the index terms of texts with one set of resources, per spelling memoised.

    >>> make = TermMaker(Resources.load())
    >>> terms = make.text_terms("لخانكندي والاشتباكات")
    >>> sorted(terms.positions.items()), terms.entities, terms.length
    ([('=اشتباكات', [1]), ('@stepanakert', [0]), ('اشتباك', [1]), ('خانكندي', [0])], \
{'stepanakert'}, 4)
    >>> make.name_terms("Bayraktar drones")
    {'%lBRKTR': 1}
    """

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._words: dict[str, _Word] = {}
        self._recent: dict[str, TextTerms] = {}

    def text_terms(self, text: str) -> TextTerms:
        """The text fields' terms of ``text`` (see the module docstring).

        The last few texts' answers are kept: ``prepare_fields`` reads a document's
        entities and the build writer its terms from the same call.
        """
        recent = self._recent
        terms = recent.get(text)
        if terms is None:
            terms = recent[text] = self._text_terms(text)
            if len(recent) > _RECENT:
                del recent[next(iter(recent))]
        return terms

    def _text_terms(self, text: str) -> TextTerms:
        words, norms, starts = self._words, [], []
        positions: defaultdict[str, list[int]] = defaultdict(list)
        names: defaultdict[str, int] = defaultdict(int)
        length = 0
        pos = 0
        for surface, script in _spellings(text):
            word = words.get(surface)
            if word is None:
                word = words[surface] = self._word(surface, script)
            norm, stem, exact, may_start, keys = word
            norms.append(norm)
            if may_start:
                starts.append(pos)
            if keys:
                for key in keys:
                    names[key] += 1
            if stem is not None:
                positions[stem].append(pos)
                length += 1
                for term in exact:
                    positions[term].append(pos)
                    length += 1
            pos += 1
        entities = set()
        if starts:
            for match in self.resources.gazetteer.find(norms, starts):
                positions[ENTITY_PREFIX + match.key].append(match.start)
                entities.add(match.key)
                length += 1
            for key in entities:
                positions[ENTITY_PREFIX + key].sort()
        return TextTerms(dict(positions), entities, length, dict(names))

    def name_terms(self, text: str) -> dict[str, int]:
        """The ``names`` field's terms of ``text`` (name keys) with their counts.

        No word spans a line break, so a text's counts are the sum of its two parts'
        on either side of one: the ``names`` field (title, a line break, body) is
        answered from the title's and the body's terms when they are recent.
        """
        cut = text.find("\n")
        if cut >= 0:
            head, tail = self._recent.get(text[:cut]), self._recent.get(text[cut + 1:])
            if head is not None and tail is not None:
                counts = dict(head.names)
                for key, count in tail.names.items():
                    counts[key] = counts.get(key, 0) + count
                return counts
        return self.text_terms(text).names

    def _word(self, surface: str, script: str) -> _Word:
        resources = self.resources
        info = resources.word_info(surface, script)
        keys = tuple(resources.name_keys(info.norm, script, surface, require_capital=True))
        exact = tuple(EXACT_PREFIX + form for form in info.exact_forms)
        return info.norm, info.stem, exact, info.may_start, keys


def _spellings(text: str) -> list[tuple[str, str]]:
    """The words of ``text`` as (surface, script), as ``index.tokens.iter_words`` gives
    them (words too long to index left out), without the offsets.

    >>> _spellings("مُعَدّة Laçın-Xankəndi")
    [('مُعَدّة', 'ar'), ('Laçın', 'latin'), ('Xankəndi', 'latin')]
    """
    return [(ar, "ar") if ar else (latin, "latin") for ar, latin in WORD_RE.findall(text)
            if len(ar or latin) <= MAX_WORD_LENGTH]
