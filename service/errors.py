"""The JSON error envelope: exceptions that carry their status, rendered in one place.

``{"ok": false, "error": "q is required", "errors": ["q is required"], "status": 400}``;
``error`` is ``errors`` joined with "; ". Paths under ``/api/`` always get JSON,
whatever went wrong; an unexpected exception is logged with its traceback and the
client gets only "internal error".
"""

import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from service.problems import ApiError, error_body

log = logging.getLogger(__name__)


def error_response(status: int, messages: list[str], headers: dict | None = None,
                   **details) -> Response:
    """Render the error envelope as a JSON response."""
    response = jsonify(error_body(status, messages, **details))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask, html_error: Callable | None = None) -> None:
    """Install the handlers: ApiError, HTTP errors under /api/, and everything else.

    :param html_error: renders a 404 outside ``/api/`` for a browser (the pages'
        designed page); without it the HTTP error is answered as it is.
    """

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> Response:
        return error_response(error.status, error.messages, error.headers, **error.details)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if not request.path.startswith("/api/"):
            if error.code == 404 and html_error and request.accept_mimetypes.accept_html:
                return html_error(error)
            return error
        return error_response(error.code or 500, [error.description or error.name])

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            return "Internal error", 500
        return error_response(500, ["internal error"])
