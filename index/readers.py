"""Read documents from ``.txt``, ``.jsonl`` and ``.jsonl.gz`` files and folders.

A ``.txt`` file is one article: its id is the file stem, its title the first
meaningful line (a stray line such as ``in`` is skipped), its body the rest, less
lines that repeat the title. A ``.jsonl`` file holds one JSON object per line with
``id``, ``body`` and optional ``title``, ``lang``, ``source``, ``date``, ``url``
(an ``http://`` or ``https://`` address: the pages link to it).

Every mistake raises ``DocumentError`` whose message starts with ``file:line:``;
``read_documents(..., on_error=callback)`` hands errors to the callback instead and
goes on with the next document.

``Limits`` bound what one document may hold (the settings ``MAX_DOCUMENT_CHARS``,
``MAX_TITLE_CHARS`` and ``MAX_DOCUMENT_WORDS``; ids, sources and urls have fixed
bounds); the build and the document API apply the same ones, and a document past
one raises ``DocumentTooLarge`` (the API's 413).
"""

import gzip
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

LANGUAGES = ("ar", "en")
MAX_ID_LENGTH = 200
MAX_SOURCE_LENGTH = 200
MAX_URL_LENGTH = 2000
#: Deepest nesting of a ``.jsonl`` line's JSON (a document is one object).
MAX_JSON_DEPTH = 8
_FIELDS = ("id", "title", "body", "lang", "source", "date", "url")
_REQUIRED = ("id", "body")
_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
_BULLET_RE = re.compile(r"^[\s•·\-–—*]+")
_MIN_TITLE_LETTERS = 8
# A scheme of http or https and a host: nothing else (javascript:, data:, a relative
# path) may become a link on a page.
_WEB_URL_RE = re.compile(r"https?://[^\s/?#\\]", re.IGNORECASE)


class DocumentError(ValueError):
    """A document that cannot be indexed; the message names file and line."""


class DocumentTooLarge(DocumentError):
    """A document past one of its ``Limits``."""


@dataclass(frozen=True)
class Limits:
    """How much one document may hold (defaults: the settings' defaults)."""

    body_chars: int = 1_000_000
    title_chars: int = 1000
    words: int = 100_000

    @classmethod
    def from_settings(cls, settings: dict) -> "Limits":
        """The ``MAX_DOCUMENT_CHARS``, ``MAX_TITLE_CHARS`` and ``MAX_DOCUMENT_WORDS``
        settings."""
        return cls(body_chars=settings["MAX_DOCUMENT_CHARS"],
                   title_chars=settings["MAX_TITLE_CHARS"],
                   words=settings["MAX_DOCUMENT_WORDS"])

    def check(self, title: str, body: str, where: str) -> None:
        """Raise ``DocumentTooLarge`` naming the first limit the document passes.

        >>> Limits(body_chars=5).check("t", "123456", "x.jsonl:3")
        Traceback (most recent call last):
        ...
        index.readers.DocumentTooLarge: x.jsonl:3: 'body' is 6 characters long, more than 5 (MAX_DOCUMENT_CHARS)
        """
        if len(body) > self.body_chars:
            raise DocumentTooLarge(f"{where}: 'body' is {len(body):,} characters long, more "
                                   f"than {self.body_chars:,} (MAX_DOCUMENT_CHARS)")
        if len(title) > self.title_chars:
            raise DocumentTooLarge(f"{where}: 'title' is {len(title):,} characters long, "
                                   f"more than {self.title_chars:,} (MAX_TITLE_CHARS)")
        # words as separated by spaces: a bound, cheap on a long text
        words = len(title.split()) + len(body.split())
        if words > self.words:
            raise DocumentTooLarge(f"{where}: the document has {words:,} words, more than "
                                   f"{self.words:,} (MAX_DOCUMENT_WORDS)")


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Document:
    """One article as read from a source, before analysis."""

    id: str
    title: str
    body: str
    lang: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    origin: str = ""

    def as_dict(self) -> dict:
        """Return the fields other than ``origin``."""
        out = asdict(self)
        del out["origin"]
        return out


def read_documents(paths: Iterable[Path | str], *,
                   on_error: Callable[[DocumentError], None] | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> Iterator[Document]:
    """Yield the documents of files and folders (folders are read recursively, sorted).

    :param on_error: called with each ``DocumentError``; when None, the error is raised.
    :param limits: how much one document may hold.
    :raises DocumentError: for a bad document, a missing path or a duplicate id.
    """
    seen: dict[str, str] = {}
    for item in _read_all(paths, limits):
        if isinstance(item, Document):
            first = seen.get(item.id)
            if first is None:
                seen[item.id] = item.origin
                yield item
                continue
            item = DocumentError(f"{item.origin}: duplicate id {item.id!r} (first at {first})")
        if on_error is None:
            raise item
        on_error(item)


def _read_all(paths: Iterable[Path | str],
              limits: Limits) -> Iterator["Document | DocumentError"]:
    """Yield documents and, in their place, the errors of unreadable ones."""
    for source in map(Path, paths):
        try:
            files = _expand(source)
        except DocumentError as error:
            yield error
            continue
        for path in files:
            if path.name.endswith(".txt"):
                try:
                    yield read_text_file(path, limits)
                except DocumentError as error:
                    yield error
            else:
                yield from _read_jsonl(path, limits)


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and _readable(p))
    if path.is_file():
        if not _readable(path):
            raise DocumentError(f"{path}: unsupported file type; expected "
                                + ", ".join(_SUFFIXES))
        return [path]
    raise DocumentError(f"{path}: no such file or folder")


