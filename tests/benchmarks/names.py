# SPDX-License-Identifier: GPL-3.0-or-later
"""Name queries: how long a search for a name typed in Latin letters takes.

``python -m tests.benchmarks.names INDEX [--out FILE]`` sends the Latin form of every
name of ``tests/names/names.tsv`` (216 people, places and organisations of real
news) to the service in-process (Flask's test client) in a fresh process with the
default settings and the answer cache off, after one ordinary search, twice: the
first pass is each name's first sight in the worker (its spellings proposed,
analysed, looked up and checked in a few articles), the second a repeat (the
verified spellings are kept per index generation). It prints p50, p95, p99 and the
worst time of each pass, and writes every row as JSON.

The module uses only the service's public entry point, so the same file measures an
older checkout (see ``tests/benchmarks/README.md``).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

NAMES = Path(__file__).resolve().parent.parent / "names" / "names.tsv"
PASSES = ("first", "second")
WARM_UP = "باكو"


def latin_names(path: Path = NAMES) -> list[str]:
    """The ``latin`` column of the names list."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return [row[0] for row in rows[1:]]


def run(index: Path, names: list[str]) -> list[dict]:
    """Each name twice, in-process, with the default settings and the answer cache off."""
    from service import create_app

    app = create_app({"INDEX_DIR": str(index), "RATE_LIMIT": 0, "RESULT_CACHE_SIZE": 0})
    client = app.test_client()
    client.get("/api/search", query_string={"q": WARM_UP})
    rows = []
    for repeat in PASSES:
        for q in names:
            started = time.perf_counter()
            response = client.get("/api/search", query_string={"q": q})
            seconds = time.perf_counter() - started
            body = response.get_json(silent=True) or {}
            rows.append({"pass": repeat, "q": q, "status": response.status_code,
                         "ms": round(seconds * 1000, 1), "total": body.get("total"),
                         "timed_out": body.get("timed_out")})
    return rows


def summary(rows: list[dict]) -> dict:
    """p50, p95, p99 and the worst time of each pass."""
    out = {}
    for repeat in PASSES:
        times = sorted(row["ms"] for row in rows if row["pass"] == repeat)
        if not times:
            continue
        cut = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        out[repeat] = {"p50": round(statistics.median(times), 1), "p95": round(cut[94], 1),
                       "p99": round(cut[98], 1), "max": times[-1],
                       "timed_out": sum(1 for r in rows if r["pass"] == repeat
                                        and r["timed_out"])}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.names",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="the index folder to search")
    parser.add_argument("--out", type=Path, help="write the rows and the summary as JSON")
    args = parser.parse_args(argv)
    rows = run(args.index, latin_names())
    result = summary(rows)
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "summary": result}, indent=1,
                                       ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
