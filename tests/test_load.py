"""A bounded load test on 127.0.0.1: 32 clients for 60 seconds against gunicorn.

A realistic mix of queries (Arabic, English, Latin names, phrases, filters,
suggestions, documents) with writes trickling in. Requires zero errors and flat
memory: the workers' resident memory at the end is within 25% (and 60 MB) of what it
was after the first 10 seconds. Prints throughput and latency percentiles.
"""

import random
import statistics
import threading
import time
from urllib.parse import urlencode

import psutil

from tests.test_service_process import call, service  # noqa: F401  (fixture)

CLIENTS = 32
SECONDS = 60
QUERIES = [
    {"q": "كاراباخ"}, {"q": "Stepanakert"}, {"q": "وقف إطلاق النار"}, {"q": "ceasefire"},
    {"q": "peacekeepers"}, {"q": "لاسين"}, {"q": "اذربيجان معاهدة سلام"},
    {"q": '"ممر لاتشين"'}, {"q": "Lachin OR Lacin"}, {"q": "كاراباخ -لاتشين"},
    {"q": "القصف", "lang": "en"}, {"q": "أذربيجان", "place": "lachin"},
    {"q": "Bayraktar"}, {"q": "الاشتباكات", "page": "2", "per_page": "2"},
    {"q": "أرمينيا", "sort": "date"}, {"q": "xyzzy"},
]
OTHER = ["/api/suggest?q=Step", "/api/suggest?" + urlencode({"q": "اذرب"}),
         "/api/documents/002_d16953ad185bce75", "/api/health"]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_32_clients_for_60_seconds_with_writes_zero_errors_flat_memory(service):  # noqa: F811
    base, master = service
    errors, latencies = [], []
    stop = threading.Event()
    lock = threading.Lock()

    def client(seed):
        rng = random.Random(seed)
        while not stop.is_set():
            if rng.random() < 0.8:
                url = f"{base}/api/search?" + urlencode(rng.choice(QUERIES))
            else:
                url = base + rng.choice(OTHER)
            started = time.perf_counter()
            try:
                status, _ = call(url, timeout=30)
            except Exception as error:       # a dropped connection counts as an error
                status = repr(error)
            with lock:
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors.append((url, status))

    def writer():
        n = 0
        while not stop.is_set():
            status, _ = call(f"{base}/api/documents", "POST",
                             {"id": f"load-{n % 50}", "title": f"خبر {n}",
                              "body": f"قصف في لاتشين، التحديث {n}"})
            if status not in (200, 201):
                errors.append(("write", status))
            n += 1
            stop.wait(0.5)

    def memory():
        return sum(child.memory_info().rss for child in psutil.Process(master.pid).children())

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
    threads.append(threading.Thread(target=writer))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(10)
    early = memory()
    time.sleep(SECONDS - 10)
    late = memory()
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(f"\nload: {len(latencies)} requests in {elapsed:.0f} s = {len(latencies) / elapsed:.0f}/s; "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms; "
          f"workers' memory {early / 2**20:.0f} -> {late / 2**20:.0f} MB")
    assert errors == []
    assert late <= max(early * 1.25, early + 60 * 2**20)
