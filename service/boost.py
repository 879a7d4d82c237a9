"""Query wrappers over cached document sets: a score bonus, and a filter.

``Boosted(query, docs, factor, offset)`` scores a matching document
``score × factor + offset`` when it is in ``docs(segment_searcher)``, and ``score``
otherwise; it matches exactly what ``query`` matches. Two uses:

* the focus bonus: a document that mentions n of the archive's focus entities
  scores ``(1 + FOCUS_WEIGHT) × score + n × FOCUS_WEIGHT``;
* documents in the query's language first: ``offset`` lifts them above every other
  document, so one scored search with Whoosh's top-N collector gives the order a
  sort by (language, score) gives, without collecting and sorting every match.

Written as ``Or(q, And(q, focus))``, the focus bonus ran the query twice and read
the focus entities' postings at every search; here membership is one lookup in a
set that ``service.docsets`` computed once per segment. The bounds Whoosh uses to
skip blocks (``max_quality``, ``block_quality``) are scaled the same way, so skipping
stays correct.

``Restricted(query, docs)`` matches what ``query`` matches within ``docs(leaf)``:
the filters (language, place, source, year, dates) as sets of ``service.docsets``.
"""

from collections.abc import Callable

from whoosh.matching import FilterMatcher, NullMatcher, WrappingMatcher
from whoosh.query import WrappingQuery
from whoosh.searching import Searcher

#: Added to the score of documents in the preferred language: above any BM25F score.
LANGUAGE_OFFSET = 1_000_000.0

DocsFor = Callable[[Searcher], frozenset[int]]


class Boosted(WrappingQuery):
    """``child`` with ``score × factor + offset`` for the documents in ``docs(leaf)``."""

    def __init__(self, child, docs: DocsFor, factor: float = 1.0, offset: float = 0.0) -> None:
        super().__init__(child)
        self.docs = docs
        self.factor = factor
        self.offset = offset

    def __eq__(self, other: object) -> bool:
        return (type(self) is type(other) and self.child == other.child
                and self.docs == other.docs and self.factor == other.factor
                and self.offset == other.offset)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.child, self.factor, self.offset))

    def __repr__(self) -> str:
        return f"Boosted({self.child!r}, factor={self.factor}, offset={self.offset})"

    def _rewrap(self, child) -> "Boosted":
        return Boosted(child, self.docs, self.factor, self.offset)

    def matcher(self, searcher, context=None):
        child = self.child.matcher(searcher, context)
        docs = self.docs(searcher)
        if not docs or not child.is_active():
            return child
        return BoostedMatcher(child, docs, self.factor, self.offset)


class BoostedMatcher(WrappingMatcher):
    """The matcher of :class:`Boosted` on one segment."""

    def __init__(self, child, docs: frozenset[int], factor: float, offset: float) -> None:
        super().__init__(child)
        self.docs = docs
        self.factor = factor
        self.offset = offset

    def __repr__(self) -> str:
        return f"BoostedMatcher({self.child!r}, factor={self.factor}, offset={self.offset})"

    def copy(self) -> "BoostedMatcher":
        return BoostedMatcher(self.child.copy(), self.docs, self.factor, self.offset)

    def _replacement(self, newchild) -> "BoostedMatcher":
        return BoostedMatcher(newchild, self.docs, self.factor, self.offset)

    def _child_quality(self, quality: float) -> float:
        # A block can only beat ``quality`` if its best boosted score could.
        return max(0.0, (quality - self.offset) / self.factor)

    def replace(self, minquality=0):
        replaced = self.child.replace(self._child_quality(minquality))
        if replaced is self.child:
            return self
        return self._replacement(replaced)

    def skip_to_quality(self, minquality):
        return self.child.skip_to_quality(self._child_quality(minquality))

    def max_quality(self):
        return self.child.max_quality() * self.factor + self.offset

    def block_quality(self):
        return self.child.block_quality() * self.factor + self.offset

    def score(self):
        score = self.child.score()
        if self.child.id() in self.docs:
            return score * self.factor + self.offset
        return score


class Restricted(WrappingQuery):
    """``child``, matching only the documents in ``docs(leaf)`` (the filters' set)."""

    def __init__(self, child, docs: DocsFor) -> None:
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
