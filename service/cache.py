"""A per-process cache of search answers, dropped whenever the index changes.

News searches repeat (a Zipf-like log: the day's names and places), and an answer
depends only on the request's parameters, the settings and the index. So each
worker keeps its most recently used answers, keyed by the open searcher's
generation (``IndexHandle.generation``, which changes at every commit, delete or
rebuild the worker sees) and the request's parameters in order. The cache is
emptied when the generation changes, so an answer is never older than the index
the worker serves; like every read, it follows writes within ``REFRESH_INTERVAL``.

The bound is ``RESULT_CACHE_SIZE`` answers of the default page size: an answer
weighs one unit per ``DEFAULT_PER_PAGE`` results (at least one), so a client asking
for ``per_page=50`` cannot make the cache five times bigger than its setting says.

An engine may keep its own data in the same kind of cache (the embedded engine's
bit sets and postings arrays), with one generation and weights in bytes.
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResultCache:
    """A bounded LRU of answers for one index generation (``size`` 0 turns it off).

    Entries have weights (``put``); the weights held never exceed ``size``.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._generation: int | None = None
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def weight(self) -> int:
        """The weights of the answers held."""
        return self._weight

    def get(self, generation: int, key: Hashable):
        """The cached answer for ``key`` on this index generation, or None."""
        if not self.size:
            return None
        with self._lock:
            self._follow(generation)
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, generation: int, key: Hashable, answer: object, weight: int = 1) -> None:
        """Keep ``answer`` for ``key``, dropping the least recently used answers until
        the weights held are at most ``size`` (an answer heavier than that is not kept)."""
        if not self.size or weight > self.size:
            return
        with self._lock:
            self._follow(generation)
            old = self._entries.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._entries[key] = (answer, weight)
            self._weight += weight
            while self._weight > self.size:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._weight -= dropped

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def _follow(self, generation: int) -> None:
        if generation != self._generation:
            self._entries.clear()
            self._weight = 0
            self._generation = generation
