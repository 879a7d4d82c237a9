"""Sets of document numbers per index segment, computed once and kept.

Facet counts, filters, the language-first order and the focus bonus all ask the
same questions of every search: which documents are Arabic, which mention
Azerbaijan, which come from this source or year. Whoosh answers them by reading
postings or un-inverting a field at every search (a third of a search's time);
here each answer is a bit set of a segment's document numbers, computed at its
first use.

A segment never changes once written, except for deletions, and these sets are
only ever intersected with what a query matched, which never holds a deleted
document; so a set stays true for as long as its segment exists. The cache is
keyed by segment id (new segments after a commit get new ids) and bounded: the
sets of segments merged away fall out of it.

**Counting without scoring.** The total and the facets need every document a query
matches, not only the best ten. Whoosh finds them by stepping its matchers through
each one, which at 100,000 articles costs more than the ranking itself. Here they
are bit sets (a Python ``int``, bit n for document n): ``matching`` evaluates the
query tree with ``|`` for Or, ``&`` for And, ``& ~`` for AndNot, from each term's
postings read once and kept in a cache bounded in bytes (``max_bits_bytes``); a
facet count is ``(matched & group).bit_count()``. Nodes whose matches depend on
positions (phrases) are left to Whoosh's matcher, and their bits cached like a
term's. Deleted documents are masked out with the segment's live set, which is
keyed by its deletion count.

The postings themselves (``postings``: document numbers and weights as numpy
arrays, for ``service.ranking``) have a byte-bounded cache of their own, so that
a common word's postings (2 MB at 300,000 articles) do not push the bit sets out;
the scorer's field lengths (``lengths``) are kept per segment as arrays.
"""

import copy
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from service.cache import ResultCache

#: Segments whose sets are kept (an index has a handful; merges retire old ones).
MAX_SEGMENTS = 64

#: Default bound on the cached term bit sets (each is a segment's size / 8 bytes).
MAX_BITS_BYTES = 32 * 2**20

#: Default bound on the cached postings arrays (12 bytes a posting).
MAX_POSTINGS_BYTES = 64 * 2**20

BitGroups = dict[str, int]

#: Per segment of a search: (segment searcher, offset of its document numbers, the
#: documents the query matches in it, as bits)
Matched = list[tuple[Searcher, int, int]]


class Postings(NamedTuple):
    """A term's postings in one segment: document numbers (ascending) and weights."""

    ids: np.ndarray
    weights: np.ndarray


def to_bits(ids: Iterable[int]) -> int:
    """A bit set of document numbers.

    >>> bin(to_bits([0, 3, 4]))
    '0b11001'
    """
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    for docnum in ids:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def ids_to_bits(ids: np.ndarray, size: int) -> int:
    """A bit set of the document numbers in an array, all below ``size``.

    >>> bin(ids_to_bits(np.array([0, 3, 4]), 8))
    '0b11001'
    """
    mask = np.zeros(size, bool)
    mask[ids] = True
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def bits_mask(bits: int, size: int) -> np.ndarray:
    """A bit set as an array of ``size`` booleans (bit n at index n).

    >>> bits_mask(to_bits([0, 3]), 5).tolist()
    [True, False, False, True, False]
    """
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=size, bitorder="little").view(bool)


