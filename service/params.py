"""Validate search parameters once, at the edge; nothing after this re-checks them.

Parameters come from the query string or, with ``POST``, from a JSON body that
``service.bodies.json_args`` turns into the same multi-valued mapping, so a query
too long for a URL is asked the same way. Nothing here needs the web: ``args`` is
any mapping with ``get`` and ``getlist``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from service.problems import BadRequest

LANGS = ("ar", "en")
SORTS = ("relevance", "date", "oldest")
MAX_WITHOUT = 50
#: The parameters of a search (and of ``bodies.json_args`` bodies for it).
SEARCH_FIELDS = ("q", "page", "per_page", "lang", "place", "source", "year", "from", "to",
                 "sort", "without", "explain")


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
    #: show the query plan in the answer (``query.plan``)
    explain: bool = False


def parse_search_params(args: Mapping, settings: dict, known_entities) -> SearchParams:
    """Read and check ``q``, ``page``, ``per_page``, ``lang``, ``place``, ``source``,
    ``year``, ``from``, ``to``, ``sort``, ``without`` and ``explain``.

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
    explain = _flag(args, "explain", errors)
    if errors:
        raise BadRequest(*errors)
    return SearchParams(q=q.strip(), page=page, per_page=per_page, lang=lang, place=place,
                        without=frozenset(without), source=source, year=year,
                        date_from=date_from, date_to=date_to, sort=sort, explain=explain)


#: How a yes/no parameter may be written (the first of each pair is yes).
FLAGS = {"true": True, "1": True, "false": False, "0": False, "": False}


def _flag(args: Mapping, name: str, errors: list[str]) -> bool:
    raw = _single(args, name, errors)
    if raw is None:
        return False
    if raw.lower() not in FLAGS:
        errors.append(f"{name} must be true or false")
        return False
    return FLAGS[raw.lower()]


def _date(args: Mapping, name: str, errors: list[str]) -> str | None:
    raw = _single(args, name, errors)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        errors.append(f"{name} must be a date, YYYY-MM-DD")
        return None


def _single(args: Mapping, name: str, errors: list[str]) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        errors.append(f"{name} must be given once")
        return None
    return values[0] if values else None


def _int(args: Mapping, name: str, default: int, low: int, high: int,
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
