"""What can go wrong with a request, as exceptions that carry their HTTP status.

The search part raises these and never imports Flask; ``service.errors`` renders
them as the JSON envelope (``error_body``), in one place.
"""


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
