"""Settings of Fahras: defaults here, overridden by ``config/fahras.toml``, then the environment.

Every setting has a name (``INDEX_DIR``), a default and a help text; the environment
variable is ``FAHRAS_`` + the name (``FAHRAS_INDEX_DIR``) and the key in
``fahras.toml`` is the name in lowercase (``index_dir``). Relative paths in the file
or the defaults are relative to the project folder; in the environment, to the
current folder. The README lists every setting (a test keeps them in step).
"""

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_FILE = PROJECT_DIR / "config" / "fahras.toml"
ENV_PREFIX = "FAHRAS_"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value and a line of help."""

    name: str
    default: Any
    help: str
    is_path: bool = False
    #: the values allowed (empty: any of the default's type)
    choices: tuple = ()


SETTINGS = (
    Setting("INDEX_DIR", "var/index", "Where the index lives (a link to the current version).",
            is_path=True),
    Setting("ENGINE", "whoosh",
            "The engine a build and the first write create: whoosh (embedded, the "
            "default) or xapian; the service serves the engine of the index it finds.",
            choices=("whoosh", "xapian")),
    Setting("SEEDS_DIR", "seeds", "What `python -m index build` indexes when given no sources.",
            is_path=True),
    Setting("CONFIG_DIR", "config", "Folder of the gazetteer, stop words and other lists.",
            is_path=True),
    Setting("DICTIONARY_DIR", "/usr/share/dictd",
            "Where the FreeDict dictionaries are installed (Debian dict-freedict-*).",
            is_path=True),
    Setting("LEXICON_PATH", "var/lexicon.pickle",
            "The lookup tables built once from the dictionaries (python -m index lexicon).",
            is_path=True),
    Setting("EXONYMS_PATH", "var/exonyms.pickle",
            "Places' names in the other script, built once from GeoNames' towns "
            "(python -m index lexicon).", is_path=True),
    Setting("DEFAULT_PER_PAGE", 10, "Results per page when `per_page` is not given."),
    Setting("MAX_PER_PAGE", 50, "Largest `per_page` a client may ask for."),
    Setting("MAX_PAGE", 1000, "Largest `page` a client may ask for."),
    Setting("MAX_QUERY_LENGTH", 1000, "Longest `q`, in characters; longer gets 400."),
    Setting("REFRESH_INTERVAL", 1.0,
            "Seconds between checks for a changed index (new commit or rebuild)."),
    Setting("LANGUAGE_FIRST", True,
            "List documents in the query's language before the others (each by score)."),
    Setting("TITLE_WEIGHT", 2.0, "Weight of a title match against a body match."),
    Setting("EXACT_WEIGHT", 0.5,
            "Extra weight of the word exactly as typed over a match through its stem."),
    Setting("ENTITY_WEIGHT", 0.6,
            "Weight of a match through a gazetteer entity (another spelling of the name)."),
    Setting("PHRASE_WEIGHT", 1.0,
            "Weight of the words of a multi-word query standing close together."),
    Setting("GLOSSARY_WEIGHT", 0.3,
            "Weight of a translation from config/glossary.txt (against 1 for the words typed)."),
    Setting("DICTIONARY_WEIGHT", 0.2, "Weight of a translation from the FreeDict dictionaries."),
    Setting("PHONETIC_WEIGHT", 0.3,
            "Weight of a match of a name outside the gazetteer by its cross-script key "
            "(used only when no transliteration of it is verified)."),
    Setting("TRANSLITERATION_WEIGHT", 0.6,
            "Weight of a match of a name through a verified spelling in the other "
            "script (Putin: بوتين)."),
    Setting("FOCUS_ENTITIES", "nagorno_karabakh artsakh armenia azerbaijan",
            "Entity keys the archive is about (space-separated): a document that mentions "
            "one scores (1 + FOCUS_WEIGHT) x score, plus FOCUS_WEIGHT for each one it "
            "mentions, so a ceasefire in Karabakh ranks above one in another war."),
    Setting("FOCUS_WEIGHT", 2.0,
            "Extra share of score for mentioning a focus entity (0 turns it off)."),
    Setting("CORS_ORIGINS", "",
            "Origins (space-separated, or *) allowed to call the read endpoints from a "
            "browser; empty: none."),
    Setting("RATE_LIMIT", 600,
            "API requests a minute per client address (per worker); 0 turns limiting off."),
    Setting("RATE_BURST", 60, "Requests a client may make at once before the rate applies."),
    Setting("TRUSTED_PROXY", False,
            "Take the client address from X-Forwarded-For (only behind a trusted proxy)."),
    Setting("ADMIN_TOKEN", "",
            "Bearer token for the write endpoints; empty disables them (403). Prefer the "
            "environment variable FAHRAS_ADMIN_TOKEN to the file."),
    Setting("MAX_BATCH", 500, "Most documents in one POST /api/documents."),
    Setting("MAX_DOCUMENT_CHARS", 1_000_000,
            "Longest body of a document, in characters (413 through the API; the build "
            "stops at the file and line)."),
    Setting("MAX_TITLE_CHARS", 1000, "Longest title of a document, in characters."),
    Setting("MAX_DOCUMENT_WORDS", 100_000, "Most words in a document's title and body."),
    Setting("MAX_BODY_BYTES", 10 * 1024 * 1024,
            "Largest request body, in bytes; larger gets 413."),
    Setting("WRITE_TIMEOUT", 10.0,
            "Seconds a write waits for another writer before answering 503 with Retry-After."),
    Setting("SNIPPET_CHARS", 220, "Approximate length of a snippet fragment, in characters."),
    Setting("SNIPPET_FRAGMENTS", 2, "Most fragments joined into one snippet."),
    Setting("REPLICATION_INTERVAL", 5.0,
            "Seconds between two looks of a shard's replica at its master "
            "(python -m index replicate-shard; whole seconds)."),
    Setting("ALLOW_PARTIAL_RESULTS", True,
            "With a cluster of shards (cluster.toml): answer with the shards that answer "
            "and list the others in `shards.failed` (true), or answer 503 (false)."),
    Setting("SEARCH_TIME_LIMIT", 1.0,
            "Seconds a search may take, from analysing the query to the last snippet (0: "
            "no limit); past it the answer holds what was done, `timed_out` is true and "
            "`query.cut` says what was left out."),
    Setting("MAX_QUERY_TERMS", 1024,
            "Most terms a query may look up (each term of each field, a phrase's words): "
            "past it translations and name keys are left out, and a query whose own "
            "words pass it gets 400."),
    Setting("HIGHLIGHT_MAX_CHARS", 100_000,
            "Characters of a title or body read for its highlights (snippets, the "
            "document view); a longer text is marked in its first part only and says so "
            "(`highlight_truncated`)."),
    Setting("HIGHLIGHT_MAX_MATCHES", 1000,
            "Most matches marked in one title or body; the rest are left unmarked and the "
            "answer says so (`highlight_truncated`)."),
    Setting("MATCH_CACHE_MB", 32.0,
            "Megabytes of term bit sets each worker keeps for counting matches and facets "
            "(a term costs documents / 8 bytes per segment)."),
    Setting("POSTINGS_CACHE_MB", 64.0,
            "Megabytes of postings arrays each worker keeps for ranking (12 bytes per "
            "posting: a word in 60,000 articles takes 0.7 MB)."),
    Setting("BUILD_PROCS", 2,
            "Processes of a first build or a rebuild (python -m index build), each "
            "writing its own index segment; 1 writes one segment in one process."),
    Setting("METRICS", True,
            "Serve /metrics (Prometheus text format: requests, latency, time-outs, worker "
            "restarts, index generation); false answers 404."),
    Setting("RESULT_CACHE_SIZE", 512,
            "Search answers each worker keeps for repeated queries, counted in pages of "
            "`DEFAULT_PER_PAGE` results (0 turns it off); emptied whenever the index changes."),
)

_BY_NAME = {s.name: s for s in SETTINGS}

#: gunicorn's largest ``limit_request_line`` and ``limit_request_field_size``.
GUNICORN_MAX_LINE = 8190


def request_line_bytes(settings: Mapping[str, Any]) -> int:
    """The longest request line served: a GET search of ``MAX_QUERY_LENGTH`` Arabic
    letters (six bytes each once percent-encoded) with 2 kB for the rest, within
    gunicorn's largest (``config/gunicorn.conf.py`` and the app use it alike).

    >>> request_line_bytes({"MAX_QUERY_LENGTH": 1000})
    8048
    """
    return min(GUNICORN_MAX_LINE, 6 * settings["MAX_QUERY_LENGTH"] + 2048)


#: The longest request header line served (gunicorn's ``limit_request_field_size``).
HEADER_BYTES = GUNICORN_MAX_LINE


class SettingsError(ValueError):
    """A setting with a value of the wrong type, or an unknown setting in the file."""


def load_settings(environ: Mapping[str, str] | None = None,
                  path: Path | str | None = CONFIG_FILE) -> dict[str, Any]:
    """Return every setting: default, then the TOML file, then ``FAHRAS_*`` variables.

    :raises SettingsError: for an unknown key in the file or a value of the wrong type.
    """
    environ = os.environ if environ is None else environ
    values = {s.name: _resolve(s, s.default, PROJECT_DIR) for s in SETTINGS}
    if path is not None and Path(path).exists():
        with open(path, "rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"{Path(path).name}: {exc}") from None
        for key, value in data.items():
            setting = _BY_NAME.get(key.upper())
            if setting is None:
                raise SettingsError(f"{Path(path).name}: unknown setting {key!r}")
            values[setting.name] = _resolve(setting, _coerce(setting, value, path), PROJECT_DIR)
    for setting in SETTINGS:
        raw = environ.get(ENV_PREFIX + setting.name)
        if raw is not None and raw != "":
            values[setting.name] = _resolve(setting, _coerce(setting, raw, "environment"),
                                            Path.cwd())
    return values


def _coerce(setting: Setting, value: Any, where: Any) -> Any:
    kind = type(setting.default)
    try:
        if kind is bool:
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        value = kind(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{where}: {setting.name} must be {kind.__name__}, "
                            f"got {value!r}") from None
    if setting.choices and value not in setting.choices:
        raise SettingsError(f"{where}: {setting.name} must be one of "
                            f"{', '.join(setting.choices)}, got {value!r}")
    return value


def _resolve(setting: Setting, value: Any, base: Path) -> Any:
    # abspath, not resolve(): the index folder is a link that must not be followed here.
    if setting.is_path:
        return os.path.abspath(base / Path(value).expanduser())
    return value