def _readable(path: Path) -> bool:
    return path.name.endswith(_SUFFIXES)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(f"{path}:{line}: not valid UTF-8 "
                            f"(byte {raw[exc.start]:#04x})") from None


def read_text_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one ``.txt`` article: id from the file stem, title from its first meaningful line.

    :raises DocumentError: for undecodable bytes, a file without title or body, or
        one past the ``limits``.
    """
    text = _decode(path.read_bytes(), path)
    lines = text.splitlines()
    title_index = next((i for i, line in enumerate(lines) if _is_meaningful(line)), None)
    if title_index is None:
        raise DocumentError(f"{path}:1: no title line (a line with at least "
                            f"{_MIN_TITLE_LETTERS} letters)")
    title = lines[title_index].strip()
    body = "\n".join(line for line in lines[title_index + 1:]
                     if _strip_bullet(line) != title).strip()
    if not body:
        raise DocumentError(f"{path}:{title_index + 1}: no body after the title")
    limits.check(title, body, f"{path}:{title_index + 1}")
    return Document(id=_check_id(path.stem, f"{path}:1"), title=title, body=body,
                    origin=f"{path}:{title_index + 1}")


def _is_meaningful(line: str) -> bool:
    return sum(c.isalpha() for c in line) >= _MIN_TITLE_LETTERS


def _strip_bullet(line: str) -> str:
    return _BULLET_RE.sub("", line).strip()


def _read_jsonl(path: Path, limits: Limits) -> Iterator["Document | DocumentError"]:
    opener = gzip.open if path.name.endswith(".gz") else open
    # a line longer than this cannot hold a document within the limits
    longest = 4 * (limits.body_chars + limits.title_chars) + 64 * 1024
    with opener(path, "rb") as handle:
        number = 0
        while True:
            raw = handle.readline(longest + 1)
            if not raw:
                break
            number += 1
            if len(raw) > longest and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):         # skip the rest of it
                    raw = handle.readline(1 << 20)
                yield DocumentTooLarge(f"{path}:{number}: the line is longer than "
                                       f"{longest:,} bytes (MAX_DOCUMENT_CHARS)")
                continue
            if raw.strip():
                try:
                    yield _parse_jsonl_line(raw, f"{path}:{number}", number == 1, limits)
                except DocumentError as error:
                    yield error


def _parse_jsonl_line(raw: bytes, where: str, first: bool, limits: Limits) -> Document:
    try:
        text = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{where}: not valid UTF-8 "
                            f"(byte {raw[exc.start]:#04x} at column {exc.start + 1})") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{where}: invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise DocumentError(f"{where}: JSON nested more than {MAX_JSON_DEPTH} levels "
                            "deep") from None
    return document_from_record(record, where, limits)


def document_from_record(record: object, where: str,
                         limits: Limits = DEFAULT_LIMITS) -> Document:
    """Validate one JSON object and turn it into a ``Document``.

    :param where: prefix for error messages, such as ``corpus.jsonl:12``.
    :raises DocumentError: for a non-object, a missing or empty id or body, a field
        of the wrong type, an unknown language, a malformed date or a url that is not
        http(s), a source or url too long.
    :raises DocumentTooLarge: for a document past the ``limits``.
    """
    if not isinstance(record, dict):
        raise DocumentError(f"{where}: expected a JSON object, got {type(record).__name__}")
    for name in _REQUIRED:
        value = record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DocumentError(f"{where}: missing {name!r}")
    values = {}
    for name in _FIELDS:
        value = record.get(name)
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise DocumentError(f"{where}: {name!r} must be a string, "
                                f"got {type(value).__name__}")
        values[name] = value.strip() if isinstance(value, str) and value.strip() else None
    lang = values["lang"]
    if lang is not None and lang not in LANGUAGES:
        raise DocumentError(f"{where}: 'lang' must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    body = values["body"]
    title = values["title"] or _first_line(body)
    doc_id = _check_id(values["id"], where)
    for name, longest in (("source", MAX_SOURCE_LENGTH), ("url", MAX_URL_LENGTH)):
        if values[name] is not None and len(values[name]) > longest:
            raise DocumentError(f"{where}: {name!r} is longer than {longest} characters")
    limits.check(title, body, where)
    return Document(
        id=doc_id, title=title, body=body, lang=lang,
        source=values["source"], date=_check_date(values["date"], where),
        url=_check_url(values["url"], where), origin=where,
    )


def _first_line(body: str, limit: int = 120) -> str:
    line = body.strip().splitlines()[0].strip()
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


def _check_id(value: str, where: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise DocumentError(f"{where}: 'id' is longer than {MAX_ID_LENGTH} characters")
    if value in (".", "..") or "/" in value or "\\" in value:
        raise DocumentError(f"{where}: 'id' must not contain '/' or '\\' or be '.' or '..'")
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in value) or value != value.strip():
        raise DocumentError(f"{where}: 'id' must not contain control characters, "
                            "line breaks or surrounding spaces")
    return value


def is_web_url(url: str | None) -> bool:
    """Tell whether ``url`` is an absolute ``http://`` or ``https://`` address.

    >>> is_web_url("https://news.am/arm/"), is_web_url("javascript:alert(1)")
    (True, False)
    """
    return bool(url) and _WEB_URL_RE.match(url) is not None


def _check_url(value: str | None, where: str) -> str | None:
    if value is None or is_web_url(value):
        return value
    shown = value if len(value) <= 80 else value[:80] + "…"
    raise DocumentError(f"{where}: 'url' must be an http:// or https:// address, "
                        f"got {shown!r}")


def _check_date(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise DocumentError(f"{where}: 'date' must be YYYY-MM-DD, got {value!r}") from None