class Members:
    """Membership in a bit set (``docnum in members``), without a shift of the whole
    number at each test.

    >>> members = Members(to_bits([2, 9]))
    >>> 9 in members, 3 in members, 80 in members, bool(Members(0))
    (True, False, False, False)
    """

    __slots__ = ("_bytes",)

    def __init__(self, bits: int) -> None:
        self._bytes = bits.to_bytes((bits.bit_length() + 7) // 8, "little")

    def __contains__(self, docnum: int) -> bool:
        index = docnum >> 3
        return index < len(self._bytes) and bool(self._bytes[index] >> (docnum & 7) & 1)

    def __bool__(self) -> bool:
        return bool(self._bytes)


class DocSets:
    """A bounded cache of per-segment document sets."""

    def __init__(self, max_segments: int = MAX_SEGMENTS,
                 max_bits_bytes: int = MAX_BITS_BYTES,
                 max_postings_bytes: int = MAX_POSTINGS_BYTES) -> None:
        self.max_segments = max_segments
        self.max_bits_bytes = max_bits_bytes
        self.max_postings_bytes = max_postings_bytes
        self._segments: OrderedDict[str, dict[Hashable, object]] = OrderedDict()
        # least recently used first out, weighed in bytes (one generation: a segment's
        # values never change); apart, since a common term's postings would push many
        # bit sets out
        self._bits = ResultCache(max_bits_bytes)
        self._postings = ResultCache(max_postings_bytes)
        self._lock = threading.Lock()

    # ------------------------------------------------------------ bit sets

    def matching(self, leaf: Searcher, query: wq.Query) -> int:
        """The (undeleted) documents of one segment that ``query`` matches, as bits."""
        return self._eval(leaf, query) & self.live(leaf)

    def term_bits(self, leaf: Searcher, field: str, text: str) -> int:
        """The documents of one segment holding ``text`` in ``field`` (bits; cached
        within ``max_bits_bytes``, least recently used first out)."""
        return self._in(self._bits, leaf, (field, text), lambda: ids_to_bits(
            self.postings(leaf, field, text).ids, leaf.doc_count_all()))

    def query_bits(self, leaf: Searcher, q: wq.Query) -> int:
        """The documents of one segment that ``q`` matches by Whoosh's matcher (for
        phrases: their matches depend on positions), deletions included (bits;
        cached with the term bit sets)."""
        def compute() -> int:
            matcher = _and_not_free(q).matcher(leaf, leaf.boolean_context())
            return to_bits(matcher.all_ids()) if matcher.is_active() else 0
        return self._in(self._bits, leaf, ("query", q), compute)

    def postings(self, leaf: Searcher, field: str, text: str) -> Postings:
        """The document numbers (ascending) and weights of a term's postings in one
        segment, as arrays (``service.ranking``; cached within
        ``max_postings_bytes``, least recently used first out)."""
        return self._in(self._postings, leaf, (field, text),
                        lambda: read_postings(leaf.reader(), field, text))

    @staticmethod
    def _in(cache: ResultCache, leaf: Searcher, key: tuple, compute: Callable[[], object]):
        segment = _segment_id(leaf)
        if segment is None:
            return compute()
        key = (segment, *key)
        value = cache.get(0, key)
        if value is None:
            value = compute()
            cache.put(0, key, value, weight=_bytes(value))
        return value

    @property
    def bits_bytes(self) -> int:
        """The bytes held by cached term and phrase bit sets."""
        return self._bits.weight

    @property
    def postings_bytes(self) -> int:
        """The bytes held by cached postings arrays."""
        return self._postings.weight

    def live(self, leaf: Searcher) -> int:
        """The undeleted documents of one segment (bits)."""
        reader = leaf.reader()
        total = reader.doc_count_all()
        deleted = total - reader.doc_count()
        # deletions only ever grow within a segment: their count tells the versions
        # apart, and a newer version replaces the older one
        version, bits = self._peek(leaf, ("live",)) or (None, 0)
        if version != deleted:
            bits = (1 << total) - 1
            if deleted:
                bits &= ~to_bits(n for n in range(total) if reader.is_deleted(n))
            self._store(leaf, ("live",), (deleted, bits))
        return bits

    def column_bits(self, leaf: Searcher, field: str,
                    key: Callable[[str], str] = lambda value: value) -> BitGroups:
        """``column`` as bit sets (computed from the column, not kept as sets too)."""
        return self._cached(leaf, ("column bits", field, key), lambda: {
            value: to_bits(docs) for value, docs in _column_groups(leaf, field, key).items()})

    def terms_bits(self, leaf: Searcher, field: str) -> BitGroups:
        """Every term of an indexed field and its documents in one segment, as bits."""
        def compute() -> BitGroups:
            reader = leaf.reader()
            if field not in reader.indexed_field_names():
                return {}
            size = leaf.doc_count_all()
            return {text: ids_to_bits(read_postings(reader, field, text).ids, size)
                    for text in map(_text, reader.lexicon(field))}
        return self._cached(leaf, ("terms bits", field), compute)

    def lengths(self, leaf: Searcher, field: str) -> Sequence[int] | None:
        """Every document's length of ``field`` in one segment (``service.scoring``),
        or None for a searcher that is not one segment's."""
        if _segment_id(leaf) is None:
            return None
        length = leaf.reader().doc_field_length
        return self._cached(leaf, ("lengths", field), lambda: array("I", (
            length(docnum, field, 1) or 0 for docnum in range(leaf.doc_count_all()))))

    def sort_keys(self, leaf: Searcher, field: str) -> tuple[np.ndarray, np.ndarray]:
        """A sortable field's values in one segment, for sorting: its distinct values
        in order (``""`` for none) and each document's index among them."""
        def compute() -> tuple[np.ndarray, np.ndarray]:
            reader = leaf.reader()
            values = [_text(value) if value else "" for value in reader.column_reader(field)] \
                if reader.has_column(field) else [""] * leaf.doc_count_all()
            distinct, index = np.unique(np.array(values, dtype=str), return_inverse=True)
            index = index.astype(np.int32)
            distinct.flags.writeable = index.flags.writeable = False
            return distinct, index
        return self._cached(leaf, ("sort keys", field), compute)

    def in_range(self, leaf: Searcher, field: str, low: str | None, high: str | None) -> int:
        """The documents of one segment whose value of a sortable field lies between
        ``low`` and ``high`` (both included; None: open), as bits; documents without
        a value never do."""
        distinct, index = self.sort_keys(leaf, field)
        first = 0 if low is None else np.searchsorted(distinct, low, side="left")
        end = len(distinct) if high is None else np.searchsorted(distinct, high, side="right")
        inside = (index >= first) & (index < end) & (distinct != "")[index]
        return ids_to_bits(np.flatnonzero(inside), len(index))

    def _eval(self, leaf: Searcher, q: wq.Query) -> int:
        kind = type(q)
        if kind is wq.Term:
            return self.term_bits(leaf, q.fieldname, q.text)
        if kind is wq.Or and not q.minmatch or kind is wq.DisjunctionMax:
            bits = 0
            for sub in q.subqueries:
                bits |= self._eval(leaf, sub)
            return bits
        if kind is wq.And:
            subs = q.subqueries
            if not subs:
                return 0
            bits = self._eval(leaf, subs[0])
            for sub in subs[1:]:
                if not bits:
                    break
                bits &= self._eval(leaf, sub)
            return bits
        if kind is wq.AndMaybe:
            return self._eval(leaf, q.a)
        if kind is wq.AndNot:
            bits = self._eval(leaf, q.a)
            return bits & ~self._eval(leaf, q.b) if bits else 0
        # anything else (phrases: their matches depend on positions): Whoosh's matcher,
        # kept like a term's (a translation's phrase recurs across queries)
        return self.query_bits(leaf, q)

    def clear(self) -> None:
        """Forget every set (tests)."""
        with self._lock:
            self._segments.clear()
        self._bits.clear()
        self._postings.clear()

    def _cached(self, leaf: Searcher, key: Hashable, compute: Callable[[], object]):
        segment = _segment_id(leaf)
        if segment is None:                 # not a segment reader: nothing to key by
            return compute()
        with self._lock:
            entries = self._segments.get(segment)
            if entries is not None:
                self._segments.move_to_end(segment)
                if key in entries:
                    return entries[key]
        value = compute()
        self._store(leaf, key, value)
        return value

    def _peek(self, leaf: Searcher, key: Hashable):
        """The cached value of ``key`` for this segment, or None."""
        segment = _segment_id(leaf)
        with self._lock:
            return self._segments.get(segment, {}).get(key)

    def _store(self, leaf: Searcher, key: Hashable, value: object) -> None:
        segment = _segment_id(leaf)
        if segment is None:
            return
        with self._lock:
            entries = self._segments.setdefault(segment, {})
            entries[key] = value
            self._segments.move_to_end(segment)
            while len(self._segments) > self.max_segments:
                self._segments.popitem(last=False)


def _column_groups(leaf: Searcher, field: str,
                   key: Callable[[str], str]) -> dict[str, list[int]]:
    """The documents of one segment grouped by ``key(value)`` of a sortable field."""
    reader = leaf.reader()
    groups: dict[str, list[int]] = {}
    if reader.has_column(field):
        for docnum, value in enumerate(reader.column_reader(field)):
            value = _text(value)
            if value:
                groups.setdefault(key(value), []).append(docnum)
    return groups


def _and_not_free(q: wq.Query) -> wq.Query:
    """``q`` with every ``AndNot(a, b)`` written ``And(a, Not(b))``.

    Whoosh's ``AndNotMatcher`` never checks the first document of its positive side
    when the negative side starts earlier: ``army -drone`` finds "army drone" when a
    document with only "drone" comes first (in Whoosh 2.7.4 and its forks).
    """
    if isinstance(q, wq.AndNot):
        return wq.And([_and_not_free(q.a), wq.Not(_and_not_free(q.b))])
    if isinstance(q, wq.CompoundQuery):      # (``apply`` would lose Or's minmatch)
        new = copy.copy(q)
        new.subqueries = [_and_not_free(sub) for sub in q.subqueries]
        return new
    if isinstance(q, wq.BinaryQuery):
        new = copy.copy(q)
        new.a, new.b = _and_not_free(q.a), _and_not_free(q.b)
        return new
    return q


def _segment_id(leaf: Searcher) -> str | None:
    segment = getattr(leaf.reader(), "segment", lambda: None)()
    return None if segment is None else segment.segment_id()


def read_postings(reader, field: str, text: str) -> Postings:
    """A term's postings in one segment as arrays (empty when it has none).

    Whoosh's own codec is read a block at a time (a tuple of ids and an array of
    weights per block of up to 128 postings); any other matcher one posting at a
    time, through its public methods.
    """
    if (field, text) not in reader:
        return Postings(np.empty(0, np.int32), np.empty(0, np.float64))
    matcher = reader.postings(field, text)
    ids: list[int] = []
    weights: list[float] = []
    if all(hasattr(matcher, name) for name in _BLOCK_READER):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    postings = Postings(np.array(ids, np.int32), np.array(weights, np.float64))
    for array_ in postings:             # shared by the searches of every thread
        array_.flags.writeable = False
    return postings


#: What ``read_postings`` needs of Whoosh's codec (whoosh3 and whoosh-reloaded's
#: ``W3LeafMatcher``) to read whole blocks.
_BLOCK_READER = ("_read_ids", "_read_weights", "_ids", "_weights", "_next_block")


def _bytes(value) -> int:
    if isinstance(value, Postings):
        return value.ids.nbytes + value.weights.nbytes
    return (value.bit_length() + 7) // 8


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
