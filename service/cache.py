"""A per-process cache of search answers, dropped whenever the index changes.

News searches repeat (a Zipf-like log: the day's names and places), and an answer
depends only on the request's parameters, the settings and the index. So each
worker keeps the last ``RESULT_CACHE_SIZE`` answers, keyed by the open searcher's
generation (``IndexHandle.generation``, which changes at every commit, delete or
rebuild the worker sees) and the request's parameters in order. The cache is
emptied when the generation changes, so an answer is never older than the index
the worker serves; like every read, it follows writes within ``REFRESH_INTERVAL``.
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResultCache:
    """A bounded LRU of answers for one index generation (``size`` 0 turns it off)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._generation: int | None = None
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, generation: int, key: Hashable):
        """The cached answer for ``key`` on this index generation, or None."""
        if not self.size:
            return None
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._generation = generation
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, generation: int, key: Hashable, answer: object) -> None:
        """Keep ``answer`` for ``key``, dropping the least recently used beyond ``size``."""
        if not self.size:
            return
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._generation = generation
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
