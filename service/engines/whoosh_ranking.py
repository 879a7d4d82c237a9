"""Relevance ranking over arrays, one term at a time.

Whoosh scores a query one document at a time: for every matching document it
steps each clause's matcher and adds their scores, in Python. A Fahras query is
5 to 20 clauses (stem, exact form and entity, in title and body, translations,
name keys), so at 100,000 articles a common word costs about 9 µs per matching
document: 170 ms for a word in 19,000 of them. Here each term's postings are
arrays (``DocSets.postings``, read once and cached), BM25F is computed for all of
a term's postings at once with numpy, and the query tree combines the arrays:

* ``Or``: the sum of the scores of the clauses that match (Whoosh's union);
* ``DisjunctionMax``: the best of them (plus ``tiebreak`` × the others);
* ``And``: the sum, where every clause matches; ``AndMaybe``: the first clause,
  plus the second where both match; ``AndNot``: the first, where the second does
  not match;
* a ``Term`` or compound query's ``boost`` multiplies its scores, as Whoosh's
  ``WrappingMatcher`` does (Whoosh applies no boost to ``AndMaybe``/``AndNot``
  nor to a compound query of one clause, and neither does this);
* a phrase scores the sum of its words' scores where it matches (its bits from
  ``DocSets.phrase_bits``, checked at the documents being ranked only);
* anything else is scored by Whoosh's matcher, one document at a time, within the
  search's deadline.

Past the deadline, a term whose postings are not in memory yet is left out of the
scores (``_SKIPPED``: it neither adds to a sum nor fails an ``And``), so the
ranking ends soon after the limit with the scores of what was read.

The scores are Whoosh's BM25F (``CachedLengthsBM25F``) with the same arithmetic,
equal up to the order in which floating-point sums are added
(``tests/test_ranking.py`` compares them on random query trees). One difference
is deliberate: Whoosh's ``DisjunctionMaxMatcher`` takes the maximum of both sides'
current scores even when one side is positioned on another document, so a
document can receive the score of a different one; here the maximum is over the
clauses that match the document.

The candidates are the matching bits of ``service.engines.whoosh_docsets`` (which already hold
the filters, the exclusions and the deletions); the score rules (focus bonus,
language-first offset: ``service.engines.whoosh_boost``) are applied to them in order, and the
best ``limit`` are selected with a partial sort, ties going to the lower
document number as with Whoosh's top-N collector. ``scores_at`` scores a clause
at a few documents only (the proximity bonus of the best hits), and ``by_field``
orders the matching documents by a sortable field (a sort by date).
"""

from typing import NamedTuple

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher

from service.deadline import Deadline
from service.engines.whoosh_boost import Rule
from service.engines.whoosh_docsets import DocSets, Matched, bits_mask
from index import whoosh_private as private
from service.engines.whoosh_phrases import _whoosh_skip_to, in_order


class Ranked:
    """A ranked document: its number in the whole index and its score."""

    __slots__ = ("docnum", "score", "_searcher")

    def __init__(self, searcher: Searcher, docnum: int, score: float) -> None:
        self._searcher = searcher
        self.docnum = docnum
        self.score = score

    def __repr__(self) -> str:
        return f"Ranked({self.docnum}, {self.score!r})"

    def fields(self) -> dict:
        """The document's stored fields."""
        return self._searcher.stored_fields(self.docnum)


class _Sparse(NamedTuple):
    """A clause's matches in one segment: document numbers (ascending), scores."""

    ids: np.ndarray
    scores: np.ndarray


class _Dense(NamedTuple):
    """A clause's matches in one segment, over every document number."""

    mask: np.ndarray
    scores: np.ndarray


class _Skipped:
    """A clause left out of the scores at the deadline (its postings not read)."""


_SKIPPED = _Skipped()
#: None: the clause matches nothing here
_Scores = _Sparse | _Dense | _Skipped | None


