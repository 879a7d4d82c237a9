"""Where a text's words match a query's terms, found without running the analysis chain.

A snippet marks the words whose index terms are among the query's. Running the two
Whoosh chains (the text fields' and the ``names`` field's) over a result's body
costs about 1.7 ms per article, a third of a search. But every filter except the
gazetteer's looks at one word at a time, so a word's terms depend only on how it
is written (``Resources.word_info``, memoised: news text is Zipfian); the gazetteer
runs only when the query has an entity term. The spans are the ones the chains
give (``tests/test_spans.py`` compares both on articles and random text):

* a word whose stem, or ``=`` + its form without proclitics when that differs from
  the stem, is a query term (stop words have no terms);
* a word whose name key (``%aKLBJR``) is one of the query's;
* a gazetteer name whose ``@key`` is a query term: from its first word to its last.
"""

from collections.abc import Iterable

from index.analysis import ENTITY_PREFIX, EXACT_PREFIX
from index.resources import Resources
from index.tokens import iter_words

Span = tuple[int, int]


def term_spans(text: str, resources: Resources, terms: Iterable[str],
               name_keys: Iterable[str] = ()) -> list[Span]:
    """Sorted, merged (start, end) character spans of the words of ``text`` that the
    analysis chain would index under one of ``terms`` (or ``name_keys``).

    >>> r = Resources.load()
    >>> text = "القتال في ناغورني كاراباخ والاشتباكات"
    >>> [text[s:e] for s, e in term_spans(text, r, {"@nagorno_karabakh", "=اشتباكات"})]
    ['ناغورني كاراباخ', 'والاشتباكات']
    """
    terms = frozenset(terms)
    keys = frozenset(name_keys)
    entities = {t[len(ENTITY_PREFIX):] for t in terms if t.startswith(ENTITY_PREFIX)}
    words = list(iter_words(text))
    info = resources.word_info
    infos = [info(w.surface, w.script) for w in words]
    spans = []
    for word, (_, bare, stem, word_keys) in zip(words, infos):
        if (stem is not None and (stem in terms
                                  or bare != stem and EXACT_PREFIX + bare in terms)
                or keys and not keys.isdisjoint(word_keys)):
            spans.append((word.start, word.end))
    if entities:
        for match in resources.gazetteer.find([i.norm for i in infos]):
            if match.key in entities:
                spans.append((words[match.start].start, words[match.end - 1].end))
    return merge(spans)


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
