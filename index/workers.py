"""Run one function over parts of a stream in forked worker processes.

``run_partitioned(items, key, procs, work)`` sends each item to part
``crc32(key(item)) % procs`` (the same key always goes to the same part, in stream
order) and returns ``work(part_items)`` of each part, in part order. The parent only
reads the stream and hands it out in batches through bounded queues, so a slow
worker holds the reading back instead of filling memory.

Workers are forked: they share what the parent has loaded (the build's resources)
without pickling it. An exception in a worker (or in the parent while it reads the
stream) stops every worker and is raised in the parent; a worker whose parent was
killed exits within a second, whatever it is doing: a thread of its own watches the
parent (a parent killed while it wrote a batch leaves half a message in the queue's
pipe, and a read of it then waits for ever, since every worker holds the pipe's
write end too).
"""

import multiprocessing
import os
import queue
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Items sent to a worker at a time, and batches a worker's queue holds.
BATCH = 32
QUEUED_BATCHES = 4
#: Seconds between checks for a failed worker while the parent waits.
POLL = 0.2
#: Seconds between a worker's checks that its parent is alive.
ORPHAN_CHECK = 0.5


def part_of(key: str, procs: int) -> int:
    """The part an item with this key goes to.

    >>> part_of("doc-1", 2) == part_of("doc-1", 2), part_of("doc-1", 1)
    (True, 0)
    """
    return zlib.crc32(key.encode("utf-8")) % procs


def run_partitioned(items: Iterable[T], key: Callable[[T], str], procs: int,
                    work: Callable[[Iterator[T]], R]) -> list[R]:
    """Return ``[work(items of part 0), work(items of part 1), ...]``, parts run in
    ``procs`` forked processes (in this process when ``procs`` is 1).

    ``work``'s results and exceptions must pickle.
    """
    if procs <= 1:
        return [work(iter(items))]
    ctx = multiprocessing.get_context("fork")
    inboxes = [ctx.Queue(maxsize=QUEUED_BATCHES) for _ in range(procs)]
    results = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(part, inboxes[part], results, work),
                           daemon=True) for part in range(procs)]
    for process in workers:
        process.start()
    done: dict[int, Any] = {}
    try:
        batches: list[list[T]] = [[] for _ in range(procs)]
        for item in items:
            part = part_of(key(item), procs)
            batches[part].append(item)
            if len(batches[part]) >= BATCH:
                _send(inboxes[part], batches[part], results, done, workers)
                batches[part] = []
        for part in range(procs):
            if batches[part]:
                _send(inboxes[part], batches[part], results, done, workers)
            _send(inboxes[part], None, results, done, workers)
        while len(done) < procs:
            _collect(results, done, workers)
    except BaseException:
        for process in workers:
            if process.is_alive():
                process.terminate()
        raise
    finally:
        for process in workers:
            process.join()
        for inbox in inboxes:
            inbox.close()
            inbox.cancel_join_thread()
    return [done[part] for part in range(procs)]


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone (it was killed): stop, and let go of what it
    shared (the index's lock file among them)."""
    while True:
        time.sleep(ORPHAN_CHECK)
        if os.getppid() != parent:
            os._exit(1)


def _worker(part: int, inbox: Any, results: Any, work: Callable[[Iterator[Any]], Any]) -> None:
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()

    def stream() -> Iterator[Any]:
        while True:
            batch = inbox.get()
            if batch is None:
                return
            yield from batch

    try:
        outcome = (part, True, work(stream()))
    except BaseException as error:      # reported to the parent, which raises it
        outcome = (part, False, error)
    results.put(outcome)
    results.close()
    results.join_thread()


def _send(inbox: Any, batch: list | None, results: Any, done: dict, workers: list) -> None:
    while True:
        try:
            inbox.put(batch, timeout=POLL)
            return
        except queue.Full:
            _collect(results, done, workers, wait=False)


def _collect(results: Any, done: dict, workers: list, wait: bool = True) -> None:
    """Take one worker's outcome (raising its exception); check that none has died."""
    try:
        part, ok, value = results.get(timeout=POLL if wait else 0.001)
    except queue.Empty:
        for part, process in enumerate(workers):
            if part not in done and not process.is_alive() and results.empty():
                raise RuntimeError(f"build worker {part} died (exit code {process.exitcode})")
        return
    if not ok:
        raise value
    done[part] = value
