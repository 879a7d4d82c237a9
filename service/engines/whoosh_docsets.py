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
facet count is ``(matched & group).bit_count()``. Deleted documents are masked
out with the segment's live set, which is keyed by its deletion count.

**Phrases** (``phrase_bits``) are checked only where they can still matter: at the
documents holding all their words, within what the query has left (an ``And``
evaluates its other clauses first and hands their documents on; the filters come
in from the top), by ``service.engines.whoosh_phrases`` from the words' positions. What was
checked is kept with what matched (two bit sets per phrase and segment, in the
bit-set cache), so a phrase is never checked twice at a document.

**Within a deadline.** Evaluation looks at the request's deadline before reading
a term's postings and every few phrase checks. What it could not look at is
taken to match nothing where a match adds documents, and everything where a
match takes them away (in an exclusion): the documents found then all match,
some may be missing, and ``Evaluation.complete`` says so (the answer's total is
then a lower bound).

The postings themselves (``postings``: document numbers and weights as numpy
arrays, for ``service.engines.whoosh_ranking``) have a byte-bounded cache of their own, so that
a common word's postings (2 MB at 300,000 articles) do not push the bit sets out;
the scorer's field lengths (``lengths``) are kept per segment as arrays.
"""

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from index import whoosh_private as private
from service.cache import ResultCache
from service.deadline import Deadline
from service.engines import whoosh_phrases as phrases

#: Segments whose sets are kept (an index has a handful; merges retire old ones).
MAX_SEGMENTS = 64

#: Default bound on the cached term bit sets (each is a segment's size / 8 bytes).
MAX_BITS_BYTES = 32 * 2**20

#: A phrase's slot is read whole (its documents as bits) unless it holds more than
#: this many times as many documents as the candidates left, which are then looked
#: up in its postings one by one (a block of ids read for each).
PHRASE_READ_RATIO = 10

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
        return self.evaluate(leaf, query).bits

    def evaluate(self, leaf: Searcher, query: wq.Query, *, within: int | None = None,
                 deadline: Deadline | None = None) -> "Evaluation":
        """The (undeleted) documents of one segment that ``query`` matches among
        ``within`` (bits; None: all), found before the ``deadline``."""
        live = self.live(leaf)
        evaluation = Evaluation(self, leaf, deadline)
        within = live if within is None else within & live
        evaluation.bits = evaluation.eval(query, True, within) & within
        return evaluation

    def term_bits(self, leaf: Searcher, field: str, text: str) -> int:
        """The documents of one segment holding ``text`` in ``field`` (bits; cached
        within ``max_bits_bytes``, least recently used first out)."""
        return self._in(self._bits, leaf, (field, text), lambda: ids_to_bits(
            self.postings(leaf, field, text).ids, leaf.doc_count_all()))

    def query_bits(self, leaf: Searcher, q: wq.Query) -> int:
        """The documents of one segment that ``q`` matches by Whoosh's matcher (a
        query that is neither a term, a phrase nor a Boolean combination),
        deletions included (bits; cached with the term bit sets)."""
        def compute() -> int:
            matcher = _and_not_free(q).matcher(leaf, leaf.boolean_context())
            return to_bits(matcher.all_ids()) if matcher.is_active() else 0
        return self._in(self._bits, leaf, ("query", q), compute)

    def phrase_bits(self, leaf: Searcher, q: wq.Query, within: int,
                    deadline: Deadline | None = None) -> tuple[int, int]:
        """The documents of ``within`` where the phrase ``q`` (``Phrase``, ``Sequence``)
        matches, and those of ``within`` that the ``deadline`` left unchecked (bits:
        all of ``within`` when a word's documents were not read by then).

        The candidates are the documents of ``within`` holding a term of every slot,
        the rarest slot first; a slot whose terms are far more common than the
        candidates left is not read whole but looked up at each candidate when its
        positions are (``phrases.check``). Each candidate is checked once: what was
        checked and what matched are kept per segment (with the term bit sets).
        """
        slots = phrases.slots_of(q)
        if slots is None:
            return self.query_bits(leaf, q) & within, 0
        reader = leaf.reader()
        frequency = {pair: reader.doc_frequency(*pair) if pair in reader else 0
                     for slot in slots for pair in slot}
        candidates = within
        for slot in sorted(slots, key=lambda slot: sum(frequency[pair] for pair in slot)):
            if not candidates:
                return 0, 0
            known = all(self._peek_bits(leaf, pair) is not None for pair in slot)
            if not known and sum(frequency[pair] for pair in slot) > \
                    PHRASE_READ_RATIO * candidates.bit_count():
                break                           # the rest are looked up at the candidates
            if not known and deadline is not None and deadline.expired():
                return 0, within                # past the deadline: not looked at
            held = 0
            for pair in slot:
                held |= self.term_bits(leaf, *pair)
            candidates &= held
        if not candidates:
            return 0, 0
        key = ("phrase", q)
        checked, matched = self._peek_bits(leaf, key) or (0, 0)
        todo = candidates & ~checked
        left = 0
        if todo:
            docs = np.flatnonzero(bits_mask(todo, leaf.doc_count_all())).tolist()
            found, done = phrases.check(reader, slots, q.slop, docs, deadline)
            checked |= to_bits(docs[:done]) if done < len(docs) else todo
            matched |= to_bits(found)
            left = to_bits(docs[done:]) if done < len(docs) else 0
            self._put_bits(leaf, key, (checked, matched))
        return matched & candidates, left

    def _peek_bits(self, leaf: Searcher, key: tuple):
        segment = _segment_id(leaf)
        return None if segment is None else self._bits.get(0, (segment, *key))

    def _put_bits(self, leaf: Searcher, key: tuple, value) -> None:
        segment = _segment_id(leaf)
        if segment is not None:
            self._bits.put(0, (segment, *key), value, weight=_bytes(value))

    def postings(self, leaf: Searcher, field: str, text: str) -> Postings:
        """The document numbers (ascending) and weights of a term's postings in one
        segment, as arrays (``service.engines.whoosh_ranking``; cached within
        ``max_postings_bytes``, least recently used first out)."""
        return self._in(self._postings, leaf, (field, text),
                        lambda: read_postings(leaf.reader(), field, text))

    def has_postings(self, leaf: Searcher, field: str, text: str) -> bool:
        """Whether a term's postings in one segment are in memory already."""
        segment = _segment_id(leaf)
        return segment is not None and self._postings.get(0, (segment, field, text)) is not None

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
        """The documents of one segment grouped by ``key(value)`` of a sortable field,
        as bit sets (documents without a value in none)."""
        def compute() -> BitGroups:
            values, codes = self.column_codes(leaf, field)
            size = leaf.doc_count_all()
            groups: BitGroups = {}
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(values) + 1))
            for code, value in enumerate(values):
                if value and bounds[code] < bounds[code + 1]:
                    bits = ids_to_bits(order[bounds[code]:bounds[code + 1]], size)
                    name = key(value)
                    groups[name] = groups.get(name, 0) | bits
            return groups
        return self._cached(leaf, ("column bits", field, key), compute)

    def terms_bits(self, leaf: Searcher, field: str) -> BitGroups:
        """Every term of an indexed field and its documents in one segment, as bits."""
        def compute() -> BitGroups:
            reader = leaf.reader()
            if field not in reader.indexed_field_names():
                return {}
            size = leaf.doc_count_all()
            return {text: ids_to_bits(read_postings(reader, field, text, weights=False).ids,
                                      size)
                    for text in map(_text, reader.lexicon(field))}
        return self._cached(leaf, ("terms bits", field), compute)

    def lengths(self, leaf: Searcher, field: str) -> Sequence[int] | None:
        """Every document's length of ``field`` in one segment (``service.engines.whoosh_scoring``),
        or None for a searcher that is not one segment's."""
        if _segment_id(leaf) is None:
            return None
        return self._cached(leaf, ("lengths", field), lambda: field_lengths(leaf, field))

    def column_codes(self, leaf: Searcher, field: str) -> tuple[list[str], np.ndarray]:
        """A sortable field's values in one segment: the distinct values (``""`` for
        none) and each document's index among them."""
        return self._cached(leaf, ("column codes", field), lambda: column_codes(leaf, field))

    def sort_keys(self, leaf: Searcher, field: str) -> tuple[np.ndarray, np.ndarray]:
        """A sortable field's values in one segment, for sorting: its distinct values
        in order (``""`` for none) and each document's index among them."""
        def compute() -> tuple[np.ndarray, np.ndarray]:
            values, codes = self.column_codes(leaf, field)
            distinct, where = np.unique(np.array(values, dtype=str), return_inverse=True)
            index = where.astype(np.int32)[codes]
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


