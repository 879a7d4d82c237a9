# SPDX-License-Identifier: GPL-3.0-or-later
"""Fahras under gunicorn: its worker class and server hooks (``config/gunicorn.conf.py``).

- ``Worker`` is gunicorn's sync worker answering what gunicorn answers itself (a
  request line past ``limit_request_line``: 414; headers past their limits: 431; a
  malformed request: 400) with the API's JSON envelope instead of an HTML page, and a
  request its worker's ``timeout`` aborted with a JSON 503 that says so (gunicorn
  would send an HTML 500) before the worker is replaced.
- The hooks log the request line a timed-out worker was serving (the operator sees
  the poisoned query), count worker exits and time-outs in ``service.metrics``, and
  keep ``PROMETHEUS_MULTIPROC_DIR`` clean: emptied when the master starts, removed
  when it exits.
"""

import json
import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

from gunicorn import util
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.workers.sync import SyncWorker

from service.problems import error_body

#: What the client reads, per status gunicorn answers itself.
_ADVICE = {
    414: "the request line is longer than this server reads; send long queries as a "
         "JSON body with POST /api/search (or POST /api/analyze)",
    431: "a request header, or their number, is past what this server reads",
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error`` with the API's JSON envelope for a body."""
    messages = [part for part in (_ADVICE.get(status_int), mesg) if part]
    if not messages:
        messages = ["internal error" if status_int >= 500 else reason.lower()]
    body = json.dumps(error_body(status_int, messages), ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


class Worker(SyncWorker):
    """gunicorn's sync worker with JSON errors (see the module's docstring)."""

    timed_out = False

    def init_process(self) -> None:
        """Answer gunicorn's own errors in JSON, then run as the sync worker does."""
        util.write_error = write_json_error
        super().init_process()

    def handle_abort(self, sig, frame) -> None:
        """gunicorn's time-out (SIGABRT from the master): remember it, then exit."""
        self.timed_out = True
        super().handle_abort(sig, frame)

    def handle_error(self, req, client, addr, exc) -> None:
        """A request cut by the time-out gets a 503 saying so; the rest as gunicorn."""
        if not (self.timed_out and isinstance(exc, SystemExit)):
            super().handle_error(req, client, addr, exc)
            return
        started = getattr(self, "request_started", time.monotonic())
        if req is not None:
            addr = addr or ("", -1)
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = addr[0], str(addr[1])
            response = Response(req, client, self.cfg)
            response.status = "503 Service Unavailable"
            response.response_length = 0
            self.log.access(response, req, environ,
                            timedelta(seconds=time.monotonic() - started))
        try:
            write_json_error(client, 503, "Service Unavailable",
                             f"the request ran past the worker time-out "
                             f"({self.cfg.timeout} s) and its worker was restarted")
        except OSError:
            self.log.debug("could not send the time-out answer")


def pre_request(worker, req) -> None:
    """Remember the request a worker serves (for ``worker_abort``'s log line)."""
    worker.request_line = f"{req.method} {req.uri}"
    worker.request_started = time.monotonic()


def worker_abort(worker) -> None:
    """Log and count a request gunicorn's ``timeout`` aborted (in the dying worker)."""
    from service.metrics import WORKER_TIMEOUTS

    WORKER_TIMEOUTS.inc()
    line = getattr(worker, "request_line", None)
    if line is None:
        worker.log.error("worker %s timed out between requests", worker.pid)
        return
    seconds = time.monotonic() - worker.request_started
    worker.log.error("worker %s timed out after %.1f s serving %s", worker.pid, seconds,
                     line[:2000])


def child_exit(server, worker) -> None:
    """Count a worker's exit (in the master) and drop its live gauges' file."""
    from prometheus_client import multiprocess

    from service.metrics import WORKER_EXITS

    WORKER_EXITS.inc()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def prepare_metrics_dir(folder: Path) -> None:
    """Empty ``folder`` (the values of an earlier master) and remove the folders beside
    it named after masters that are no longer running."""
    if folder.name.isdigit():
        for sibling in folder.parent.glob("[0-9]*"):
            if sibling != folder and sibling.name.isdigit() and not _running(int(sibling.name)):
                shutil.rmtree(sibling, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def _running(pid: int) -> bool:
    """Whether a process ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
