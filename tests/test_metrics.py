"""A worker killed or timed out is visible: ``/metrics`` (Prometheus text format, from
``prometheus_client``'s multiprocess mode under gunicorn) counts requests, latency,
deadline cuts, worker exits and time-outs; the access log marks cut answers and the
error log names the request a timed-out worker was serving; what gunicorn answers
itself (414, 431, 400, a time-out) comes back in the JSON envelope."""

import json
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import FIXTURES, ROOT, SEEDS, GunicornService, assert_error_envelope


def value(text, name, **labels):
    """The sample ``name`` with ``labels`` in a /metrics answer (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v
                                           for k, v in labels.items()):
                return sample.value
    return 0.0


def series(text, name):
    """Every label set of the samples named ``name``."""
    return [sample.labels for family in text_string_to_metric_families(text)
            for sample in family.samples if sample.name == name]


# -- in one process (the Flask app alone) --------------------------------------------

def test_requests_are_counted_by_route_method_and_status(client):
    before = client.get("/metrics").get_data(as_text=True)
    client.get("/api/search", query_string={"q": "حرب"})
    client.get("/api/search", query_string={"q": "حرب"})
    client.get("/api/search", query_string={"page": "x"})
    after = client.get("/metrics").get_data(as_text=True)
    labels = {"endpoint": "/api/search", "method": "GET"}
    assert value(after, "fahras_requests_total", status="200", **labels) \
        - value(before, "fahras_requests_total", status="200", **labels) == 2
    assert value(after, "fahras_requests_total", status="400", **labels) \
        - value(before, "fahras_requests_total", status="400", **labels) == 1
    assert value(after, "fahras_request_seconds_count", endpoint="/api/search") \
        - value(before, "fahras_request_seconds_count", endpoint="/api/search") == 3


def test_urls_that_match_no_route_share_one_series(client):
    for n in range(5):
        client.get(f"/api/no-such-thing-{n}")
    text = client.get("/metrics").get_data(as_text=True)
    endpoints = {labels["endpoint"] for labels in series(text, "fahras_requests_total")}
    assert "unmatched" in endpoints
    assert not any("no-such-thing" in endpoint for endpoint in endpoints)


def test_answers_cut_by_the_deadline_are_counted(make_app, index_dir):
    client = make_app(INDEX_DIR=str(index_dir), SEARCH_TIME_LIMIT=1e-9).test_client()
    before = value(client.get("/metrics").get_data(as_text=True),
                   "fahras_search_timeouts_total", endpoint="/api/search")
    response = client.get("/api/search", query_string={"q": "حرب"})
    assert response.get_json()["timed_out"] is True
    after = value(client.get("/metrics").get_data(as_text=True),
                  "fahras_search_timeouts_total", endpoint="/api/search")
    assert after - before == 1


def test_the_index_the_worker_serves_is_a_gauge(client, app):
    text = client.get("/metrics").get_data(as_text=True)
    info = app.extensions["fahras"].handle.info()
    assert value(text, "fahras_index_documents") == info.documents > 0
    assert value(text, "fahras_index_generation") == info.generation


def test_metrics_can_be_turned_off(make_app, index_dir):
    client = make_app(INDEX_DIR=str(index_dir), METRICS=False).test_client()
    assert "METRICS" in assert_error_envelope(client.get("/metrics"), 404)["error"]


# -- under gunicorn ------------------------------------------------------------------

#: gunicorn's worker time-out in these tests (seconds): short, but longer than a
#: worker takes to start.
TIMEOUT = 4


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    index_dir = folder / "ix"
    subprocess.run([sys.executable, "-m", "index", "build", str(SEEDS), str(FIXTURES),
                    "--index-dir", str(index_dir), "--quiet"], cwd=ROOT, check=True)
    running = GunicornService(index_dir, folder / "gunicorn.log", workers=2, env={
        "FAHRAS_TIMEOUT": str(TIMEOUT), "FAHRAS_SEARCH_TIME_LIMIT": "1e-9"}).start()
    yield running
    running.stop()
    metrics_dir = ROOT / "var" / "metrics" / str(running.process.pid)
    assert not metrics_dir.exists(), "the master removes its metrics folder on exit"


def raw(service, data: bytes, seconds: float = 30) -> tuple[int, dict]:
    """Send ``data`` as it is; return the status and JSON body of the answer."""
    host, port = service.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=seconds) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"application/json" in head, head
    return int(head.split()[1]), json.loads(body)


def scrape(service) -> str:
    import urllib.request

    with urllib.request.urlopen(f"{service.base}/metrics", timeout=10) as response:
        return response.read().decode()


def workers(service) -> set[int]:
    return {child.pid for child in psutil.Process(service.process.pid).children()}


def wait_for_new_workers(service, old: set[int], seconds: float = 30) -> None:
    """Wait until the master has replaced the workers ``old`` (two workers, none old)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = workers(service)
        if len(now) == 2 and not now & old:
            service.wait_until_healthy()
            return
        time.sleep(0.1)
    raise AssertionError(f"workers {old} were not replaced: {workers(service)}")


