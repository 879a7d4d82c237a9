"""The JSON error envelope: exceptions that carry their status, rendered in one place.

``{"ok": false, "error": "q is required", "errors": ["q is required"], "status": 400}``;
``error`` is ``errors`` joined with "; ". Paths under ``/api/`` always get JSON,
whatever went wrong; an unexpected exception is logged with its traceback and the
client gets only "internal error".
"""

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status and one or more messages for the client."""

    status = 500

    def __init__(self, *messages: str, headers: dict | None = None, **details) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)
        self.headers = headers or {}
        self.details = details


class BadRequest(ApiError):
    """The request's parameters are wrong (400)."""

    status = 400


class NotFound(ApiError):
    """No such document or endpoint (404)."""

    status = 404


class Unauthorized(ApiError):
    """Missing or wrong bearer token (401)."""

    status = 401


class Forbidden(ApiError):
    """Writes are disabled (403)."""

    status = 403


class PayloadTooLarge(ApiError):
    """A document past the limits of what one may hold (413)."""

    status = 413


class UriTooLong(ApiError):
    """The request line is longer than the service reads (414)."""

    status = 414


class HeadersTooLarge(ApiError):
    """A request header is longer than the service reads (431)."""

    status = 431


class UnsupportedMediaType(ApiError):
    """The body is not JSON (415)."""

    status = 415


class TooManyRequests(ApiError):
    """The client exceeded its request rate (429)."""

    status = 429


class IndexUnavailable(ApiError):
    """There is no index to search yet, it cannot be opened, or the writer is busy (503)."""

    status = 503


def error_body(status: int, messages: list[str], **details) -> dict:
    """Build the error envelope."""
    return {"ok": False, "error": "; ".join(messages), "errors": messages,
            "status": status, **details}


def error_response(status: int, messages: list[str], headers: dict | None = None,
                   **details) -> Response:
    """Render the error envelope as a JSON response."""
    response = jsonify(error_body(status, messages, **details))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Install the handlers: ApiError, HTTP errors under /api/, and everything else."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> Response:
        return error_response(error.status, error.messages, error.headers, **error.details)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if not request.path.startswith("/api/"):
            if error.code == 404 and request.accept_mimetypes.accept_html:
                from service.pages import render_http_error

                return render_http_error(error)
            return error
        return error_response(error.code or 500, [error.description or error.name])

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            return "Internal error", 500
        return error_response(500, ["internal error"])
