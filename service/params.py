"""Validate search parameters once, at the edge; nothing after this re-checks them.

Parameters come from the query string or, with ``POST``, from a JSON body
(``json_args``: the same names; numbers may be JSON numbers, ``without`` a list),
so a query too long for a URL is asked the same way. JSON bodies are read by
``read_json``, which refuses bodies nested deeper than ``MAX_JSON_DEPTH`` with a
400 instead of letting the parser's recursion limit become a 500.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote
from datetime import date

from flask import Request
from werkzeug.datastructures import MultiDict

from config.settings import HEADER_BYTES, request_line_bytes
from service.errors import BadRequest, HeadersTooLarge, UnsupportedMediaType, UriTooLong

LANGS = ("ar", "en")
SORTS = ("relevance", "date", "oldest")
MAX_WITHOUT = 50
#: The parameters of a search (and of ``json_args`` bodies for it).
SEARCH_FIELDS = ("q", "page", "per_page", "lang", "place", "source", "year", "from", "to",
                 "sort", "without")
#: The parameters that may be JSON numbers in a body.
NUMBERS = ("page", "per_page", "year")
#: Deepest nesting of a JSON body: a batch of documents is three levels deep
#: ({"documents": [{...}]}).
MAX_JSON_DEPTH = 8


@dataclass(frozen=True)
class SearchParams:
    """A validated search request."""

    q: str
    page: int = 1
    per_page: int = 10
    lang: str | None = None
    place: str | None = None
    without: frozenset[str] = frozenset()
    source: str | None = None
    year: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"


def parse_search_params(args: MultiDict, settings: dict, known_entities) -> SearchParams:
    """Read and check ``q``, ``page``, ``per_page``, ``lang``, ``place``, ``source``,
    ``year``, ``from``, ``to``, ``sort`` and ``without``.

    :raises BadRequest: naming every parameter that is wrong.
    """
    errors = []
    q = _single(args, "q", errors)
    if q is None or not q.strip():
        errors.append("q is required")
    elif len(q) > settings["MAX_QUERY_LENGTH"]:
        errors.append(f"q must be at most {settings['MAX_QUERY_LENGTH']} characters")
    page = _int(args, "page", 1, 1, settings["MAX_PAGE"], errors)
    per_page = _int(args, "per_page", settings["DEFAULT_PER_PAGE"], 1,
                    settings["MAX_PER_PAGE"], errors)
    lang = _single(args, "lang", errors) or None
    if lang is not None and lang not in LANGS:
        errors.append("lang must be one of ar, en")
    place = _single(args, "place", errors) or None
    if place is not None and place not in known_entities:
        errors.append(f"place {place!r} is not a known entity key")
    source = _single(args, "source", errors) or None
    if source is not None and len(source) > 200:
        errors.append("source must be at most 200 characters")
    year = _int(args, "year", 0, 1000, 9999, errors) or None
    date_from = _date(args, "from", errors)
    date_to = _date(args, "to", errors)
    if date_from and date_to and date_from > date_to:
        errors.append("from must not be after to")
    sort = _single(args, "sort", errors) or "relevance"
    if sort not in SORTS:
        errors.append("sort must be one of " + ", ".join(SORTS))
    without = args.getlist("without")
    if len(without) > MAX_WITHOUT or any(len(w) > 200 for w in without):
        errors.append(f"without may be given at most {MAX_WITHOUT} times, "
                      "each at most 200 characters")
    if errors:
        raise BadRequest(*errors)
    return SearchParams(q=q.strip(), page=page, per_page=per_page, lang=lang, place=place,
                        without=frozenset(without), source=source, year=year,
                        date_from=date_from, date_to=date_to, sort=sort)


def _date(args: MultiDict, name: str, errors: list[str]) -> str | None:
    raw = _single(args, name, errors)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        errors.append(f"{name} must be a date, YYYY-MM-DD")
        return None


def _single(args: MultiDict, name: str, errors: list[str]) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        errors.append(f"{name} must be given once")
        return None
    return values[0] if values else None


def _int(args: MultiDict, name: str, default: int, low: int, high: int,
         errors: list[str]) -> int:
    raw = _single(args, name, errors)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        errors.append(f"{name} must be a whole number between {low} and {high}")
        return default
    value = int(raw)
    if not low <= value <= high:
        errors.append(f"{name} must be between {low} and {high}")
        return default
    return value


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
    numbers as their digits, ``null`` as absent, and for the names in ``lists`` a
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
        else:
            errors.append(f"{name} must be a string" + (" or a whole number"
                          if name in NUMBERS else ""))
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
