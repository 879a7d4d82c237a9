"""Response headers that keep pages and the API from being misused, and rate limiting.

Every response gets ``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``;
HTML pages also get a Content-Security-Policy without inline script (all script is
in /static files) that forbids framing (``frame-ancestors 'none'``).

``RateLimiter``: a token bucket per client address for ``/api/`` requests
(``RATE_LIMIT`` requests a minute, bursts of ``RATE_BURST``); past it, 429 with
``Retry-After``. Buckets live in the process, so with several gunicorn workers a
client gets up to that many per worker; behind a proxy, set ``TRUSTED_PROXY`` so the
client address comes from ``X-Forwarded-For``.
"""

import math
import threading
import time

from flask import Flask, Response, request

from service.problems import TooManyRequests

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Buckets idle this long are forgotten (memory stays bounded).
IDLE_SECONDS = 600


class RateLimiter:
    """Token buckets per client: ``rate`` requests a minute, ``burst`` at once."""

    def __init__(self, rate_per_minute: int, burst: int) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = max(burst, 1)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def wait_time(self, client: str) -> float:
        """Take a token for ``client``; return 0, or the seconds until one is free."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1 - tokens) / self.rate
            if now - self._swept > IDLE_SECONDS:
                self._buckets = {c: b for c, b in self._buckets.items()
                                 if now - b[1] < IDLE_SECONDS}
                self._swept = now
        return wait


def init_security(app: Flask, settings: dict) -> None:
    """Install the headers and, when ``RATE_LIMIT`` > 0, the rate limiter."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    if settings["RATE_LIMIT"] <= 0:
        return
    limiter = RateLimiter(settings["RATE_LIMIT"], settings["RATE_BURST"])
    trusted_proxy = settings["TRUSTED_PROXY"]

    @app.before_request
    def limit_rate() -> None:
        if not request.path.startswith("/api/"):
            return
        client = request.remote_addr or "unknown"
        if trusted_proxy and request.headers.get("X-Forwarded-For"):
            client = request.headers["X-Forwarded-For"].split(",")[0].strip()
        wait = limiter.wait_time(client)
        if wait > 0:
            raise TooManyRequests("too many requests; slow down",
                                  headers={"Retry-After": str(math.ceil(wait))})
