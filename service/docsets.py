"""Sets of document numbers per index segment, computed once and kept.

Facet counts, filters, the language-first order and the focus bonus all ask the
same questions of every search: which documents are Arabic, which mention
Azerbaijan, which come from this source or year. Whoosh answers them by reading
postings or un-inverting a field at every search (a third of a search's time);
here each answer is a ``frozenset`` of a segment's document numbers, computed at
its first use.

A segment never changes once written, except for deletions, and these sets are
only ever intersected with what a query matched, which never holds a deleted
document; so a set stays true for as long as its segment exists. The cache is
keyed by segment id (new segments after a commit get new ids) and bounded: the
sets of segments merged away fall out of it.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from whoosh.searching import Searcher

#: Segments whose sets are kept (an index has a handful; merges retire old ones).
MAX_SEGMENTS = 64

Groups = dict[str, frozenset[int]]


class DocSets:
    """A bounded cache of per-segment document sets."""

    def __init__(self, max_segments: int = MAX_SEGMENTS) -> None:
        self.max_segments = max_segments
        self._segments: OrderedDict[str, dict[Hashable, object]] = OrderedDict()
        self._lock = threading.Lock()

    def term(self, leaf: Searcher, field: str, text: str) -> frozenset[int]:
        """The documents of one segment (``leaf``) that hold ``text`` in ``field``."""
        return self._cached(leaf, ("term", field, text),
                            lambda: _postings(leaf, field, text))

    def any_term(self, leaf: Searcher, field: str, texts: Iterable[str]) -> frozenset[int]:
        """The documents of one segment that hold any of ``texts`` in ``field``."""
        texts = tuple(sorted(texts))
        return self._cached(leaf, ("any", field, texts), lambda: frozenset().union(
            *(self.term(leaf, field, text) for text in texts)))

    def terms(self, leaf: Searcher, field: str) -> Groups:
        """Every term of an indexed field and its documents in one segment."""
        def compute() -> Groups:
            reader = leaf.reader()
            if field not in reader.indexed_field_names():
                return {}
            return {text: _postings(leaf, field, text)
                    for text in map(_text, reader.lexicon(field))}
        return self._cached(leaf, ("terms", field), compute)

    def column(self, leaf: Searcher, field: str,
               key: Callable[[str], str] = lambda value: value) -> Groups:
        """The documents of one segment grouped by ``key(value)`` of a sortable field."""
        def compute() -> Groups:
            reader = leaf.reader()
            groups: dict[str, set[int]] = {}
            if reader.has_column(field):
                for docnum, value in enumerate(reader.column_reader(field)):
                    value = _text(value)
                    if value:
                        groups.setdefault(key(value), set()).add(docnum)
            return {value: frozenset(docs) for value, docs in groups.items()}
        return self._cached(leaf, ("column", field, key), compute)

    def clear(self) -> None:
        """Forget every set (tests)."""
        with self._lock:
            self._segments.clear()

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
        with self._lock:
            entries = self._segments.setdefault(segment, {})
            entries[key] = value
            self._segments.move_to_end(segment)
            while len(self._segments) > self.max_segments:
                self._segments.popitem(last=False)
        return value


def _segment_id(leaf: Searcher) -> str | None:
    segment = getattr(leaf.reader(), "segment", lambda: None)()
    return None if segment is None else segment.segment_id()


def _postings(leaf: Searcher, field: str, text) -> frozenset[int]:
    reader = leaf.reader()
    if (field, text) not in reader:
        return frozenset()
    return frozenset(reader.postings(field, text).all_ids())


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
