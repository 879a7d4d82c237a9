"""Request lines, headers and JSON bodies as the web part reads them.

``read_json`` refuses bodies nested deeper than ``MAX_JSON_DEPTH`` with a 400
instead of letting the parser's recursion limit become a 500; ``json_args`` gives
a JSON body of search parameters as the query string would (``service.params``
validates both alike); ``check_request_size`` refuses, under any server, what
gunicorn would not read.
"""

import json
from urllib.parse import quote

from flask import Request
from werkzeug.datastructures import MultiDict

from config.settings import HEADER_BYTES, request_line_bytes
from service.params import SEARCH_FIELDS
from service.problems import BadRequest, HeadersTooLarge, UnsupportedMediaType, UriTooLong

#: The parameters that may be JSON numbers in a body.
NUMBERS = ("page", "per_page", "year")
#: Fields that may be JSON booleans.
FLAG_FIELDS = ("explain",)
#: Deepest nesting of a JSON body: a batch of documents is three levels deep
#: ({"documents": [{...}]}).
MAX_JSON_DEPTH = 8


def read_json(request: Request):
    """The request's JSON body.

    :raises UnsupportedMediaType: when the body is not declared JSON (415).
    :raises BadRequest: when it is not valid JSON or is nested deeper than
        ``MAX_JSON_DEPTH``.
    """
    if not request.is_json:
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    raw = request.get_data(cache=True)
    try:
        payload = json.loads(raw)
    except RecursionError:
        raise BadRequest(f"the body is JSON nested more than {MAX_JSON_DEPTH} levels "
                         "deep") from None
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    if depth(payload) > MAX_JSON_DEPTH:
        raise BadRequest(f"the body is JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return payload


def depth(value) -> int:
    """How deeply lists and objects nest in a JSON value (without recursion).

    >>> depth("x"), depth([]), depth({"a": [1, {"b": 2}]})
    (0, 1, 3)
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def json_args(request: Request, fields: tuple[str, ...] = SEARCH_FIELDS,
              lists: tuple[str, ...] = ("without",)) -> MultiDict:
    """A JSON object body as query-string arguments: strings as they are, whole
    numbers as their digits, booleans as ``true``/``false``, ``null`` as absent, and for the names in ``lists`` a
    list of strings as the name repeated.

    :raises BadRequest: naming every field that is unknown or of the wrong type.
    """
    payload = read_json(request)
    if not isinstance(payload, dict):
        raise BadRequest("the body must be a JSON object of the parameters: "
                         + ", ".join(fields))
    errors = []
    out: MultiDict = MultiDict()
    for name, value in payload.items():
        if name not in fields:
            errors.append(f"unknown field {name!r}; the fields are " + ", ".join(fields))
        elif value is None:
            continue
        elif name in lists and isinstance(value, list):
            if all(isinstance(v, str) for v in value):
                for v in value:
                    out.add(name, v)
            else:
                errors.append(f"{name} must be a string or a list of strings")
        elif isinstance(value, str):
            out.add(name, value)
        elif name in NUMBERS and isinstance(value, int) and not isinstance(value, bool):
            out.add(name, str(value))
        elif name in FLAG_FIELDS and isinstance(value, bool):
            out.add(name, "true" if value else "false")
        else:
            errors.append(f"{name} must be a string" + (" or a whole number"
                          if name in NUMBERS else " or a boolean" if name in FLAG_FIELDS
                          else ""))
    if errors:
        raise BadRequest(*errors)
    return out


def check_request_size(request: Request, settings: dict) -> None:
    """Refuse a request line or a header longer than gunicorn would read, under any
    server (the same limits as ``config/gunicorn.conf.py``), in the JSON envelope.

    :raises UriTooLong: a request line past ``request_line_bytes`` (414).
    :raises HeadersTooLarge: a header line past ``HEADER_BYTES`` (431).
    """
    environ = request.environ
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(
        environ.get("PATH_INFO", "").encode("latin-1", "replace"), safe="/;:@&=+$,!~*'()-._")
    query = environ.get("QUERY_STRING", "")
    if query and "?" not in uri:    # (some servers' RAW_URI is the path alone)
        uri += "?" + query
    line = len(request.method) + len(uri.encode("latin-1", "replace")) + len(" HTTP/1.1 ")
    limit = request_line_bytes(settings)
    if line > limit:
        raise UriTooLong(f"the request line is {line:,} bytes long, more than {limit:,}: send "
                         "a long query as JSON with POST /api/search")
    for name, value in request.headers.items():
        if len(name) + len(value) + 2 > HEADER_BYTES:
            raise HeadersTooLarge(f"the header {name[:40]!r} is longer than "
                                  f"{HEADER_BYTES:,} bytes")
