"""Score rules over cached document sets, and a filter.

A rule ``(docs, factor, offset)`` scores a matching document ``score × factor +
offset`` when it is in ``docs(segment_searcher)`` (bits of ``service.docsets``),
and leaves it as it is otherwise; rules apply in order, so a document in the sets
of rules 1 and 2 scores ``(score × f1 + o1) × f2 + o2``. Two uses:

* the focus bonus: a document that mentions n of the archive's focus entities
  scores ``(1 + FOCUS_WEIGHT) × score + n × FOCUS_WEIGHT``;
* documents in the query's language first: ``offset`` lifts them above every other
  document, so one ranking gives the order a sort by (language, score) gives.

``service.ranking`` applies them to the scores of every matching document;
``gain`` scales a clause scored afterwards (the proximity bonus) the same way.
Written as ``Or(q, And(q, focus))``, the focus bonus ran the query twice and read
the focus entities' postings at every search; here membership is a set that
``service.docsets`` computed once per segment.

``Restricted(query, docs)`` matches what ``query`` matches within ``docs(leaf)``
(anything with ``in``): a search sorted by date keeps to the matching documents,
as bits of ``service.docsets``, when filters or exclusions shaped them.
"""

from collections.abc import Callable, Container

from whoosh.matching import FilterMatcher, NullMatcher
from whoosh.query import WrappingQuery
from whoosh.searching import Searcher

#: Added to the score of documents in the preferred language: above any BM25F score.
LANGUAGE_OFFSET = 1_000_000.0

#: One score rule: (its documents per segment as bits, factor, offset).
Rule = tuple[Callable[[Searcher], int], float, float]


def gain(rules: tuple[tuple[Container[int], float, float], ...], docnum: int) -> float:
    """How much a document's score with the rules grows per unit of its plain score
    (the product of the factors of the rules whose sets hold it).

    >>> gain((({1}, 2.0, 5.0), ({1, 2}, 3.0, 0.0)), 1)
    6.0
    """
    result = 1.0
    for docs, factor, _ in rules:
        if docnum in docs:
            result *= factor
    return result


class Restricted(WrappingQuery):
    """``child``, matching only the documents in ``docs(leaf)`` (the filters' set)."""

    def __init__(self, child, docs: Callable[[Searcher], Container[int]]) -> None:
        super().__init__(child)
        self.docs = docs

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.child == other.child and self.docs == other.docs

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.child))

    def __repr__(self) -> str:
        return f"Restricted({self.child!r})"

    def _rewrap(self, child) -> "Restricted":
        return Restricted(child, self.docs)

    def matcher(self, searcher, context=None):
        docs = self.docs(searcher)
        if not docs:
            return NullMatcher()
        return FilterMatcher(self.child.matcher(searcher, context), docs)
