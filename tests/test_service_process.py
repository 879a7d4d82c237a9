"""The service as deployed: gunicorn with two workers on 127.0.0.1, real HTTP.

Many clients write at once (overlapping ids) while others search; afterwards every
document is there exactly once in its last version and no request failed. A worker
killed under load is replaced by the master, only requests in flight on it may fail,
and nothing stays locked.
"""

import http.client
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest

from tests.support import FIXTURES, ROOT, SEEDS, GunicornService, call

CLIENTS = 8
DOCS_PER_CLIENT = 200
BATCH = 20


@pytest.fixture()
def service(tmp_path):
    index_dir = tmp_path / "ix"
    subprocess.run([sys.executable, "-m", "index", "build", str(SEEDS), str(FIXTURES),
                    "--index-dir", str(index_dir), "--quiet"], cwd=ROOT, check=True)
    running = GunicornService(index_dir, tmp_path / "gunicorn.log", workers=2).start()
    yield running.base, running.process
    running.stop()


def test_many_writers_lose_nothing_while_searches_go_on(service):
    base, _ = service
    failures = []
    stop = threading.Event()

    def writer(client):
        for start in range(0, DOCS_PER_CLIENT, BATCH):
            batch = []
            for n in range(start, start + BATCH):
                doc_id = f"shared-{n}" if n % 4 == 0 else f"c{client}-{n}"   # overlapping
                batch.append({"id": doc_id, "title": f"خبر {doc_id}",
                              "body": f"قصف في لاتشين رقم {n} من العميل {client}"})
            status, body = call(f"{base}/api/documents", "POST", batch)
            if status not in (200, 201):
                failures.append((status, body))

    def searcher():
        while not stop.is_set():
            status, _ = call(f"{base}/api/search?q={quote('لاتشين')}")
            if status != 200:
                failures.append(("search", status))

    readers = [threading.Thread(target=searcher) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(c,)) for c in range(CLIENTS)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert failures == []
    time.sleep(0.5)                     # both workers past REFRESH_INTERVAL
    expected = CLIENTS * DOCS_PER_CLIENT * 3 // 4 + DOCS_PER_CLIENT // 4 + 13
    for _ in range(2):                  # ask both workers
        assert call(f"{base}/api/health")[1]["documents"] == expected
    status, body = call(f"{base}/api/documents/shared-0")
    assert status == 200 and "رقم 0 من العميل" in body["document"]["body"]


def test_a_killed_worker_is_replaced_and_nothing_stays_locked(service):
    base, master = service
    import psutil

    workers = psutil.Process(master.pid).children()
    assert len(workers) == 2
    results = []

    def load():
        for _ in range(40):
            try:
                results.append(call(f"{base}/api/search?q=Stepanakert", timeout=10)[0])
            except (OSError, http.client.HTTPException):
                results.append("dropped")

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    workers[0].send_signal(signal.SIGKILL)
    for thread in threads:
        thread.join()
    assert results.count(200) >= len(results) - 4        # only requests in flight may fail
    deadline = time.monotonic() + 20
    while len(psutil.Process(master.pid).children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(psutil.Process(master.pid).children()) == 2
    status, _ = call(f"{base}/api/documents", "POST", {"id": "after-kill", "body": "باكو"})
    assert status == 201                                  # the writer lock is free
