"""The one place that opens the index for serving: one searcher per process, refreshed.

Opening a searcher per request costs several times the query itself, so the process
keeps one (opened by ``service.engines.registry.open_searcher``, with the engine
that wrote the folder) and checks, at most every ``REFRESH_INTERVAL`` seconds, whether the
index changed: a new commit or a rebuild swapped in (the index link points at
another folder); either way a new searcher is opened, which is cheap for both
engines (an index of separate files, a database). Searches run under
a lock: gunicorn's sync workers serve one request at a time anyway, and the lock
keeps a threaded development server from sharing a searcher mid-search.
"""

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from index import store
from index.resources import Resources
from service.engines import Searcher
from service.problems import IndexUnavailable

log = logging.getLogger(__name__)
BUILD_HINT = "build one with: python -m index build seeds/"


@dataclass(frozen=True)
class IndexInfo:
    """What /api/health reports about the open index."""

    documents: int
    generation: int
    folder: str
    fingerprint: str
    gazetteer: str
    #: which engine wrote the index (``service.engines``)
    engine: str
    #: a cluster's shards and their states (``Searcher.shards``), None otherwise
    shards: dict | None = None


class IndexHandle:
    """A lazily opened index and its searcher, shared by the requests of one process."""

    def __init__(self, index_dir: Path | str, refresh_interval: float = 1.0, *,
                 opener, options: dict | None = None) -> None:
        """:param opener: ``opener(folder, caches, options)`` opens a searcher
        (``service.engines.registry.open_searcher``)."""
        self.opener = opener
        self.index_dir = Path(index_dir)
        self.refresh_interval = refresh_interval
        self._lock = threading.RLock()
        self._folder: Path | None = None
        self._searcher: Searcher | None = None
        self._checked = 0.0
        self._in_use = 0
        #: The engine's options (``service.engines.open_searcher``: cache sizes).
        self.options = options or {}
        #: What an engine keeps across refreshes (its caches of per-segment sets).
        self.caches: dict = {}
        #: Changes whenever another searcher is opened (a commit, delete or rebuild seen).
        self.generation = 0

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """Yield an up-to-date searcher, holding the lock while it is used.

        :raises IndexUnavailable: when there is no index or it cannot be opened.
        """
        with self._lock:
            self._ensure_fresh()
            self._in_use += 1
            try:
                yield self._searcher
            finally:
                self._in_use -= 1

    def run(self, work):
        """Call ``work(searcher)`` and return its result, retrying once on a fresh
        searcher when files of the index vanished underneath it.

        Another process's commit may merge segments and delete their files, or move
        a database past the revision a searcher reads; a searcher opened before can
        then fail to read what it reads lazily: an ``OSError``, or another error of
        the engine's (a column found gone and used as ``None``: a ``TypeError``). Any error on a searcher that is no longer the index's
        latest is taken for that, and the retry sees the new state; the same error
        on a current searcher is a bug and goes up as it is.

        :raises IndexUnavailable: when the second attempt fails too (503).
        """
        for attempt in (1, 2):
            with self.searcher() as searcher:
                try:
                    return work(searcher)
                except Exception as error:
                    if not isinstance(error, OSError) and _current(searcher):
                        raise
                    log.warning("search failed on a changing index (%r); reopening", error)
                    self.close()
                    if attempt == 2:
                        raise IndexUnavailable("the index changed during the search; "
                                               "try again", headers={"Retry-After": "1"}
                                               ) from error
        raise AssertionError("unreachable")

    @property
    def resources(self) -> Resources:
        """The resources the open index was built with."""
        with self._lock:
            self._ensure_fresh()
            return self._searcher.resources

    @property
    def analyzer(self):
        """The analyzer of the open index's text fields."""
        with self._lock:
            self._ensure_fresh()
            return self._searcher.analyzer

    def info(self) -> IndexInfo:
        """Describe the open index."""
        with self._lock:
            self._ensure_fresh()
            resources = self._searcher.resources
            return IndexInfo(
                documents=self._searcher.doc_count(),
                generation=self._searcher.generation(),
                folder=str(self._folder),
                fingerprint=resources.fingerprint,
                gazetteer=resources.gazetteer.digest[:16],
                engine=self._searcher.engine,
                shards=self._searcher.shards(),
            )

    def refresh_now(self) -> None:
        """See the latest commit at the next use (after this process wrote)."""
        with self._lock:
            self._checked = 0.0

    def close(self) -> None:
        """Close the searcher (at shutdown or in tests)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._folder = None
            self.generation += 1

    def _ensure_fresh(self) -> None:
        now = time.monotonic()
        if self._searcher is not None and (self._in_use or
                                           now - self._checked < self.refresh_interval):
            # A searcher in use (the schema or resources asked for during a search)
            # is never swapped: closing it would pull its files from under the search.
            return
        self._checked = now
        try:
            folder = store.resolved_dir(self.index_dir)
            if self._searcher is None or folder != self._folder:
                self._open(folder)
            elif not self._searcher.up_to_date():
                # Not Searcher.refresh(): it reuses the readers of unchanged segments
                # together with their old deletions, so a delete would stay visible.
                self._open(folder)
        except store.IndexMissing:
            self.close()
            raise IndexUnavailable(f"there is no index at {self.index_dir} yet; {BUILD_HINT}",
                                   index_dir=str(self.index_dir)) from None
        except Exception as error:  # a corrupt or unreadable index must not crash a worker
            log.warning("cannot open the index at %s: %r", self.index_dir, error)
            self.close()
            raise IndexUnavailable(f"the index at {self.index_dir} cannot be opened "
                                   f"({type(error).__name__}); rebuild it with: "
                                   "python -m index build --rebuild",
                                   index_dir=str(self.index_dir)) from None

    def _open(self, folder: Path) -> None:
        searcher = self.opener(folder, self.caches, self.options)
        if self._searcher is not None:
            self._searcher.close()
        self._searcher, self._folder = searcher, folder
        self.generation += 1


def _current(searcher: Searcher) -> bool:
    """Whether ``searcher`` still sees the index's latest commit (False when that
    cannot be read either)."""
    try:
        return searcher.up_to_date()
    except Exception:                       # the table of contents moved or vanished
        return False