class _Segment:
    """What scoring one segment needs."""

    def __init__(self, searcher: Searcher, leaf: Searcher, docsets: DocSets,
                 deadline: Deadline | None, within: int | None = None) -> None:
        self.leaf = leaf
        self.size = leaf.doc_count_all()
        self.weighting = searcher.weighting
        self.context = searcher.context()
        self.docsets = docsets
        self.deadline = deadline
        #: the documents being ranked (bits; None: all), where phrases are checked
        self.within = docsets.live(leaf) if within is None else within
        self.timed_out = False

    def late(self) -> bool:
        """True (and remembered) once the deadline has passed."""
        if self.deadline is not None and self.deadline.expired():
            self.timed_out = True
        return self.timed_out


def rank(searcher: Searcher, query: wq.Query, matched: Matched,
         rules: list[Rule], limit: int, docsets: DocSets,
         deadline: Deadline | None = None) -> tuple[list[Ranked], bool]:
    """The best ``limit`` of the ``matched`` documents by ``query``'s score with
    ``rules`` applied, best first, and whether the ``deadline`` cut the scoring
    short: it is looked at before each segment after the first one with matches,
    before reading a term's postings, and by clauses that Whoosh scores, every 64
    documents.

    :param matched: (segment searcher, its first document number, the documents it
        matches as bits), as ``service.search.matching`` gives them.
    """
    docnums: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    timed_out = False
    for leaf, offset, bits in matched:
        if not bits:
            continue
        if docnums and deadline is not None and deadline.expired():
            timed_out = True                # (the first segment with matches is ranked)
            break
        segment = _Segment(searcher, leaf, docsets, deadline, bits)
        candidates = np.flatnonzero(bits_mask(bits, segment.size))
        found = _lookup(_score(query, segment), candidates)
        for docs_for, factor, add in rules:
            docs = docs_for(leaf)
            if docs:
                inside = bits_mask(docs, segment.size)[candidates]
                found[inside] = found[inside] * factor + add
        docnums.append(candidates + offset)
        scores.append(found)
        timed_out = timed_out or segment.timed_out
    if not docnums:
        return [], timed_out
    return _best(searcher, np.concatenate(docnums), np.concatenate(scores), limit), timed_out


def by_field(searcher: Searcher, matched: Matched, field: str,
             descending: bool, limit: int, docsets: DocSets) -> list[Ranked]:
    """The first ``limit`` of the ``matched`` documents in the order of a sortable
    field's values (documents without one last either way, as Elasticsearch puts
    them; ties by document number, as Whoosh's sorting collector), with score 0."""
    docnums, values = [], []
    for leaf, offset, bits in matched:
        if bits:
            distinct, index = docsets.sort_keys(leaf, field)
            candidates = np.flatnonzero(bits_mask(bits, leaf.doc_count_all()))
            docnums.append(candidates + offset)
            values.append((distinct, index[candidates]))
    if not docnums:
        return []
    # one order over the segments: each segment's values placed among all of them
    everything = np.unique(np.concatenate([distinct for distinct, _ in values]))
    ranks = np.concatenate([np.searchsorted(everything, distinct)[index]
                            for distinct, index in values])
    docnums_all = np.concatenate(docnums)
    missing = everything[ranks] == ""
    order = np.lexsort((docnums_all, -ranks if descending else ranks, missing))[:max(limit, 0)]
    return [Ranked(searcher, int(docnums_all[i]), 0.0) for i in order]


def _best(searcher: Searcher, docnums: np.ndarray, scores: np.ndarray,
          limit: int) -> list[Ranked]:
    """The ``limit`` best by score, then by document number."""
    if len(scores) > limit > 0:
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = scores >= threshold               # (with every document tied at the edge)
        docnums, scores = docnums[keep], scores[keep]
    order = np.lexsort((docnums, -scores))[:max(limit, 0)]
    return [Ranked(searcher, int(docnums[i]), float(scores[i])) for i in order]


