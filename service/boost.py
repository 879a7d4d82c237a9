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

Several rules go in one wrapper (``Boosted.chain``), applied in order.

``Restricted(query, docs)`` matches what ``query`` matches within ``docs(leaf)``
(anything with ``in``): the search keeps its ranking to the matching documents,
as bits of ``service.docsets``, when filters or exclusions shaped them.
"""

from collections.abc import Callable

from whoosh.matching import FilterMatcher, NullMatcher, WrappingMatcher
from whoosh.query import WrappingQuery
from whoosh.searching import Searcher

#: Added to the score of documents in the preferred language: above any BM25F score.
LANGUAGE_OFFSET = 1_000_000.0

DocsFor = Callable[[Searcher], frozenset[int]]


#: One rule of a :class:`Boosted`: (its documents per segment, factor, offset).
Rule = tuple[DocsFor, float, float]


class Boosted(WrappingQuery):
    """``child`` with ``score × factor + offset`` for the documents in ``docs(leaf)``.

    More rules are applied in order by one wrapper (``Boosted.chain``): the score of
    a document in the sets of rules 1 and 2 is ``(score × f1 + o1) × f2 + o2``, the
    same as nesting two wrappers, for one matcher call instead of two per document.
    """

    def __init__(self, child, docs: DocsFor, factor: float = 1.0, offset: float = 0.0) -> None:
        super().__init__(child)
        self.rules: tuple[Rule, ...] = ((docs, factor, offset),)

    @classmethod
    def chain(cls, child, rules: list[Rule]) -> "Boosted":
        """One wrapper applying ``rules`` in order (no rule: ``child`` itself)."""
        if not rules:
            return child
        boosted = cls(child, *rules[0])
        boosted.rules = tuple(rules)
        return boosted

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.child == other.child \
            and self.rules == other.rules

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.child,
                     tuple((f, o) for _, f, o in self.rules)))

    def __repr__(self) -> str:
        rules = ", ".join(f"(factor={f}, offset={o})" for _, f, o in self.rules)
        return f"Boosted({self.child!r}, {rules})"

    def _rewrap(self, child) -> "Boosted":
        return Boosted.chain(child, list(self.rules))

    def matcher(self, searcher, context=None):
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return child
        rules = tuple((docs, factor, offset) for docs, factor, offset in
                      ((docs_for(searcher), f, o) for docs_for, f, o in self.rules) if docs)
        return BoostedMatcher(child, rules) if rules else child


class BoostedMatcher(WrappingMatcher):
    """The matcher of :class:`Boosted` on one segment: ``rules`` hold the sets."""

    def __init__(self, child, rules: tuple[tuple[frozenset[int], float, float], ...]) -> None:
        super().__init__(child)
        self.rules = rules

    def __repr__(self) -> str:
        return f"BoostedMatcher({self.child!r}, {len(self.rules)} rules)"

    def copy(self) -> "BoostedMatcher":
        return BoostedMatcher(self.child.copy(), self.rules)

    def _replacement(self, newchild) -> "BoostedMatcher":
        return BoostedMatcher(newchild, self.rules)

    def _child_quality(self, quality: float) -> float:
        # A block can only beat ``quality`` if its best boosted score could.
        for _, factor, offset in reversed(self.rules):
            quality = max(0.0, (quality - offset) / factor)
        return quality

    def _bound(self, quality: float) -> float:
        for _, factor, offset in self.rules:
            quality = quality * factor + offset
        return quality

    def replace(self, minquality=0):
        replaced = self.child.replace(self._child_quality(minquality))
        if replaced is self.child:
            return self
        return self._replacement(replaced)

    def skip_to_quality(self, minquality):
        return self.child.skip_to_quality(self._child_quality(minquality))

    def max_quality(self):
        return self._bound(self.child.max_quality())

    def block_quality(self):
        return self._bound(self.child.block_quality())

    def score(self):
        score = self.child.score()
        docnum = self.child.id()
        for docs, factor, offset in self.rules:
            if docnum in docs:
                score = score * factor + offset
        return score


def gain(rules: tuple[tuple[frozenset[int], float, float], ...], docnum: int) -> float:
    """How much a document's boosted score grows per unit of its plain score (the
    product of the factors of the rules whose sets hold it).

    >>> gain(((frozenset({1}), 2.0, 5.0), (frozenset({1, 2}), 3.0, 0.0)), 1)
    6.0
    """
    result = 1.0
    for docs, factor, _ in rules:
        if docnum in docs:
            result *= factor
    return result


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
