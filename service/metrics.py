# SPDX-License-Identifier: GPL-3.0-or-later
"""Prometheus metrics of the web layer, served at ``/metrics`` (``METRICS``).

The counters are ``prometheus_client``'s own. Under gunicorn each process (the
master and every worker) writes its values to files in ``PROMETHEUS_MULTIPROC_DIR``
(``config/gunicorn.conf.py`` sets it before anything imports ``prometheus_client``)
and a scrape, answered by whichever worker takes it, adds up all of them, so
counts from a worker that died are kept. Without that variable (the Flask
development server, the tests' client) the process's own registry is served.

What an operator sees:

- ``fahras_requests_total{endpoint,method,status}`` and
  ``fahras_request_seconds{endpoint}`` (a histogram), labelled by the URL rule,
  never the URL itself, so a client cannot make new series;
- ``fahras_search_timeouts_total{endpoint}``: answers the request deadline cut
  (those carrying ``Fahras-Timed-Out: true``);
- ``fahras_worker_exits_total`` and ``fahras_worker_timeouts_total``: gunicorn
  workers that ended (killed, crashed, restarted) and those gunicorn's ``timeout``
  aborted mid-request (counted in ``service.serving``'s hooks);
- ``fahras_index_generation`` and ``fahras_index_documents``: the index the
  answering worker has open.
"""

import os
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge,
                               Histogram, generate_latest, multiprocess)
from prometheus_client import REGISTRY as PROCESS_REGISTRY

from service.problems import IndexUnavailable, NotFound

#: Seconds: from a cached answer (about a millisecond) to gunicorn's time-out.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)
#: The label of a request that matched no route (any URL: one series for all).
UNMATCHED = "unmatched"

REQUESTS = Counter("fahras_requests", "HTTP requests answered",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("fahras_request_seconds", "Seconds from a request's arrival to its answer",
                    ["endpoint"], buckets=LATENCY_BUCKETS)
SEARCH_TIMEOUTS = Counter("fahras_search_timeouts",
                          "Answers cut by the request deadline (SEARCH_TIME_LIMIT)",
                          ["endpoint"])
WORKER_EXITS = Counter("fahras_worker_exits",
                       "gunicorn workers that ended while the master ran (killed, crashed, "
                       "timed out or restarted)")
WORKER_TIMEOUTS = Counter("fahras_worker_timeouts",
                          "Requests gunicorn's timeout aborted, killing their worker")
INDEX_GENERATION = Gauge("fahras_index_generation", "Generation of the open index",
                         multiprocess_mode="max")
INDEX_DOCUMENTS = Gauge("fahras_index_documents", "Documents in the open index",
                        multiprocess_mode="livemostrecent")

bp = Blueprint("metrics", __name__)


def multiprocess_dir() -> str | None:
    """The folder the processes share their values in, when running under gunicorn."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def init_metrics(app: Flask, timed_out_header: str) -> None:
    """Count every answer of ``app`` (register this before the other request hooks so
    that the time taken includes theirs) and serve ``/metrics`` when ``METRICS``."""
    header = timed_out_header.lower()

    @app.before_request
    def start_clock() -> None:
        g.metrics_start = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule is not None else UNMATCHED
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        start = g.get("metrics_start")
        if start is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - start)
        if response.headers.get(header) == "true":
            SEARCH_TIMEOUTS.labels(endpoint).inc()
        return response

    app.register_blueprint(bp)


@bp.get("/metrics")
def metrics() -> Response:
    """Every process's values in Prometheus's text format (404 when ``METRICS`` is off)."""
    fahras = current_app.extensions["fahras"]
    if not fahras.settings["METRICS"]:
        raise NotFound("metrics are off (METRICS = false)")
    try:
        info = fahras.handle.info()
    except IndexUnavailable:
        pass                                # no index: the gauges keep their last values
    else:
        INDEX_GENERATION.set(info.generation)
        INDEX_DOCUMENTS.set(info.documents)
    folder = multiprocess_dir()
    if folder is None:
        registry = PROCESS_REGISTRY
    else:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)
    return Response(generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