def _score(q: wq.Query, segment: _Segment) -> _Scores:
    kind = type(q)
    if kind is wq.Term:
        return _term(q, segment)
    if kind is wq.Or and not q.minmatch and not getattr(q, "scale", None) \
            or kind is wq.DisjunctionMax or kind is wq.And:
        if not q.subqueries:
            return None
        parts = [_score(sub, segment) for sub in q.subqueries]
        if len(parts) == 1:
            return parts[0]
        parts = [part for part in parts if part is not _SKIPPED]
        if not parts:
            return _SKIPPED
        if kind is wq.And:
            if any(part is None for part in parts):
                return None
            found = _all(parts, segment.size)
        else:
            parts = [part for part in parts if part is not None]
            if not parts:
                return None
            found = _best_of(parts, segment.size, q.tiebreak) if kind is wq.DisjunctionMax \
                else _sum(parts, segment.size)
        return _boosted(found, q.boost)
    if (kind is wq.Phrase or kind is wq.Sequence) and len(_slots(q)) > 1:
        # Whoosh scores a phrase as the sum of its words' scores: that sum, where
        # the words stand in order (the phrase's bits, cached by ``service.engines.whoosh_docsets``)
        parts = [_score(sub, segment) for sub in _slots(q)]
        if any(part is None for part in parts):
            return None
        if any(part is _SKIPPED for part in parts):
            return _SKIPPED
        found = _all(parts, segment.size)
        bits, _ = segment.docsets.phrase_bits(segment.leaf, q, segment.within, segment.deadline)
        mask = found.mask & bits_mask(bits, segment.size)
        return _boosted(_Dense(mask, np.where(mask, found.scores, 0.0)), q.boost)
    if kind is wq.AndMaybe or kind is wq.AndNot:
        first = _score(q.a, segment)
        if first is None or first is _SKIPPED:
            return first
        second = _score(q.b, segment)
        if second is None or second is _SKIPPED:
            return first
        first = _dense(first, segment.size)
        other = _dense(second, segment.size)
        if kind is wq.AndNot:
            mask = first.mask & ~other.mask
            return _Dense(mask, np.where(mask, first.scores, 0.0))
        return _Dense(first.mask, first.scores + np.where(first.mask, other.scores, 0.0))
    return _by_whoosh(q, segment)


def _slots(q: wq.Phrase | wq.Sequence) -> list[wq.Query]:
    if isinstance(q, wq.Phrase):
        return [wq.Term(q.fieldname, word) for word in q.words]
    return q.subqueries


def _term(q: wq.Term, segment: _Segment) -> _Scores:
    leaf = segment.leaf
    if q.fieldname not in leaf.schema:
        return None
    docsets = segment.docsets
    if segment.deadline is not None and not docsets.has_postings(leaf, q.fieldname, q.text) \
            and segment.late():
        return _SKIPPED
    postings = docsets.postings(leaf, q.fieldname, q.text)
    if not len(postings.ids):
        return None
    scorer = segment.weighting.scorer(leaf, q.fieldname, q.text)
    lengths = segment.docsets.lengths(leaf, q.fieldname)
    if not isinstance(scorer, BM25FScorer) or lengths is None:
        return _by_whoosh(q, segment)
    # whoosh.scoring.bm25, term by term, in the same order of operations
    tf = postings.weights * scorer.qf
    fl = np.frombuffer(lengths, dtype=np.uint32)[postings.ids]
    k1, b = scorer.K1, scorer.B
    scores = scorer.idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / scorer.avgfl)))
    return _boosted(_Sparse(postings.ids, scores), q.boost)


def _by_whoosh(q: wq.Query, segment: _Segment) -> _Scores:
    """A clause scored by Whoosh's matcher, one document at a time (until the deadline)."""
    matcher = q.matcher(segment.leaf, segment.context)
    ids: list[int] = []
    scores: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
        if not len(ids) & 63 and segment.late():
            break
    if not ids:
        return None
    return _Sparse(np.array(ids, np.int64), np.array(scores, np.float64))


def _boosted(found: _Sparse | _Dense, boost: float) -> _Sparse | _Dense:
    if boost == 1.0:
        return found
    return found._replace(scores=found.scores * boost)


def _dense(found: _Sparse | _Dense, size: int) -> _Dense:
    if isinstance(found, _Dense):
        return found
    mask = np.zeros(size, bool)
    mask[found.ids] = True
    scores = np.zeros(size)
    scores[found.ids] = found.scores
    return _Dense(mask, scores)


