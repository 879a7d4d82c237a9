# SPDX-License-Identifier: GPL-3.0-or-later
"""Partial matches: documents that miss some of a query's concepts, ranked below
those that match them all.

A query's **concepts** are its units (``BuiltQuery.concepts``): a word or a name
with all its variants, spellings and translations, a quoted phrase, a group of
``OR``. A document matching every concept is a full match. When fewer than
``RELAX_BELOW`` documents match them all, the search goes on with the documents
that match all concepts but one, then all but two, and so on (Meilisearch's
matching strategy, Elasticsearch's ``minimum_should_match``), each group ranked
below the one before it and by relevance inside it, until ``RELAX_BELOW``
documents are found or one concept is left. Missing a rare concept costs more than
missing a common one: inside a group, a document's score is the sum of its
concepts' scores (BM25 weighs a rare concept more); and a document that holds only
the commonest concept of the query is no result (``district`` of ``Tartar
district``: the concept in the most documents, by the largest document frequency
of its terms), however few documents hold it: in a small collection as in a large
one, it is the query's least telling part.

A stage is a plan like any other (``stages``: the documents matching exactly
``k`` concepts are ``Not(AtLeast(k), AtLeast(k + 1))``, an ``AtLeast`` being
``AnyOf`` the ``All`` of each ``k`` concepts), so every engine answers it; the
groups are disjoint, so their totals and facet counts add up. A stage is asked for
only while its combinations number at most ``MAX_COMBINATIONS`` (seven concepts
down to four) and the request's deadline has time left.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

from service import plan

#: Fewest full matches that need no partial ones.
RELAX_BELOW = 10
#: Most combinations of concepts one stage may ask for.
MAX_COMBINATIONS = 35


@dataclass(frozen=True)
class Stage:
    """The documents matching exactly ``concepts`` of the query's concepts."""

    concepts: int
    match: plan.Node


def commonest(concepts: Sequence[plan.Node], documents: Callable[[plan.Term], int]) -> int:
    """The index of the concept in the most documents: the largest document
    frequency of any of its terms (``documents(term)``).

    >>> a, b = plan.Term("body", "a"), plan.Term("body", "b")
    >>> commonest([a, b], {a: 3, b: 900}.get)
    1
    """
    return max(range(len(concepts)),
               key=lambda i: max((documents(t) for t in plan.terms_of(concepts[i])), default=0))


def at_least(concepts: Sequence[plan.Node], k: int, leave_out: int | None = None) -> plan.Node:
    """The documents matching ``k`` of the concepts or more (with ``leave_out``, the
    concept that may not be the one a document matches alone, for ``k`` = 1).

    >>> a, b, c = (plan.Term("body", t) for t in "abc")
    >>> [[t.text for t in plan.terms_of(n)] for n in at_least([a, b, c], 2).children]
    [['a', 'b'], ['a', 'c'], ['b', 'c']]
    >>> at_least([a, b, c], 1, leave_out=0)
    AnyOf(children=(Term(field='body', text='b', boost=1.0), \
Term(field='body', text='c', boost=1.0)), boost=1.0)
    """
    picks = [c for c in combinations(range(len(concepts)), k)
             if not (k == 1 and c == (leave_out,))]
    return plan.any_of([plan.all_of([concepts[i] for i in pick]) for pick in picks])


def stages(concepts: Sequence[plan.Node], excluded: plan.Node | None,
           documents: Callable[[plan.Term], int]) -> list[Stage]:
    """The partial stages of a query, most concepts first: all but one, all but two,
    ... one (never the commonest alone), as far as ``MAX_COMBINATIONS`` allows.

    >>> a, b, c = (plan.Term("body", t) for t in "abc")
    >>> [(s.concepts, type(s.match).__name__) for s in stages([a, b, c], None,
    ...                                                       {a: 5, b: 50, c: 9}.get)]
    [(2, 'Not'), (1, 'Not')]
    >>> [t.text for t in plan.terms_of(stages([a, b, c], None, {a: 5, b: 50, c: 9}.get)[1]
    ...                                .match.positive)]
    ['a', 'c']
    """
    n = len(concepts)
    if n < 2:
        return []
    common = commonest(concepts, documents)
    out = []
    above = plan.all_of(list(concepts))
    for k in range(n - 1, 0, -1):
        if comb(n, k) > MAX_COMBINATIONS:
            break
        node = at_least(concepts, k, leave_out=common)
        negative = above if excluded is None else plan.AnyOf((above, excluded))
        out.append(Stage(k, plan.Not(node, negative)))
        above = at_least(concepts, k)
    return out