def test_a_get_search_of_the_longest_arabic_query_passes_gunicorn(service):
    q = ("سلام " * 250)[:1000]                 # MAX_QUERY_LENGTH, past 4 kB encoded
    line = f"GET /api/search?q={quote(q)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    assert len(line) > 4094                     # gunicorn's default limit
    status, body = raw(service, line)
    assert status == 200 and body["ok"] is True


def test_gunicorns_own_errors_come_back_as_json(service):
    status, body = raw(service, b"GET /api/search?q=" + b"%D8%AD" * 1500
                       + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (status, body["status"]) == (414, 414) and "POST /api/search" in body["error"]
    status, body = raw(service, b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Long: "
                       + b"a" * 9000 + b"\r\n\r\n")
    assert (status, body["ok"]) == (431, False)
    status, body = raw(service, b"NOT A REQUEST\r\n\r\n")
    assert (status, body["ok"]) == (400, False)


def test_cut_answers_are_marked_in_the_access_log_and_counted(service):
    before = value(scrape(service), "fahras_search_timeouts_total", endpoint="/api/search")
    status, body = raw(service, f"GET /api/search?q={quote('حرب')} HTTP/1.1\r\nHost: x\r\n\r\n"
                       .encode())
    assert status == 200 and body["timed_out"] is True
    assert value(scrape(service), "fahras_search_timeouts_total",
                 endpoint="/api/search") - before == 1
    assert "timed_out=true" in service.log_path.read_text()


def test_a_timed_out_worker_answers_json_is_logged_counted_and_replaced(service):
    before, old = scrape(service), workers(service)
    # a client that promises a body and never sends it holds its worker in the read
    # until gunicorn's time-out aborts it
    started = time.monotonic()
    status, body = raw(service, b"POST /api/search HTTP/1.1\r\nHost: x\r\n"
                       b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
                       seconds=TIMEOUT + 20)
    assert status == 503 and "time-out" in body["error"]
    assert time.monotonic() - started < TIMEOUT + 10
    # the worker that timed out is replaced (the other one is not asked to go)
    deadline = time.monotonic() + 30
    while (len(workers(service)) < 2 or workers(service) >= old) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers(service)) == 2 and not workers(service) >= old
    service.wait_until_healthy()
    after = scrape(service)
    assert value(after, "fahras_worker_timeouts_total") \
        - value(before, "fahras_worker_timeouts_total") == 1
    assert value(after, "fahras_worker_exits_total") \
        - value(before, "fahras_worker_exits_total") >= 1
    log = service.log_path.read_text()
    assert "timed out after" in log and "serving POST /api/search" in log


def test_a_killed_workers_counts_are_kept_and_its_exit_counted(service):
    for _ in range(4):
        raw(service, b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
    before, old = scrape(service), workers(service)
    health = {"endpoint": "/api/health", "method": "GET", "status": "200"}
    for pid in old:
        psutil.Process(pid).send_signal(signal.SIGKILL)
    wait_for_new_workers(service, old)
    after = scrape(service)
    assert value(after, "fahras_worker_exits_total") \
        - value(before, "fahras_worker_exits_total") == 2
    assert value(after, "fahras_requests_total", **health) \
        >= value(before, "fahras_requests_total", **health) >= 4
