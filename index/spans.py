"""Where a text's words match a query's terms, found without running the analysis chain.

A snippet marks the words whose index terms are among the query's. Running the two
Whoosh chains (the text fields' and the ``names`` field's) over a result's body
costs about 1.7 ms per article, a third of a search. But every filter except the
gazetteer's looks at one word at a time, so a word's terms depend only on how it
is written (``Resources.word_info``, memoised: news text is Zipfian, and a
``SpanFinder`` keeps each spelling's answer for a page); the gazetteer runs only
when the query has an entity term. The spans are the ones the chains
give (``tests/test_spans.py`` compares both on articles and random text):

* a word whose stem, or ``=`` + its form without proclitics when that differs from
  the stem, is a query term (stop words have no terms);
* a word whose name key (``%aKLBJR``) is one of the query's;
* a gazetteer name whose ``@key`` is a query term: from its first word to its last.
"""

import re
from collections.abc import Iterable

from index.analysis import ENTITY_PREFIX, EXACT_PREFIX
from index.resources import Resources
from index.tokens import MAX_WORD_LENGTH, WORD_RE

Span = tuple[int, int]


class SpanFinder:
    """The spans to mark for one query, in any number of texts (a page of results).

    Whether a word matches depends on its spelling alone (gazetteer names aside), so
    the answer is kept per spelling for the finder's life: on a page of ten articles
    most words are decided once. A word's name keys are looked up only when the
    query has name keys.

    >>> r = Resources.load()
    >>> find = SpanFinder(r, {"@nagorno_karabakh", "=اشتباكات"})
    >>> text = "القتال في ناغورني كاراباخ والاشتباكات"
    >>> [text[s:e] for s, e in find(text)]
    ['ناغورني كاراباخ', 'والاشتباكات']
    """

    def __init__(self, resources: Resources, terms: Iterable[str],
                 name_keys: Iterable[str] = ()) -> None:
        self.resources = resources
        self.terms = frozenset(terms)
        self.keys = frozenset(name_keys)
        self.entities = {t[len(ENTITY_PREFIX):] for t in self.terms
                         if t.startswith(ENTITY_PREFIX)}
        self._hits: dict[str, bool] = {}

    def __call__(self, text: str) -> list[Span]:
        """Sorted, merged (start, end) character spans of the words of ``text`` that
        the analysis chains would index under one of the terms or name keys."""
        if not self.entities:       # (words too long to index are decided False)
            return merge(self._word_spans(WORD_RE.finditer(text)))
        # the gazetteer reads the whole word sequence (as iter_words gives it)
        words = [m for m in WORD_RE.finditer(text) if m.end() - m.start() <= MAX_WORD_LENGTH]
        spans = self._word_spans(words)
        info = self.resources.word_info
        infos = [info(m.group(), m.lastgroup) for m in words]
        norms = [i.norm for i in infos]
        starts = [n for n, i in enumerate(infos) if i.may_start]
        for name in self.resources.gazetteer.find(norms, starts):
            if name.key in self.entities:
                spans.append((words[name.start].start(), words[name.end - 1].end()))
        return merge(spans)

    def _word_spans(self, words: Iterable[re.Match]) -> list[Span]:
        """The spans of the words whose own terms match (each spelling decided once)."""
        hits, decide = self._hits, self._decide
        spans = []
        for match in words:
            surface = match.group()
            hit = hits.get(surface)
            if hit is None:
                hit = hits[surface] = decide(surface, match.lastgroup)
            if hit:
                spans.append(match.span())
        return spans

    def _decide(self, surface: str, script: str) -> bool:
        if len(surface) > MAX_WORD_LENGTH:
            return False
        resources = self.resources
        norm, bare, stem, _ = resources.word_info(surface, script)
        if stem is not None and (stem in self.terms
                                 or bare != stem and EXACT_PREFIX + bare in self.terms):
            return True
        return bool(self.keys) and not self.keys.isdisjoint(
            resources.name_keys(norm, script, surface, require_capital=True))


def term_spans(text: str, resources: Resources, terms: Iterable[str],
               name_keys: Iterable[str] = ()) -> list[Span]:
    """Sorted, merged (start, end) character spans of the words of ``text`` that the
    analysis chain would index under one of ``terms`` (or ``name_keys``): a
    ``SpanFinder`` for one text.

    >>> r = Resources.load()
    >>> text = "القتال في ناغورني كاراباخ والاشتباكات"
    >>> [text[s:e] for s, e in term_spans(text, r, {"@nagorno_karabakh", "=اشتباكات"})]
    ['ناغورني كاراباخ', 'والاشتباكات']
    """
    return SpanFinder(resources, terms, name_keys)(text)


def merge(spans: list[Span]) -> list[Span]:
    """Sort spans and join the ones that overlap or touch.

    >>> merge([(5, 9), (0, 3), (2, 4)])
    [(0, 4), (5, 9)]
    """
    spans = sorted(spans)
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
