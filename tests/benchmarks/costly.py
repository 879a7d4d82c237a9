# SPDX-License-Identifier: GPL-3.0-or-later
"""Costly queries: the worst a search may cost, before and after a change.

``python -m tests.benchmarks.costly INDEX [--corpus CORPUS] [--out FILE]`` builds the
queries from the corpus (the most frequent Arabic words and pairs of them), starts
the service in-process (Flask's test client: the answer a client gets, without
HTTP) in a fresh process with the default settings (``SEARCH_TIME_LIMIT`` 1 s, the
answer cache off), sends one ordinary search (so that what a worker reads once,
whatever the query, such as the segments' field lengths and columns, is read), then
each query three times: the first time is the worker's first sight of it (none of
its terms in memory), the next two repeats (a search cut at the deadline goes on
from where it stopped when it is asked again, so the third shows where it settles). It prints and writes
(JSON) each query's time, status, total, ``timed_out`` and ``query.cut``, and the
worst time (p100) of each pass by category:

* ``phrases``: 20 and 50 quoted phrases of two common words;
* ``or_items``: 100 and 150 common words joined by ``OR``;
* ``common_words``: as many of the commonest words as ``MAX_QUERY_LENGTH`` holds;
* ``or_phrases``: 40 quoted phrases of common words joined by ``OR``;
* ``translated``: English words whose dictionary translation is a phrase of several
  Arabic words (``Trump`` → فاز بلعب الورقة الرابحة), alone and ten together;
* ``long_arabic``: a title-like text of ``MAX_QUERY_LENGTH`` characters.

The module uses only the service's public entry point (``create_app`` and its
routes), so the same file measures an older checkout: run it with that checkout
first on ``PYTHONPATH`` (``tests/benchmarks/README.md``).
"""

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

MAX_CHARS = 1000
PASSES = ("first", "second", "third")
#: The ordinary search that comes first (a place name, not among the queries' words).
WARM_UP = "باكو"
TRANSLATED = ["Trump", "abaft", "abeam", "aba", "aau", "aaa", "abdal", "abiel", "aarp",
              "abarim"]
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{3,}")


def common_words(corpus: Path, documents: int = 5000, n: int = 400) -> list[str]:
    """The most frequent Arabic words (as written) of the first documents."""
    counts: Counter[str] = Counter()
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i >= documents:
                break
            record = json.loads(line)
            counts.update(_ARABIC_WORD.findall(record.get("body", "")))
    return [word for word, _ in counts.most_common(n)]


def _fit(parts: list[str], joint: str) -> str:
    """As many of ``parts`` joined by ``joint`` as fit in ``MAX_CHARS``."""
    out = ""
    for part in parts:
        longer = part if not out else out + joint + part
        if len(longer) > MAX_CHARS:
            break
        out = longer
    return out


def costly_queries(words: list[str]) -> list[tuple[str, str]]:
    """(category, query) pairs made from the corpus's commonest words."""
    pairs = [f'"{words[i]} {words[i + 1]}"' for i in range(0, 200, 2)]
    return [
        ("phrases", _fit(pairs[:20], " ")),
        ("phrases", _fit(pairs[:50], " ")),
        ("or_items", _fit(words[:100], " OR ")),
        ("or_items", _fit(words[:150], " OR ")),
        ("common_words", _fit(words, " ")),
        ("common_words", _fit(words[50:], " ")),
        ("or_phrases", _fit(pairs[:40], " OR ")),
        *[("translated", word) for word in TRANSLATED[:4]],
        ("translated", " ".join(TRANSLATED)),
        ("long_arabic", _fit(words[::3], " ")),
    ]


def run(index: Path, queries: list[tuple[str, str]]) -> list[dict]:
    """Each query three times, in-process, with the default settings and the answer cache off."""
    from service import create_app

    app = create_app({"INDEX_DIR": str(index), "RATE_LIMIT": 0, "RESULT_CACHE_SIZE": 0})
    client = app.test_client()
    client.get("/api/search", query_string={"q": WARM_UP})
    rows = []
    for repeat in PASSES:
        for category, q in queries:
            started = time.perf_counter()
            response = client.get("/api/search", query_string={"q": q})
            seconds = time.perf_counter() - started
            body = response.get_json(silent=True) or {}
            rows.append({"pass": repeat, "category": category, "chars": len(q),
                         "status": response.status_code, "ms": round(seconds * 1000, 1),
                         "total": body.get("total"), "timed_out": body.get("timed_out"),
                         "cut": [c.get("part") for c in (body.get("query") or {}).get("cut", [])],
                         "error": body.get("error"), "q": q[:60]})
    return rows


def summary(rows: list[dict]) -> dict:
    """The worst time of each pass and category, and over all."""
    out: dict = {}
    for row in rows:
        worst = out.setdefault(row["pass"], {})
        worst[row["category"]] = max(worst.get(row["category"], 0.0), row["ms"])
        worst["all"] = max(worst.get("all", 0.0), row["ms"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.costly",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="the index folder to search")
    parser.add_argument("--corpus", type=Path,
                        default=Path("var/bench/corpus-100000.jsonl"))
    parser.add_argument("--out", type=Path, help="write the rows and the summary as JSON")
    args = parser.parse_args(argv)
    rows = run(args.index, costly_queries(common_words(args.corpus)))
    for row in rows:
        print(f"{row['pass']:6} {row['category']:12} {row['chars']:5} chars "
              f"{row['status']} {row['ms']:8.1f} ms total={row['total']} "
              f"timed_out={row['timed_out']} cut={row['cut']} {row['error'] or ''}")
    worst = summary(rows)
    print(json.dumps(worst, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "worst": worst}, indent=1,
                                       ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
