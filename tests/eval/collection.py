# SPDX-License-Identifier: GPL-3.0-or-later
"""The evaluation collection: the seed documents, the written articles and the judged queries.

``queries.tsv`` has a header line and six tab-separated fields per line, with no quoting
(a query may contain double quotes for a phrase)::

    qid  category  query  relevant  traps  note

``relevant`` lists ``doc_id:grade`` pairs, comma-separated, with grades 3 (central), 2 (substantial)
and 1 (mentions); unlisted documents are grade 0. ``traps`` lists documents that share a surface
string with the query's name but are not about the conflict: they must stay out of the top 10.

Judgments are made within a scope set by the category: ``ar_*`` queries over the Arabic documents,
``en`` over the English ones, and ``latin_name``, ``latin_unlisted`` and the ``cross_*`` categories
over both. ``trap`` queries follow their script: Arabic ones over the Arabic documents, Latin ones
over both.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVAL_DIR.parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
ARTICLES_PATH = EVAL_DIR / "articles.jsonl"
QUERIES_PATH = EVAL_DIR / "queries.tsv"

CATEGORIES = (
    "ar_exact", "ar_orthography", "ar_clitic", "ar_variant", "latin_name", "en", "trap",
    "cross_en_ar", "cross_ar_en", "latin_unlisted",
)
GRADES = (1, 2, 3)
LANGS = ("ar", "en")
HEADER = ("qid", "category", "query", "relevant", "traps", "note")
ARTICLE_FIELDS = ("id", "title", "body", "lang", "source", "date")


class CollectionError(ValueError):
    """A malformed line in queries.tsv or articles.jsonl, reported as ``file:LINE: message``."""


@dataclass(frozen=True)
class Query:
    """One judged query: its text, graded relevant documents and trap documents."""

    qid: str
    category: str
    text: str
    grades: dict[str, int]
    traps: tuple[str, ...]
    note: str = ""


def seed_ids(seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """Return the ids (file stems) of the seed documents, sorted."""
    return sorted(path.stem for path in seeds_dir.glob("*.txt"))


def _is_iso_date(text: str) -> bool:
    """Tell whether text is a calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def load_articles(path: Path = ARTICLES_PATH) -> list[dict[str, str]]:
    """Return the evaluation articles, one dict per line, checked for fields, lang and ids."""
    articles: list[dict[str, str]] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                article = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CollectionError(f"{where}: invalid JSON: {exc.msg}") from None
            missing = [field for field in ARTICLE_FIELDS if not article.get(field)]
            if missing:
                raise CollectionError(f"{where}: missing {', '.join(missing)}")
            if article["lang"] not in LANGS:
                raise CollectionError(f"{where}: lang must be ar or en, not {article['lang']!r}")
            if not _is_iso_date(article["date"]):
                raise CollectionError(f"{where}: date must be YYYY-MM-DD, not {article['date']!r}")
            if article["id"] in seen:
                raise CollectionError(f"{where}: duplicate id {article['id']}")
            seen.add(article["id"])
            articles.append(article)
    return articles


def all_doc_ids(seeds_dir: Path = SEEDS_DIR, articles_path: Path = ARTICLES_PATH) -> frozenset[str]:
    """Return every document id of the collection: the seed stems and the article ids."""
    article_ids = {article["id"] for article in load_articles(articles_path)}
    return frozenset(seed_ids(seeds_dir)) | article_ids


def __getattr__(name: str) -> frozenset[str]:
    """Compute ``ALL_DOC_IDS`` on first use, so that importing the module reads no file."""
    if name == "ALL_DOC_IDS":
        return all_doc_ids()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _parse_grades(field: str, where: str, doc_ids: frozenset[str]) -> dict[str, int]:
    """Parse ``doc:grade,doc:grade`` into a dict, checking ids and grades."""
    grades: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in field.split(","))):
        doc_id, sep, grade = item.rpartition(":")
        if not sep or not doc_id:
            raise CollectionError(f"{where}: relevant item {item!r} is not doc_id:grade")
        if grade not in {str(g) for g in GRADES}:
            raise CollectionError(f"{where}: bad grade {grade!r} for {doc_id} (expected 1, 2 or 3)")
        if doc_id not in doc_ids:
            raise CollectionError(f"{where}: unknown doc id {doc_id}")
        if doc_id in grades:
            raise CollectionError(f"{where}: {doc_id} judged twice")
        grades[doc_id] = int(grade)
    return grades


def _parse_traps(field: str, where: str, doc_ids: frozenset[str],
                 grades: dict[str, int]) -> tuple[str, ...]:
    """Parse the comma-separated trap ids, checking that each exists and is not also relevant."""
    traps = tuple(filter(None, (part.strip() for part in field.split(","))))
    for doc_id in traps:
        if doc_id not in doc_ids:
            raise CollectionError(f"{where}: unknown doc id {doc_id}")
        if doc_id in grades:
            raise CollectionError(f"{where}: {doc_id} is both relevant and a trap")
    if len(set(traps)) != len(traps):
        raise CollectionError(f"{where}: a trap is listed twice")
    return traps


def load_queries(path: Path = QUERIES_PATH, doc_ids: frozenset[str] | None = None) -> list[Query]:
    """Return the judged queries of a TSV file, raising CollectionError at the first bad line.

    :param doc_ids: the ids that judgments may name; by default the seeds and the articles.
    """
    known = all_doc_ids() if doc_ids is None else doc_ids
    queries: list[Query] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            where = f"{path.name}:{lineno}"
            fields = line.rstrip("\r\n").split("\t")
            if lineno == 1:
                if tuple(fields) != HEADER:
                    raise CollectionError(f"{where}: header must be {'<TAB>'.join(HEADER)}")
                continue
            if not line.strip():
                continue
            if len(fields) != len(HEADER):
                raise CollectionError(
                    f"{where}: expected {len(HEADER)} tab-separated fields, found {len(fields)}")
            qid, category, text, relevant, traps, note = (field.strip() for field in fields)
            if not qid:
                raise CollectionError(f"{where}: empty qid")
            if qid in seen:
                raise CollectionError(f"{where}: duplicate qid {qid} (first on line {seen[qid]})")
            seen[qid] = lineno
            if category not in CATEGORIES:
                raise CollectionError(f"{where}: unknown category {category!r}")
            if not text:
                raise CollectionError(f"{where}: empty query")
            grades = _parse_grades(relevant, where, known)
            if not grades:
                raise CollectionError(f"{where}: no relevant document")
            trap_ids = _parse_traps(traps, where, known, grades)
            queries.append(Query(qid, category, text, grades, trap_ids, note))
    return queries
