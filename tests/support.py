"""Helpers shared by the tests (imported as ``tests.support``; conftest files are
per folder and cannot be imported by name reliably)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
FIXTURES = DATA / "fixtures.jsonl"
#: The admin token of services started by ``GunicornService``.
TOKEN = "process-token"
#: An article that attacks the pages: markup, a ``javascript:`` link and HTML entities in
#: its title and body, next to an Arabic word found by ``q=زعفران``, and a ``javascript:``
#: url. Ingestion refuses that url, so tests write it straight into an index with
#: ``hostile_document()``, as an index built before urls were checked holds it.
HOSTILE = {
    "id": "fx-hostile", "lang": "ar", "source": "Fahras fixtures", "url": "javascript:alert(1)",
    "title": "<script>alert(1)</script> زعفران &lt;b&gt; <img src=x onerror=alert(1)>",
    "body": ("زعفران&amp; <script>alert(1)</script> <img src=x onerror=alert(1)> "
             '<a href="javascript:alert(1)">click</a> &lt;b&gt;bold&lt;/b&gt; Tom&#x27;s '
             "&quot;quoted&quot; &amp;amp; &#60;i&#62; زعفران&lt;i&gt; and <b>bold</b>"),
}


def assert_error_envelope(response, status):
    """Every error: JSON envelope with ok false, the status, and a message."""
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False
    assert body["status"] == status
    assert body["errors"] and all(isinstance(e, str) and e for e in body["errors"])
    assert body["error"] == "; ".join(body["errors"])
    return body


def search(client, **params):
    """GET /api/search, expecting 200; return the JSON body."""
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body):
    """The result ids of a search body, in order."""
    return [r["id"] for r in body["results"]]


def hostile_document():
    """``HOSTILE`` as a ``Document``, made without the checks of ``document_from_record``."""
    from index.readers import Document

    return Document(**HOSTILE, origin="tests/support.py")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url, method="GET", payload=None, timeout=30):
    """One real HTTP request with the admin token; return (status, JSON body)."""
    data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class GunicornService:
    """gunicorn (``config/gunicorn.conf.py``) serving ``index_dir`` on a free port.

    The master runs in a process group of its own, so that a test can kill the whole
    service (``kill``) without killing itself. Output goes to ``log_path``.
    """

    def __init__(self, index_dir, log_path, *, workers=2, env=None):
        self.index_dir = index_dir
        self.log_path = log_path
        self.workers = workers
        self.env = env or {}
        self.base = ""
        self.process = None

    def start(self):
        """Start the service and wait until ``/api/health`` answers 200; return self."""
        port = free_port()
        env = {**os.environ, "FAHRAS_INDEX_DIR": str(self.index_dir),
               "FAHRAS_ADMIN_TOKEN": TOKEN, "FAHRAS_BIND": f"127.0.0.1:{port}",
               "FAHRAS_WORKERS": str(self.workers), "FAHRAS_RATE_LIMIT": "0",
               "FAHRAS_REFRESH_INTERVAL": "0.2", **self.env}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py",
                 "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log,
                start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        self.wait_until_healthy()
        return self

    def wait_until_healthy(self, seconds=30):
        """Wait until ``/api/health`` answers 200 (a new worker may still be starting)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if call(f"{self.base}/api/health", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError("gunicorn did not answer: "
                             + Path(self.log_path).read_text(errors="replace")[-2000:])

    def kill(self):
        """SIGKILL the master and its workers at once."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass                            # the group is gone already
        self.process.wait()

    def stop(self):
        """Shut down gracefully (SIGTERM), or kill after 20 seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def chain_spans(text, matchers):
    """The reference for ``index.spans.term_spans``: run each (analyzer, terms) pair
    over ``text`` and return the merged spans of the tokens whose term is wanted."""
    from index.spans import merge

    spans = []
    for analyzer, terms in matchers:
        wanted = frozenset(terms)
        if wanted:
            spans.extend((t.startchar, t.endchar) for t in analyzer(text, mode="index")
                         if t.text in wanted)
    return merge(spans)