def _sum(parts: list[_Sparse | _Dense], size: int) -> _Dense:
    mask = np.zeros(size, bool)
    scores = np.zeros(size)
    for part in parts:
        if isinstance(part, _Sparse):       # (a term's document numbers are distinct)
            mask[part.ids] = True
            scores[part.ids] += part.scores
        else:
            mask |= part.mask
            scores += part.scores
    return _Dense(mask, scores)


def _all(parts: list[_Sparse | _Dense], size: int) -> _Dense:
    found = _sum(parts, size)
    mask = found.mask
    for part in parts:
        if isinstance(part, _Sparse):
            inside = np.zeros(size, bool)
            inside[part.ids] = True
            mask &= inside
        else:
            mask &= part.mask
    return _Dense(mask, np.where(mask, found.scores, 0.0))


def _best_of(parts: list[_Sparse | _Dense], size: int, tiebreak: float) -> _Dense:
    dense = [_dense(part, size) for part in parts]
    mask = np.logical_or.reduce([part.mask for part in dense])
    best = np.maximum.reduce([part.scores for part in dense])
    if tiebreak:
        best = best + tiebreak * (np.add.reduce([part.scores for part in dense]) - best)
    return _Dense(mask, best)


def scores_at(searcher: Searcher, leaf: Searcher, q: wq.Query, docs: np.ndarray,
              docsets: DocSets, deadline: Deadline | None = None) -> np.ndarray:
    """``q``'s score at each of a few documents of one segment (``docs``, ascending
    segment document numbers; 0 where it does not match): the proximity bonus of
    the best hits (``service.search``).

    A phrase is checked at those documents only, from its words' positions there;
    Whoosh's phrase matcher, asked to skip to a document, checks the positions of
    every document between, which for two common words cost milliseconds per hit.
    """
    segment = _Segment(searcher, leaf, docsets, deadline)
    return _scores_at(q, segment, docs)


def _scores_at(q: wq.Query, segment: _Segment, docs: np.ndarray) -> np.ndarray:
    kind = type(q)
    if kind is wq.Phrase and len(q.words) > 1:
        return _phrase_at(q, segment, docs)
    if kind is wq.Or and not q.minmatch and not getattr(q, "scale", None) and q.subqueries:
        total = np.zeros(len(docs))
        for sub in q.subqueries:
            total += _scores_at(sub, segment, docs)
        return total * q.boost if len(q.subqueries) > 1 and q.boost != 1.0 else total
    return _lookup(_score(q, segment), docs)


def _lookup(found: _Scores, docs: np.ndarray) -> np.ndarray:
    """The scores at ``docs`` (ascending segment document numbers; 0 where the
    clause found none), as a new array."""
    if found is None or found is _SKIPPED:
        return np.zeros(len(docs))
    if isinstance(found, _Dense):
        return found.scores[docs]
    where = np.minimum(np.searchsorted(found.ids, docs), len(found.ids) - 1)
    return np.where(found.ids[where] == docs, found.scores[where], 0.0)


def _phrase_at(q: wq.Phrase, segment: _Segment, docs: np.ndarray) -> np.ndarray:
    """Whoosh's phrase (``SpanNear2``, ordered, ``mindist`` 1) at ``docs``: the sum
    of its words' scores × boost where they stand in order within ``slop``."""
    leaf = segment.leaf
    if q.fieldname not in leaf.schema:
        return np.zeros(len(docs))
    reader = leaf.reader()
    total = np.zeros(len(docs))
    present = np.ones(len(docs), bool)
    for word in q.words:
        found = _term(wq.Term(q.fieldname, word), segment)
        if found is None or found is _SKIPPED:
            return np.zeros(len(docs))
        scores = _lookup(found, docs)
        present &= scores > 0
        total += scores
    matchers = [reader.postings(q.fieldname, word) for word in q.words]
    skip = private.skip_to if private.skips_blocks(matchers) else _whoosh_skip_to
    near = np.zeros(len(docs), bool)
    for n, i in enumerate(np.flatnonzero(present)):
        if n and not n % 16 and segment.late():
            break
        doc = int(docs[i])
        positions = []
        for matcher in matchers:
            skip(matcher, doc)
            positions.append(matcher.value_as("positions"))
        near[i] = in_order(positions, q.slop)
    return np.where(near, total * q.boost, 0.0)
