"""Score rules over cached document sets.

A rule ``(docs, factor, offset)`` scores a matching document ``score × factor +
offset`` when it is in ``docs(segment_searcher)`` (bits of ``service.engines.whoosh_docsets``),
and leaves it as it is otherwise; rules apply in order, so a document in the sets
of rules 1 and 2 scores ``(score × f1 + o1) × f2 + o2``. Two uses:

* the focus bonus: a document that mentions n of the archive's focus entities
  scores ``(1 + FOCUS_WEIGHT) × score + n × FOCUS_WEIGHT``;
* documents in the query's language first: ``offset`` lifts them above every other
  document, so one ranking gives the order a sort by (language, score) gives.

``service.engines.whoosh_ranking`` applies them to the scores of every matching document;
``gain`` scales a clause scored afterwards (the proximity bonus) the same way.
Written as ``Or(q, And(q, focus))``, the focus bonus ran the query twice and read
the focus entities' postings at every search; here membership is a set that
``service.engines.whoosh_docsets`` computed once per segment.
"""

from collections.abc import Callable, Container

from whoosh.searching import Searcher

from service.engines import LANGUAGE_OFFSET  # noqa: F401 (the offset of the rule)

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
