"""gunicorn settings for Fahras (``gunicorn --config config/gunicorn.conf.py wsgi:app``).

Each value can be overridden by the environment variable named beside it. The worker
class and hooks are ``service.serving``'s: gunicorn's own errors (414, 431, 400, a
worker's time-out) come back in the API's JSON envelope, a timed-out request is
logged with its request line, and ``/metrics`` adds up every process's counters.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# prometheus_client's multiprocess mode: every process writes its values under this
# folder (one per master, so that two services never mix theirs); set before anything
# imports prometheus_client.
_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(ROOT / "var" / "metrics" / str(os.getpid()))

from config.settings import HEADER_BYTES, load_settings, request_line_bytes  # noqa: E402
from service import serving  # noqa: E402

bind = os.environ.get("FAHRAS_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("FAHRAS_WORKERS", "2"))
worker_class = "service.serving.Worker"
timeout = int(os.environ.get("FAHRAS_TIMEOUT", "30"))
graceful_timeout = 10
# A GET search of MAX_QUERY_LENGTH Arabic letters fits the request line (gunicorn's
# default, 4,094 bytes, holds about 680); the app applies the same limits.
limit_request_line = request_line_bytes(load_settings())
limit_request_field_size = HEADER_BYTES
# gunicorn 27's control socket (one path per user, shared by every gunicorn the user
# runs, left behind by a killed master) is not used: off. Older releases ignore it.
control_socket_disable = True
# One line per request: address, request line, status, size, time in microseconds,
# and whether the request deadline cut the answer (the Fahras-Timed-Out header).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus timed_out=%({fahras-timed-out}o)s'
errorlog = "-"

pre_request = serving.pre_request
worker_abort = serving.worker_abort
child_exit = serving.child_exit


def on_starting(server):
    """Start with an empty metrics folder (and none left by masters that died)."""
    serving.prepare_metrics_dir(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]))


def on_exit(server):
    """Remove the metrics folder this master made (one set in the environment stays)."""
    if _OWN_METRICS_DIR:
        import shutil

        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
