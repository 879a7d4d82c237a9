# SPDX-License-Identifier: GPL-3.0-or-later
"""Score search systems on the evaluation collection: ``python -m tests.eval.run_eval``."""

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .collection import CATEGORIES, SEEDS_DIR, Query, load_articles, load_queries
from .metrics import ndcg_at_k, reciprocal_rank, recall_at_k, summarise, trap_rate
from .systems import SYSTEMS, Document, System

CUTOFF = 10
SEARCH_DEPTH = 100
METRICS = (f"ndcg@{CUTOFF}", "mrr", f"recall@{CUTOFF}", "trap_rate")
COLUMNS = ("category", "queries", f"nDCG@{CUTOFF}", "MRR", f"R@{CUTOFF}", "trap rate")
_ARABIC_LETTER_RE = re.compile(r"[\u0620-\u064a\u0671-\u06d3]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


def read_seed(path: Path) -> Document:
    """Read a seed naively: the first non-empty line is the title, the rest the body."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    title = lines[start].strip() if start < len(lines) else ""
    body = "\n".join(lines[start + 1:]).strip()
    return {"id": path.stem, "title": title, "body": body, "lang": guess_lang(title + " " + body)}


def guess_lang(text: str) -> str:
    """Return "ar" when Arabic letters outnumber Latin ones, else "en"."""
    arabic, latin = len(_ARABIC_LETTER_RE.findall(text)), len(_LATIN_LETTER_RE.findall(text))
    return "ar" if arabic > latin else "en"


def load_documents(seeds_dir: Path = SEEDS_DIR) -> list[Document]:
    """Return the seeds and the evaluation articles as dicts with id, title, body and lang."""
    seeds = [read_seed(path) for path in sorted(seeds_dir.glob("*.txt"))]
    articles = [{key: a[key] for key in ("id", "title", "body", "lang")} for a in load_articles()]
    return seeds + articles


def score_query(query: Query, ranked_ids: Sequence[str]) -> dict[str, object]:
    """Return one result row: the query's labels and metrics (trap rate None without traps)."""
    return {
        "qid": query.qid,
        "category": query.category,
        "query": query.text,
        f"ndcg@{CUTOFF}": ndcg_at_k(ranked_ids, query.grades, k=CUTOFF),
        "mrr": reciprocal_rank(ranked_ids, query.grades),
        f"recall@{CUTOFF}": recall_at_k(ranked_ids, query.grades, k=CUTOFF),
        "trap_rate": trap_rate(ranked_ids, query.traps, k=CUTOFF) if query.traps else None,
        "top": list(ranked_ids[:CUTOFF]),
    }


def evaluate(system: System, documents: Sequence[Document],
             queries: Sequence[Query]) -> list[dict[str, object]]:
    """Build the system's index in a temporary directory and score every query on it."""
    with tempfile.TemporaryDirectory(prefix=f"fahras-eval-{system.name}-") as tmp:
        system.build(documents, Path(tmp))
        try:
            return [score_query(query, system.search(query.text, SEARCH_DEPTH))
                    for query in queries]
        finally:
            system.close()


def _format_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """Left-align the first cell and right-align the others to their column widths."""
    first, *rest = cells
    return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:]))])


def format_table(summary: dict[str, dict[str, float | None]]) -> str:
    """Return the summary as an aligned text table, categories in collection order, overall last."""
    names = [c for c in CATEGORIES if c in summary] + [c for c in summary if c not in CATEGORIES]
    cells = [list(COLUMNS)]
    for name in names:
        entry = summary[name]
        values = ["-" if entry[m] is None else f"{entry[m]:.3f}" for m in METRICS]
        cells.append([name, str(entry["queries"]), *values])
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = [_format_row(row, widths) for row in cells]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.eval.run_eval", description=__doc__)
    parser.add_argument("--system", action="append", choices=sorted(SYSTEMS), metavar="NAME",
                        help="system to score, repeatable (default: every registered system)")
    parser.add_argument("--category", action="append", choices=CATEGORIES, metavar="C",
                        help="only queries of this category, repeatable")
    parser.add_argument("--json", action="store_true",
                        help="print JSON with per-query rows instead of a table")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print a table per system, or JSON."""
    args = parse_args(argv)
    queries = [q for q in load_queries() if not args.category or q.category in args.category]
    documents = load_documents()
    report = []
    for name in args.system or sorted(SYSTEMS):
        rows = evaluate(SYSTEMS[name](), documents, queries)
        summary = summarise(rows, metrics=METRICS)
        report.append({"system": name, "summary": summary, "queries": rows})
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n\n".join(f"{r['system']} ({len(documents)} documents, {len(queries)} queries)\n"
                          f"{format_table(r['summary'])}" for r in report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
