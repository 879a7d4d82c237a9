# SPDX-License-Identifier: GPL-3.0-or-later
"""The reference engines.

Each job runs in its own process (so that its time, its peak memory and its
imports are its own) and prints one JSON object on its last line::

    python -m tests.benchmarks.engines index ENGINE CORPUS TARGET [--procs N]
    python -m tests.benchmarks.engines search ENGINE TARGET QUERIES [--repeats R]

ENGINE is ``whoosh`` (stock Whoosh: id/title/body, ``StandardAnalyzer``, bare
library calls), ``fts5`` (SQLite FTS5, ``unicode61 remove_diacritics 2``),
or ``tantivy`` (id/title/body, default tokenizer). Fahras itself is built with its
own command (``python -m index build --procs N``).

Every engine gets the same documents (title and body) and the same queries. A
query's words must all match (Whoosh's parser default; ``+word`` in tantivy;
implicit AND in FTS5); quoted text is a phrase.

>>> query_items('ممر لاتشين "وقف إطلاق النار"')
[(False, ['ممر']), (False, ['لاتشين']), (True, ['وقف', 'إطلاق', 'النار'])]
>>> fts5_query('Nagorno-Karabakh "peace talks"')
'"Nagorno" AND "Karabakh" AND "peace talks"'
>>> tantivy_query('drone strikes')
'+"drone" +"strikes"'
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

TOP = 10
_HARAKAT = re.compile(r"[\u064b-\u0652\u0670\u0640]")
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r'"([^"]*)"')


def query_items(q: str) -> list[tuple[bool, list[str]]]:
    """Split a query into (is_phrase, words) items: quoted phrases and single words."""
    q = _HARAKAT.sub("", q)
    items: list[tuple[bool, list[str]]] = []
    cursor = 0
    for m in _QUOTED.finditer(q):
        items += [(False, [w]) for w in _WORD.findall(q[cursor:m.start()])]
        words = _WORD.findall(m.group(1))
        if words:
            items.append((len(words) > 1, words))
        cursor = m.end()
    items += [(False, [w]) for w in _WORD.findall(q[cursor:])]
    return items


def fts5_query(q: str) -> str:
    return " AND ".join('"' + " ".join(words).replace('"', '""') + '"'
                        for _, words in query_items(q))


def tantivy_query(q: str) -> str:
    return " ".join('+"' + " ".join(words) + '"' for _, words in query_items(q))


def read_docs(corpus: Path):
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def folder_bytes(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------- indexing

def index_whoosh(corpus: Path, target: Path, procs: int = 1) -> dict:
    from whoosh import fields, index
    from whoosh.analysis import StandardAnalyzer

    target.mkdir(parents=True, exist_ok=True)
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(analyzer=StandardAnalyzer(), stored=True),
                           body=fields.TEXT(analyzer=StandardAnalyzer(), stored=True))
    ix = index.create_in(str(target), schema)
    writer = ix.writer(procs=procs, multisegment=True) if procs > 1 else ix.writer()
    n = 0
    for doc in read_docs(corpus):
        writer.add_document(id=doc["id"], title=doc["title"], body=doc["body"])
        n += 1
    writer.commit()
    return {"docs": n}


def index_fts5(corpus: Path, target: Path, procs: int = 1) -> dict:
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    db = sqlite3.connect(target)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
               "tokenize='unicode61 remove_diacritics 2')")
    n = 0
    with db:
        for doc in read_docs(corpus):
            db.execute("INSERT INTO docs (id, title, body) VALUES (?, ?, ?)",
                       (doc["id"], doc["title"], doc["body"]))
            n += 1
    db.close()
    return {"docs": n}


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("body", stored=True)
    return builder.build()


def index_tantivy(corpus: Path, target: Path, procs: int = 1) -> dict:
    import tantivy

    target.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(_tantivy_schema(), path=str(target))
    writer = ix.writer(heap_size=128_000_000, num_threads=procs)
    n = 0
    for doc in read_docs(corpus):
        writer.add_document(tantivy.Document(id=doc["id"], title=doc["title"], body=doc["body"]))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"docs": n}


INDEXERS = {"whoosh": index_whoosh, "fts5": index_fts5,
            "tantivy": index_tantivy}


# ---------------------------------------------------------------- searching

def _timed_passes(run_one, queries: list[str], repeats: int, warmup: int,
                  max_pass_seconds: float) -> dict:
    """Run the log ``repeats`` times after ``warmup`` queries; per pass, the wall ms and
    the CPU ms (of this thread: less sensitive to other work on the machine) of each."""
    for q in queries[:warmup]:
        run_one(q)
    passes, cpu_passes = [], []
    hits = 0
    for _ in range(repeats):
        started = time.perf_counter()
        times, cpu = [], []
        for q in queries:
            t0, c0 = time.perf_counter(), time.thread_time()
            hits += run_one(q)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            if time.perf_counter() - started > max_pass_seconds:
                break
        passes.append(times)
        cpu_passes.append(cpu)
    return {"passes": passes, "cpu_passes": cpu_passes, "hits": hits}


def search_whoosh(target: Path, queries: list[str], repeats: int, warmup: int,
                  max_pass_seconds: float, modes: tuple[str, ...] = ()) -> dict:
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(target))
    parser = MultifieldParser(["title", "body"], ix.schema)
    out = {}
    searcher = ix.searcher()

    def reused(q: str, highlights: bool = False) -> int:
        results = searcher.search(parser.parse(q), limit=TOP)
        total = len(results)
        for hit in results:
            _ = hit["id"], hit["title"]
            if highlights:
                _ = hit.highlights("body")
        return total

    def per_request(q: str) -> int:
        with ix.searcher() as s:
            results = s.search(parser.parse(q), limit=TOP)
            total = len(results)
            for hit in results:
                _ = hit["id"], hit["title"]
            return total

    runs = {"reused": reused, "reused_highlights": lambda q: reused(q, True),
            "per_request": per_request}
    for mode, run_one in runs.items():
        if not modes or mode in modes:
            out[mode] = _timed_passes(run_one, queries, repeats, warmup, max_pass_seconds)
    searcher.close()
    return out


def search_fts5(target: Path, queries: list[str], repeats: int, warmup: int,
                max_pass_seconds: float) -> dict:
    import sqlite3

    db = sqlite3.connect(target)

    def plain(q: str) -> int:
        expr = fts5_query(q)
        if not expr:
            return 0
        rows = db.execute("SELECT id, title FROM docs WHERE docs MATCH ? ORDER BY rank "
                          "LIMIT ?", (expr, TOP)).fetchall()
        return len(rows)

    def snippets(q: str) -> int:
        expr = fts5_query(q)
        if not expr:
            return 0
        rows = db.execute("SELECT id, title, snippet(docs, 2, '<mark>', '</mark>', '…', 32) "
                          "FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                          (expr, TOP)).fetchall()
        return len(rows)

    return {"reused": _timed_passes(plain, queries, repeats, warmup, max_pass_seconds),
            "reused_highlights": _timed_passes(snippets, queries, repeats, warmup,
                                               max_pass_seconds)}


def search_tantivy(target: Path, queries: list[str], repeats: int, warmup: int,
                   max_pass_seconds: float) -> dict:
    import tantivy

    ix = tantivy.Index.open(str(target))
    ix.reload()
    searcher = ix.searcher()
    schema = ix.schema

    def run(q: str, snippets: bool = False) -> int:
        expr = tantivy_query(q)
        if not expr:
            return 0
        query = ix.parse_query(expr, ["title", "body"])
        result = searcher.search(query, TOP)
        generator = (tantivy.SnippetGenerator.create(searcher, query, schema, "body")
                     if snippets else None)
        for _score, address in result.hits:
            doc = searcher.doc(address)
            _ = doc["id"], doc["title"]
            if generator is not None:
                _ = generator.snippet_from_doc(doc).to_html()
        return result.count or 0

    return {"reused": _timed_passes(run, queries, repeats, warmup, max_pass_seconds),
            "reused_highlights": _timed_passes(lambda q: run(q, True), queries, repeats,
                                               warmup, max_pass_seconds)}


SEARCHERS = {"whoosh": search_whoosh, "fts5": search_fts5, "tantivy": search_tantivy}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.engines")
    jobs = parser.add_subparsers(dest="job", required=True)
    ix = jobs.add_parser("index")
    ix.add_argument("engine", choices=sorted(INDEXERS))
    ix.add_argument("corpus", type=Path)
    ix.add_argument("target", type=Path)
    ix.add_argument("--procs", type=int, default=1)
    se = jobs.add_parser("search")
    se.add_argument("engine", choices=sorted(SEARCHERS))
    se.add_argument("target", type=Path)
    se.add_argument("queries", type=Path)
    se.add_argument("--repeats", type=int, default=3)
    se.add_argument("--warmup", type=int, default=50)
    se.add_argument("--max-pass-seconds", type=float, default=120.0)
    se.add_argument("--modes", default="",
                    help="stock Whoosh only: comma-separated modes to run (default all)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.job == "index":
        out = INDEXERS[args.engine](args.corpus, args.target, args.procs)
        out["inner_seconds"] = time.perf_counter() - started
        out["bytes"] = folder_bytes(args.target)
    else:
        from .queries import load_queries

        queries = [q for _, q in load_queries(args.queries)]
        extra = {"modes": tuple(filter(None, args.modes.split(",")))} if args.modes else {}
        out = SEARCHERS[args.engine](args.target, queries, args.repeats, args.warmup,
                                     args.max_pass_seconds, **extra)
    out["pid"] = os.getpid()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