class Evaluation:
    """One segment's evaluation of a query tree as bits, within a deadline.

    ``eval(q, positive, within)`` gives the documents of ``within`` that ``q``
    matches. What the deadline left unread counts as matching nothing where
    ``positive`` (a match adds documents) and as matching everything where not
    (inside an exclusion), so the documents found always match; ``complete`` is
    False when some were left out that way.
    """

    def __init__(self, docsets: DocSets, leaf: Searcher, deadline: Deadline | None) -> None:
        self.docsets = docsets
        self.leaf = leaf
        self.deadline = deadline
        self.complete = True
        self.bits = 0

    def eval(self, q: wq.Query, positive: bool, within: int) -> int:
        kind = type(q)
        if kind is wq.Term:
            return self._term(q, positive, within)
        if kind is wq.Or and not q.minmatch or kind is wq.DisjunctionMax:
            bits = 0
            for sub in q.subqueries:
                bits |= self.eval(sub, positive, within)
            return bits
        if kind is wq.And:
            subs = sorted(q.subqueries, key=_positional)     # phrases last, on fewer
            if not subs:
                return 0
            bits = within
            for sub in subs:
                bits &= self.eval(sub, positive, bits)
                if not bits:
                    break
            return bits
        if kind is wq.AndMaybe:
            return self.eval(q.a, positive, within)
        if kind is wq.AndNot:
            bits = self.eval(q.a, positive, within)
            return bits & ~self.eval(q.b, not positive, bits) if bits else 0
        if kind is wq.Phrase or kind is wq.Sequence:
            matched, left = self.docsets.phrase_bits(self.leaf, q, within, self.deadline)
            if left:
                self.complete = False
                return matched if positive else matched | left
            return matched
        # anything else: Whoosh's matcher, kept like a term's
        return self.docsets.query_bits(self.leaf, q)

    def _term(self, q: wq.Term, positive: bool, within: int) -> int:
        docsets, leaf = self.docsets, self.leaf
        if self.deadline is not None and self.deadline.expired() and \
                docsets._peek_bits(leaf, (q.fieldname, q.text)) is None:
            self.complete = False       # not read: nothing added, everything taken away
            return 0 if positive else within
        return docsets.term_bits(leaf, q.fieldname, q.text)


