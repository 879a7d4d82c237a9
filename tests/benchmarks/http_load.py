# SPDX-License-Identifier: GPL-3.0-or-later
"""The real service under gunicorn, and HTTP clients that time it (127.0.0.1 only).

``Service`` starts ``gunicorn --config config/gunicorn.conf.py <app>`` on a free
port with ``FAHRAS_INDEX_DIR``, ``FAHRAS_BIND`` and ``FAHRAS_WORKERS`` set, and
times start-up as launch → first ``200`` from ``/api/health``. The per-client rate
limit is raised out of reach (``UNLIMITED``): all the load comes from one address. gunicorn's sync
workers close the connection after each response, so every request opens a new
connection (on the loopback that costs a few tens of microseconds).

>>> percentile([1, 2, 3, 4], 50)
2.5
>>> percentile([5.0], 99)
5.0
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from .corpus import BENCH_DIR, ROOT

#: Every request of the benchmark comes from 127.0.0.1: the per-client rate limiter
#: stays installed (its cost is part of each request) but never refuses.
UNLIMITED = {"FAHRAS_RATE_LIMIT": "1000000000", "FAHRAS_RATE_BURST": "1000000000"}
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"


def percentile(values, p: float) -> float:
    """Linear-interpolated percentile (like numpy's default)."""
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def summary(values) -> dict:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "n": len(values)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Service:
    """One gunicorn master and its workers, serving ``app`` on a free port."""

    def __init__(self, index_dir: Path, app: str = "wsgi:app", workers: int = 2,
                 log_name: str = "gunicorn") -> None:
        self.index_dir = Path(index_dir).absolute()     # the link, as in production
        self.app = app
        self.workers = workers
        self.port = free_port()
        self.log_path = BENCH_DIR / f"{log_name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> float:
        """Launch and wait for ``/api/health`` to answer 200; return the seconds it took."""
        env = dict(os.environ, FAHRAS_INDEX_DIR=str(self.index_dir),
                   FAHRAS_BIND=f"{HOST}:{self.port}", FAHRAS_WORKERS=str(self.workers),
                   **UNLIMITED)
        self._log = self.log_path.open("ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "config/gunicorn.conf.py", self.app],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                status, _ = get(self.port, "/api/health", timeout=5)
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise TimeoutError(f"gunicorn did not answer within {timeout} s")

    def memory(self) -> dict:
        """RSS, PSS and USS (MB) of each worker and RSS of the master."""
        import psutil

        master = psutil.Process(self.process.pid)
        workers = []
        for child in master.children():
            try:
                info = child.memory_full_info()
            except psutil.Error:
                continue
            workers.append({"pid": child.pid, "rss_mb": info.rss / 2**20,
                            "pss_mb": getattr(info, "pss", 0) / 2**20,
                            "uss_mb": info.uss / 2**20})
        return {"master_rss_mb": master.memory_info().rss / 2**20, "workers": workers}

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the workers so far."""
        import psutil

        total = 0.0
        for child in psutil.Process(self.process.pid).children():
            try:
                times = child.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self._log.close()

    def __enter__(self) -> "Service":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def search_path(q: str, **params) -> str:
    return "/api/search?" + urlencode({"q": q, **params})


def latency_pass(port: int, queries: list[str], *, max_seconds: float = 300.0,
                 **params) -> dict:
    """Send the queries one at a time; client-side ms, the server's took_ms, errors."""
    times, took, errors = [], [], 0
    started = time.perf_counter()
    for q in queries:
        t0 = time.perf_counter()
        status, body = get(port, search_path(q, **params))
        times.append((time.perf_counter() - t0) * 1000)
        if status == 200:
            took.append(json.loads(body)["took_ms"])
        else:
            errors += 1
        if time.perf_counter() - started > max_seconds:
            break
    return {"ms": times, "took_ms": took, "errors": errors}


def throughput(port: int, queries: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads each sending the log (from its own offset) for ``seconds``."""
    stop = threading.Event()
    barrier = threading.Barrier(clients + 1)
    results = [None] * clients

    def client(i: int) -> None:
        done, errors, times = 0, 0, []
        n = len(queries)
        j = (i * n) // clients
        barrier.wait()
        while not stop.is_set():
            q = queries[j % n]
            j += 1
            t0 = time.perf_counter()
            try:
                status, _ = get(port, search_path(q))
            except OSError:
                status = 0
            if stop.is_set():       # finished after the deadline: not counted
                break
            times.append((time.perf_counter() - t0) * 1000)
            if status == 200:
                done += 1
            else:
                errors += 1
        results[i] = (done, errors, times)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for t in threads:
        t.join(timeout=60)
    done = sum(r[0] for r in results if r)
    errors = sum(r[1] for r in results if r)
    times = [t for r in results if r for t in r[2]]
    return {"clients": clients, "seconds": elapsed, "requests": done, "errors": errors,
            "rps": done / elapsed, **{k: v for k, v in summary(times).items() if k != "n"}}
