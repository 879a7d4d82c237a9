# SPDX-License-Identifier: GPL-3.0-or-later
"""In-process measurements: the Flask app without HTTP, and pyinstrument profiles.

::

    python -m tests.benchmarks.profiling inprocess INDEX_DIR QUERIES [--repeats R]
    python -m tests.benchmarks.profiling search INDEX_DIR QUERIES [--count 200] [--out FILE]
    python -m tests.benchmarks.profiling index CORPUS [--count 2000] [--out FILE]
    python -m tests.benchmarks.profiling memos CORPUS

``inprocess`` times the query log through Flask's test client (the whole view:
parsing, query building, search, snippets, JSON), which separates the cost of the
pipeline from the cost of HTTP and gunicorn. ``search`` and ``index`` profile 200
queries and the indexing of 2,000 documents with pyinstrument and print the
functions with the most time of their own (and write the full call tree).
``memos`` fills a search worker's per-spelling memos (``index.spans.Spellings``
and the bounded caches under it) with the corpus's spellings, as marking results
for ever new articles would, and prints how much memory they hold when full: the
bound of a worker's growth.
Each prints one JSON object on its last line.
"""

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from .http_load import summary

WRAPPERS = re.compile(r"(tests/benchmarks/|flask/|werkzeug/|<listcomp>  tests)")


def _app(index_dir: Path):
    from service import create_app

    return create_app({"INDEX_DIR": str(Path(index_dir).resolve()),
                       "RATE_LIMIT": 10**9, "RATE_BURST": 10**9})


def inprocess(index_dir: Path, queries: list[str], repeats: int, warmup: int = 50) -> dict:
    app = _app(index_dir)
    client = app.test_client()
    for q in queries[:warmup]:
        client.get("/api/search", query_string={"q": q})
    passes = []
    for _ in range(repeats):
        times, cpu = [], []
        for q in queries:
            t0, c0 = time.perf_counter(), time.thread_time()
            response = client.get("/api/search", query_string={"q": q})
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        cpu_summary = summary(cpu)
        passes.append(summary(times) | {"cpu_p50": cpu_summary["p50"],
                                        "cpu_p95": cpu_summary["p95"],
                                        "cpu_mean": sum(cpu) / len(cpu)})
    app.extensions["fahras"].handle.close()
    return {"passes": passes}


def _flat(session, lines: int) -> tuple[dict, str]:
    """The ``lines`` functions with the most time of their own and in total, and the
    full text (both flat lists and the call tree)."""
    from pyinstrument.renderers import ConsoleRenderer

    texts, top = [], {}
    for mode in ("self", "total"):
        flat = ConsoleRenderer(flat=True, flat_time=mode, unicode=False,
                               color=False).render(session)
        texts.append(flat)
        # keep the header lines (program, duration) out of the top-N, and in the
        # inclusive list the frames that only wrap the work (this script, Flask, werkzeug)
        rows = [line for line in flat.splitlines() if line.lstrip()[:1].isdigit()]
        if mode == "total":
            rows = [line for line in rows if not WRAPPERS.search(line)]
        top[mode] = rows[:lines]
    # the call tree shows Whoosh's frames too (pyinstrument hides library frames)
    texts.append(ConsoleRenderer(unicode=False, color=False, processor_options={
        "show_regex": r".*(whoosh|service|index)/.*"}).render(session))
    return top, "\n\n".join(texts)


def profile_search(index_dir: Path, queries: list[str], count: int, out: Path | None) -> dict:
    from pyinstrument import Profiler

    app = _app(index_dir)
    client = app.test_client()
    for q in queries[:20]:
        client.get("/api/search", query_string={"q": q})
    chosen = list(itertools.islice(itertools.cycle(queries), count))
    profiler = Profiler(interval=0.0005)
    profiler.start()
    statuses = [client.get("/api/search", query_string={"q": q}).status_code for q in chosen]
    session = profiler.stop()
    assert set(statuses) == {200}, statuses
    top, full = _flat(session, 15)
    if out:
        out.write_text(full, encoding="utf-8")
    app.extensions["fahras"].handle.close()
    return {"queries": count, "seconds": session.duration, "top": top["self"],
            "top_total": top["total"]}


def profile_index(corpus: Path, count: int, out: Path | None) -> dict:
    from pyinstrument import Profiler

    from config.settings import load_settings
    from index.readers import read_documents
    from index.resources import Resources
    from index.writer import build_index

    resources = Resources.from_settings(load_settings())
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.jsonl"
        with open(corpus, encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice(src, count))
        profiler = Profiler(interval=0.001)
        profiler.start()
        report = build_index(read_documents([sample]), Path(tmp) / "index", resources,
                             rebuild=True, on_error=lambda error: None)
        session = profiler.stop()
    top, full = _flat(session, 15)
    if out:
        out.write_text(full, encoding="utf-8")
    return {"documents": count, "seconds": session.duration,
            "docs_per_s": (report.added + report.updated) / session.duration,
            "top": top["self"], "top_total": top["total"]}


def memos(corpus: Path) -> dict:
    import gc

    import psutil

    from index.resources import Resources
    from index.spans import SPELLINGS, Spellings
    from index.tokens import SURFACE_RE

    resources = Resources.load()
    spellings: dict[str, None] = {}
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            spellings.update(dict.fromkeys(SURFACE_RE.findall(
                f"{record['title']} {record['body']}")))
            if len(spellings) >= SPELLINGS:
                break
    words = list(spellings)[:SPELLINGS - 1]     # one more would start a fresh Spellings
    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    started = time.perf_counter()
    filled = Spellings.of(resources)
    filled.learn(words)
    filled.learn_keys(words)
    seconds = time.perf_counter() - started
    gc.collect()
    return {"spellings": len(filled.known), "rss_growth_mb": (process.memory_info().rss
                                                              - before) / 2**20,
            "us_per_spelling": seconds / len(words) * 1e6}


def main(argv: list[str] | None = None) -> int:
    from .queries import load_queries

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.profiling")
    jobs = parser.add_subparsers(dest="job", required=True)
    a = jobs.add_parser("inprocess")
    a.add_argument("index_dir", type=Path)
    a.add_argument("queries", type=Path)
    a.add_argument("--repeats", type=int, default=3)
    b = jobs.add_parser("search")
    b.add_argument("index_dir", type=Path)
    b.add_argument("queries", type=Path)
    b.add_argument("--count", type=int, default=200)
    b.add_argument("--out", type=Path)
    c = jobs.add_parser("index")
    c.add_argument("corpus", type=Path)
    c.add_argument("--count", type=int, default=2000)
    c.add_argument("--out", type=Path)
    m = jobs.add_parser("memos")
    m.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    if args.job == "memos":
        out = memos(args.corpus)
    elif args.job == "inprocess":
        out = inprocess(args.index_dir, [q for _, q in load_queries(args.queries)], args.repeats)
    elif args.job == "search":
        out = profile_search(args.index_dir, [q for _, q in load_queries(args.queries)],
                             args.count, args.out)
    else:
        out = profile_index(args.corpus, args.count, args.out)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