def _positional(q: wq.Query) -> bool:
    """Whether ``q`` holds a phrase (such a clause of an ``And`` goes last)."""
    if type(q) in (wq.Phrase, wq.Sequence):
        return True
    return any(_positional(sub) for sub in q.children())


def field_lengths(leaf: Searcher, field: str) -> np.ndarray:
    """Every document's length of ``field`` in one segment, as Whoosh's
    ``doc_field_length`` gives it (0 for none), as unsigned 32-bit integers.

    Whoosh keeps a segment's lengths as one byte per document in a column; read
    whole (a private attribute of its codec's ``NumericColumn`` reader), the bytes
    become lengths through Whoosh's own table (100,000 documents: about 1 ms,
    where asking each document took about 0.4 s). Any other reader is asked one
    document at a time.
    """
    reader = leaf.reader()
    size = leaf.doc_count_all()
    found = private.lengths_bytes(reader, field, size)
    if found is not None:
        raw = np.zeros(size, np.uint8)
        raw[:len(found)] = np.frombuffer(found, np.uint8)
        return _BYTE_LENGTHS[raw]
    length = reader.doc_field_length
    return np.array([length(docnum, field, 1) or 0 for docnum in range(size)], np.uint32)


def _byte_lengths() -> np.ndarray:
    from whoosh.util.numeric import byte_to_length
    table = np.array([byte_to_length(b) for b in range(256)], np.uint32)
    table[0] = 0                        # (doc_field_length: no length byte, no length)
    return table


_BYTE_LENGTHS = _byte_lengths()


def column_codes(leaf: Searcher, field: str) -> tuple[list[str], np.ndarray]:
    """A sortable field's values in one segment: the distinct values (``""`` for a
    document without one) and each document's index among them.

    A variable-width column (Whoosh's ``VarBytesColumn``, the column of an ``ID``
    field) is read as one block of bytes and its lengths (private attributes of
    its reader), and only the distinct values are decoded; any other column is
    read value by value.
    """
    reader = leaf.reader()
    size = leaf.doc_count_all()
    if not reader.has_column(field):
        return [""], np.zeros(size, np.int32)
    column = reader.column_reader(field)
    raw = column.raw_column() if hasattr(column, "raw_column") else column
    translate = getattr(column, "_translate", lambda value: value)
    items = private.column_items(raw, size)
    if items is None:
        items, translate = list(column), lambda value: value
    if not items:
        return [""], np.zeros(0, np.int32)
    # fixed-width bytes, so that numpy finds the distinct values (no value holds NUL)
    width = max(1, max(map(len, items)))
    distinct, codes = np.unique(np.array(items, dtype=f"S{width}"), return_inverse=True)
    values = [_text(translate(item)) if item else "" for item in distinct.tolist()]
    return values, codes.astype(np.int32).reshape(-1)



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


def read_postings(reader, field: str, text: str, weights: bool = True) -> Postings:
    """A term's postings in one segment as arrays (empty when it has none; without
    ``weights``, the weights array is empty).

    Whoosh's own codec is read a block at a time (a tuple of ids and an array of
    weights per block of up to 128 postings); any other matcher one posting at a
    time, through its public methods.
    """
    if (field, text) not in reader:
        return Postings(np.empty(0, np.int32), np.empty(0, np.float64))
    matcher = reader.postings(field, text)
    blocks = private.read_blocks(matcher, weights)
    if blocks is not None:
        ids, found = blocks
    else:
        ids, found = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            if weights:
                found.append(matcher.weight())
            matcher.next()
    postings = Postings(np.array(ids, np.int32), np.array(found, np.float64))
    for array_ in postings:             # shared by the searches of every thread
        array_.flags.writeable = False
    return postings


def _bytes(value) -> int:
    if isinstance(value, Postings):
        return value.ids.nbytes + value.weights.nbytes
    if isinstance(value, tuple):                    # a phrase's checked and matched bits
        return sum(_bytes(part) for part in value)
    return (value.bit_length() + 7) // 8


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
