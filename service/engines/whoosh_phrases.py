"""Phrases checked at chosen documents, from their words' positions there.

A phrase (``Phrase``: words in a field; ``Sequence``: slots, each a term or an
``Or`` of terms, as a quoted query builds them) matches a document where one
position of each slot follows the previous one by 1 to ``slop`` positions: Whoosh's
``SpanNear2`` (ordered, ``mindist`` 1) for a ``Phrase``, its binary tree of
``SpanNear`` for a ``Sequence``, which over single positions come to the same
(``tests/test_phrases.py`` holds both to Whoosh's matchers on random documents).

Whoosh finds a phrase's documents by stepping its matcher through every document
that holds all the words, checking the positions of each: for common words at
100,000 articles, seconds, and nothing can stop it half-way. Here the documents to
check are chosen first (the words' documents, as bits, within what the rest of the
query still allows: ``service.engines.whoosh_docsets``), they are checked in ascending order, and
the check stops at the request's deadline, saying how far it got; the words'
positions of long documents (a word 250,000 times) are compared with numpy.
"""

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
from whoosh import query as wq

from index import whoosh_private as private
from service.deadline import Deadline

#: A phrase's slots: for each, the (field, term) pairs whose positions it takes.
Slots = tuple[tuple[tuple[str, str], ...], ...]

#: Documents checked between two looks at the deadline.
CHECKS_PER_LOOK = 16

#: Positions of a word from which ``in_order`` compares them with numpy.
LONG_POSITIONS = 64


def slots_of(q: wq.Query) -> Slots | None:
    """The slots of a phrase query, or None when it is not one this module checks
    (a single slot, an unordered ``Sequence``, a slot that is not a term or an
    ``Or`` of terms)."""
    if type(q) is wq.Phrase:
        slots = tuple(((q.fieldname, word),) for word in q.words)
    elif type(q) is wq.Sequence and q.ordered:
        found = []
        for sub in q.subqueries:
            if type(sub) is wq.Term:
                found.append(((sub.fieldname, sub.text),))
            elif type(sub) is wq.Or and not sub.minmatch and sub.subqueries and \
                    all(type(t) is wq.Term for t in sub.subqueries):
                found.append(tuple((t.fieldname, t.text) for t in sub.subqueries))
            else:
                return None
        slots = tuple(found)
    else:
        return None
    return slots if len(slots) > 1 else None


def check(reader, slots: Slots, slop: int, docs: Sequence[int],
          deadline: Deadline | None = None) -> tuple[list[int], int]:
    """The documents of ``docs`` (ascending segment numbers) where the slots stand in
    order, and how many of ``docs`` were checked before the ``deadline`` (all of
    them when it did not pass). A document without a term of some slot does not
    match."""
    matchers = {}
    for slot in slots:
        for pair in slot:
            if pair not in matchers and pair in reader:
                matchers[pair] = reader.postings(*pair)
    seek = private.seek if private.skips_blocks(matchers.values()) else _whoosh_seek
    matched = []
    for n, doc in enumerate(docs):
        if deadline is not None and n % CHECKS_PER_LOOK == 0 and n and deadline.expired():
            return matched, n
        positions = []
        for slot in slots:
            found: list[int] = []
            for pair in slot:
                matcher = matchers.get(pair)
                if matcher is not None and seek(matcher, doc):
                    found.extend(matcher.value_as("positions"))
            if not found:
                break
            positions.append(sorted(set(found)) if len(slot) > 1 else found)
        if len(positions) == len(slots) and in_order(positions, slop):
            matched.append(doc)
    return matched, len(docs)


def in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether the words stand in order, each within ``slop`` of the span before it:
    Whoosh's ``SpanNear2`` (ordered, ``mindist`` 1) over single positions, step for
    step. A span (start, end) is followed by a word at ``b`` when ``end < b <=
    end + slop`` (its distance is 0 inside the span, else ``b - end``), and the two
    make the span (start, b). Only the spans' ends matter for what follows, so long
    lists of positions are compared as arrays.

    >>> in_order([[3, 9], [5, 20], [6]], 2), in_order([[3], [3]], 2)
    (True, False)
    >>> in_order([list(range(0, 200_000, 2)), [7]], 1)
    True
    """
    if max(len(p) for p in positions) >= LONG_POSITIONS:
        return _in_order_arrays(positions, slop)
    spans = {(p, p) for p in positions[0]}
    for later in positions[1:]:
        if not spans:
            return False
        joined = set()
        for start, end in spans:
            for b in later[bisect_right(later, end):]:
                if b > end + slop:
                    break
                joined.add((start, b))
        spans = joined
    return bool(spans)


def _in_order_arrays(positions: list[list[int]], slop: int) -> bool:
    """``in_order`` with numpy: the positions of each word that some end of the
    spans so far precedes by 1 to ``slop`` become the ends of the next spans."""
    ends = np.asarray(positions[0], dtype=np.int64)
    for later in positions[1:]:
        if not len(ends):
            return False
        later = np.asarray(later, dtype=np.int64)
        # an end e with b - slop <= e < b
        ends = later[np.searchsorted(ends, later, "left") >
                     np.searchsorted(ends, later - slop, "left")]
    return bool(len(ends))


def _whoosh_skip_to(matcher, doc: int) -> None:
    if matcher.id() < doc:
        matcher.skip_to(doc)


def _whoosh_seek(matcher, doc: int) -> bool:
    """``whoosh_private.seek`` through Whoosh's public matcher methods."""
    if matcher.is_active() and matcher.id() < doc:
        matcher.skip_to(doc)
    return matcher.is_active() and matcher.id() == doc
