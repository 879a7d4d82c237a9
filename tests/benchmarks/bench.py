# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark Fahras against stock Whoosh, SQLite FTS5 and tantivy (issue 6).

::

    .venv/bin/python -m tests.benchmarks.bench --size 10000 [--size 100000 ...]
        [--repeats 3] [--index-repeats N] [--only PART,...] [--skip PART,...]
        [--refs all|fast|none] [--seconds 20] [--clients 1,8,32] [--out FILE]

PARTs, in the order they run: ``index`` (Fahras's build command, Fahras under a
parallel writer, and the reference engines), ``refsearch`` (the reference engines'
queries), ``service`` (gunicorn: start-up, memory, latency with and without
snippets, throughput; and the app in-process), ``profile`` (pyinstrument). The
corpus and the query log are made first when missing (``var/bench/``). Each size's
results are merged into ``var/bench/results-<size>.json`` (a part that did not run
keeps its previous figures) and printed as a table, with the ratios and the
issue's targets; with results of several sizes present, a growth table follows.

``--refs fast`` skips stock Whoosh's single-process build (about ten minutes at
100k; its search reference uses the procs=2 index), ``--refs none`` every reference.
Every job runs in its own process with a time limit (``--timeout``).
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .corpus import BENCH_DIR, ROOT, ensure_corpus
from .http_load import Service, latency_pass, summary, throughput
from .queries import ensure_queries, queries_path

PYTHON = ROOT / ".venv" / "bin" / "python"
PARTS = ("index", "refsearch", "service", "profile", "costly")
#: The issue's figures for stock Whoosh, tantivy and FTS5 on this kind of machine.
ISSUE_REFERENCE = {"whoosh_docs_s": 182, "whoosh_mp_docs_s": 318, "whoosh_p50_ms": 23,
                   "whoosh_p95_ms": 111, "tantivy_docs_s": 4209, "tantivy_p50_ms": 0.42,
                   "fts5_docs_s": 5243, "fts5_p50_ms": 7.4}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- subprocesses

def run_measured(cmd: list[str], timeout: float) -> dict:
    """Run ``cmd`` (cwd: the project): wall seconds, CPU seconds (user + system of the
    process and the children it waited for), peak RSS of its process tree, output."""
    import psutil

    out_path = BENCH_DIR / "job.out"
    timed_out = False
    with out_path.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        peak = 0
        root = psutil.Process(process.pid)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            try:
                rss = root.memory_info().rss + sum(
                    c.memory_info().rss for c in root.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            if time.perf_counter() - started > timeout:
                timed_out = True
                try:
                    for child in root.children(recursive=True):
                        child.kill()
                except psutil.Error:
                    pass
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    process.returncode = None if timed_out else os.waitstatus_to_exitcode(status)
    output = out_path.read_text(errors="replace")
    return {"timeout": timed_out, "seconds": seconds,
            "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": peak / 2**20,
            "returncode": process.returncode,
            "output": output[-2000:] if timed_out else output}


def last_json(output: str) -> dict:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON in the job's output:\n{output[-2000:]}")


def folder_bytes(path: Path) -> int:
    path = Path(path).resolve()
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def remove(path: Path) -> None:
    """Remove an index (a folder, a file, or Fahras's link and its versions)."""
    for candidate in [path, *path.parent.glob(path.name + "@*")]:
        if candidate.is_symlink() or candidate.is_file():
            candidate.unlink()
        elif candidate.is_dir():
            shutil.rmtree(candidate)


# ---------------------------------------------------------------- indexing

def index_paths(size: int) -> dict[str, Path]:
    return {"fahras": BENCH_DIR / f"fahras-{size}",
            "fahras-mp": BENCH_DIR / f"fahras-mp-{size}",
            "fahras-xapian": BENCH_DIR / f"fahras-xapian-{size}",
            "fahras-xapian-shards": BENCH_DIR / f"fahras-xapian-shards-{size}",
            "whoosh": BENCH_DIR / f"whoosh-{size}",
            "whoosh-mp": BENCH_DIR / f"whoosh-mp-{size}",
            "fts5": BENCH_DIR / f"fts5-{size}.sqlite",
            "tantivy": BENCH_DIR / f"tantivy-{size}",
            "tantivy-mt": BENCH_DIR / f"tantivy-mt-{size}"}


def index_jobs(size: int, corpus: Path, refs: str) -> list[tuple[str, list[str], Path]]:
    paths = index_paths(size)
    engines = [str(PYTHON), "-m", "tests.benchmarks.engines", "index"]
    build = [str(PYTHON), "-m", "index", "build", str(corpus), "--rebuild", "--quiet",
             "--skip-invalid", "--index-dir"]
    jobs = [("fahras", build + [str(paths["fahras"]), "--procs", "1"], paths["fahras"]),
            ("fahras-mp", build + [str(paths["fahras-mp"]), "--procs", "2"],
             paths["fahras-mp"]),
            ("fahras-xapian", build + [str(paths["fahras-xapian"]), "--procs", "2",
                                       "--engine", "xapian"], paths["fahras-xapian"]),
            ("fahras-xapian-shards", build + [str(paths["fahras-xapian-shards"]),
                                              "--engine", "xapian", "--shards", "3"],
             paths["fahras-xapian-shards"])]
    if refs == "all":
        jobs.append(("whoosh", engines + ["whoosh", str(corpus), str(paths["whoosh"])],
                     paths["whoosh"]))
    if refs in ("all", "fast"):
        jobs += [("whoosh-mp", engines + ["whoosh", str(corpus), str(paths["whoosh-mp"]),
                                          "--procs", "2"], paths["whoosh-mp"]),
                 ("fts5", engines + ["fts5", str(corpus), str(paths["fts5"])], paths["fts5"]),
                 ("tantivy", engines + ["tantivy", str(corpus), str(paths["tantivy"]),
                                        "--procs", "1"], paths["tantivy"]),
                 ("tantivy-mt", engines + ["tantivy", str(corpus), str(paths["tantivy-mt"]),
                                           "--procs", "2"], paths["tantivy-mt"])]
    return jobs


def run_indexing(size: int, corpus: Path, repeats: int, refs: str, timeout: float,
                 engines: set[str] | None = None) -> dict:
    """Build with every engine (or those in ``engines``), ``repeats`` rounds; within a
    round the engines take turns, so that each faces about the same load from other
    work on the machine."""
    jobs = [job for job in index_jobs(size, corpus, refs) if engines is None or job[0] in engines]
    runs: dict[str, list] = {name: [] for name, _, _ in jobs}
    failed: set[str] = set()
    for r in range(repeats):
        for name, cmd, target in jobs:
            if name in failed:
                continue
            remove(target)
            log(f"index {name} ({size} docs), round {r + 1}/{repeats}")
            result = run_measured(cmd, timeout)
            run = {"seconds": result["seconds"], "cpu_seconds": result["cpu_seconds"],
                   "peak_rss_mb": result["peak_rss_mb"], "timeout": result["timeout"],
                   "returncode": result["returncode"], "loadavg_after": os.getloadavg()[0]}
            runs[name].append(run)
            if result["timeout"] or result["returncode"] != 0:
                log(f"  failed: {result['output'][-500:]}")
                failed.add(name)
                continue
            run["bytes"] = folder_bytes(target)
            if name in ("fahras", "fahras-mp", "fahras-xapian", "fahras-xapian-shards"):
                line = [x for x in result["output"].splitlines() if " added, " in x]
                run["summary"] = line[-1] if line else ""
                run["rejected"] = sum(1 for x in result["output"].splitlines()
                                      if x.startswith("rejected:"))
            else:
                run["inner_seconds"] = last_json(result["output"])["inner_seconds"]
            log(f"  {size / run['seconds']:.0f} docs/s ({size / run['cpu_seconds']:.0f} per "
                f"CPU-s), {run['peak_rss_mb']:.0f} MB peak, {run['bytes'] / 2**20:.0f} MB, "
                f"load {run['loadavg_after']:.1f}")
    out = {}
    for name, entries in runs.items():
        ok = [r for r in entries if not r["timeout"] and r["returncode"] == 0]
        entry = {"runs": entries}
        if ok:
            entry.update({
                "seconds": statistics.median(r["seconds"] for r in ok),
                "docs_per_s": statistics.median(size / r["seconds"] for r in ok),
                "docs_per_cpu_s": statistics.median(size / r["cpu_seconds"] for r in ok),
                "bytes_per_doc": statistics.median(r["bytes"] for r in ok) / size,
                "index_mb": statistics.median(r["bytes"] for r in ok) / 2**20,
                "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
            })
        out[name] = entry
    return out


# ---------------------------------------------------------------- searching

def _passes_summary(passes: list[list[float]]) -> dict:
    """Median over passes of each pass's p50/p95/p99, and the first pass's (a query's
    first sight in a worker: what most queries of a real log are) beside the later
    passes' median."""
    per = [summary(p) for p in passes if p]
    if not per:
        return {}

    def median_of(some: list[dict]) -> dict:
        return {key: statistics.median(s[key] for s in some) for key in ("p50", "p95", "p99")}
    out = median_of(per) | {"queries": per[0]["n"], "passes": len(per)}
    out["first_pass"] = median_of(per[:1])
    if len(per) > 1:
        out["later_passes"] = median_of(per[1:])
    return out


def _by_category(passes: list[list[float]], categories: list[str]) -> dict:
    """p50 per query category (median over passes); each pass follows the log's order."""
    out = {}
    for category in sorted(set(categories)):
        medians = []
        for times in passes:
            values = [t for t, c in zip(times, categories) if c == category]
            if values:
                medians.append(summary(values)["p50"])
        if medians:
            out[category] = statistics.median(medians)
    return out


def _cpu_summary(passes: list[list[float]]) -> dict:
    """Median over passes of the CPU ms per query: p50 and mean."""
    per = [p for p in passes if p]
    if not per:
        return {}
    return {"cpu_p50": statistics.median(summary(p)["p50"] for p in per),
            "cpu_mean": statistics.median(sum(p) / len(p) for p in per)}


def run_refsearch(size: int, queries: Path, repeats: int, refs: str, timeout: float) -> dict:
    from .queries import load_queries

    paths = index_paths(size)
    out = {}
    if refs == "none":
        return out
    categories = [c for c, _ in load_queries(queries)]
    for name, target in (("whoosh", _stock_index(size)), ("fts5", paths["fts5"]),
                         ("tantivy", paths["tantivy"])):
        if not target.exists():
            log(f"refsearch {name}: no index at {target}, skipped")
            continue
        log(f"refsearch {name} ({target.name})")
        result = run_measured([str(PYTHON), "-m", "tests.benchmarks.engines", "search", name,
                               str(target), str(queries), "--repeats", str(repeats)], timeout)
        if result["timeout"] or result["returncode"] != 0:
            log(f"  failed: {result['output'][-500:]}")
            continue
        data = last_json(result["output"])
        entry = {"index": target.name}
        if "reused" in data:
            entry["p50_by_category"] = _by_category(data["reused"]["passes"], categories)
        for mode, value in data.items():
            if isinstance(value, dict) and "passes" in value:
                entry[mode] = _passes_summary(value["passes"]) | _cpu_summary(value["cpu_passes"])
                log(f"  {mode}: p50 {entry[mode]['p50']:.2f} ms, p95 {entry[mode]['p95']:.2f} ms, "
                    f"CPU mean {entry[mode]['cpu_mean']:.2f} ms")
        out[name] = entry
    return out


def _busy_seconds() -> float:
    import psutil

    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0)


def run_service(size: int, queries_file: Path, repeats: int, seconds: float,
                clients: list[int], workers: int, timeout: float,
                build: str = "fahras") -> dict:
    from .queries import load_queries

    index_dir = index_paths(size)[build]
    log_entries = load_queries(queries_file)
    queries = [q for _, q in log_entries]
    categories = [c for c, _ in log_entries]
    out: dict = {"workers": workers, "index": build, "loadavg_at_start": os.getloadavg()}
    # start-up, several times (the last service stays up for the measurements)
    startups = []
    for i in range(repeats):
        service = Service(index_dir, workers=workers, log_name=f"gunicorn-{size}")
        try:
            startups.append(service.start())
            time.sleep(0.5)
            if i == 0:
                out["memory_at_start"] = service.memory()
        finally:
            service.stop()
    out["startup_s"] = {"runs": startups, "median": statistics.median(startups)}
    log(f"service start-up: {startups}")
    for label, app in (("snippets", "wsgi:app"),
                       ("no_snippets", "tests.benchmarks.wsgi_nosnippets:app")):
        with Service(index_dir, app=app, workers=workers, log_name=f"gunicorn-{size}") as service:
            service.start()
            latency_pass(service.port, queries[:50])           # warm both workers
            passes, took, errors, cpu, stock = [], [], 0, [], []
            for r in range(repeats):
                log(f"latency {label}, pass {r + 1}/{repeats}")
                before = service.cpu_seconds()
                result = latency_pass(service.port, queries, max_seconds=timeout / 4)
                cpu.append((service.cpu_seconds() - before) * 1000 / len(result["ms"]))
                passes.append(result["ms"])
                took.append(result["took_ms"])
                errors += result["errors"]
                if label == "snippets":
                    stock.append(_stock_pass(size, queries_file, timeout))
            out[f"latency_{label}"] = _passes_summary(passes) | {
                "errors": errors, "server_cpu_ms_per_request": statistics.median(cpu)}
            if any(stock):
                out["stock_interleaved"] = _interleaved(passes, stock)
                log(f"  stock Whoosh between the passes: p50 "
                    f"{out['stock_interleaved']['stock_p50']:.2f} ms, ratio of each pair "
                    f"{', '.join(f'{x:.2f}' for x in out['stock_interleaved']['ratios'])}")
            if errors:
                log(f"  warning: {errors} requests did not answer 200 (see {service.log_path})")
            out[f"took_ms_{label}"] = _passes_summary(took)
            out[f"p50_by_category_{label}"] = _by_category(passes, categories)
            log(f"  p50 {out[f'latency_{label}']['p50']:.1f} ms, "
                f"p95 {out[f'latency_{label}']['p95']:.1f} ms")
            if label == "snippets":
                out["memory_after_latency"] = service.memory()
                tp = {}
                for n in clients:
                    log(f"throughput, {n} clients, {seconds:.0f} s")
                    workers_before, machine_before = service.cpu_seconds(), _busy_seconds()
                    tp[str(n)] = throughput(service.port, queries, n, seconds)
                    elapsed = tp[str(n)]["seconds"]
                    # cores kept busy by the workers, and by everything on the machine
                    # (the client threads and any other work): shows contention
                    tp[str(n)]["workers_cores"] = (service.cpu_seconds() - workers_before) / elapsed
                    tp[str(n)]["machine_cores"] = (_busy_seconds() - machine_before) / elapsed
                    log(f"  {tp[str(n)]['rps']:.1f} req/s, p50 {tp[str(n)]['p50']:.1f} ms, "
                        f"workers {tp[str(n)]['workers_cores']:.2f} cores, machine "
                        f"{tp[str(n)]['machine_cores']:.2f} cores busy")
                out["throughput"] = tp
                out["memory_after_throughput"] = service.memory()
    log("in-process latency (Flask test client)")
    result = run_measured([str(PYTHON), "-m", "tests.benchmarks.profiling", "inprocess",
                           str(index_dir), str(queries_file), "--repeats", str(repeats)],
                          timeout)
    if not result["timeout"] and result["returncode"] == 0:
        passes = last_json(result["output"])["passes"]
        out["inprocess"] = {k: statistics.median(p[k] for p in passes)
                            for k in ("p50", "p95", "p99", "cpu_p50", "cpu_p95", "cpu_mean")}
        out["inprocess"]["peak_rss_mb"] = result["peak_rss_mb"]
    else:
        log(f"  failed: {result['output'][-500:]}")
    return out


def _stock_pass(size: int, queries_file: Path, timeout: float) -> list[float]:
    """One pass of the log through stock Whoosh (reused searcher, after its 50 warm-up
    queries), run right after a pass of the API: drift of the machine's speed
    between the reference part and the service part does not enter the ratio."""
    target = _stock_index(size)
    if not target.exists():
        return []
    result = run_measured([str(PYTHON), "-m", "tests.benchmarks.engines", "search", "whoosh",
                           str(target), str(queries_file), "--repeats", "1",
                           "--modes", "reused"], timeout)
    if result["timeout"] or result["returncode"] != 0:
        log(f"  stock pass failed: {result['output'][-300:]}")
        return []
    return last_json(result["output"])["reused"]["passes"][0]


def _stock_index(size: int) -> Path:
    """Stock Whoosh's single-process index (one segment) when there is one, else its
    ``procs=2`` index: the reference of the search figures."""
    paths = index_paths(size)
    return paths["whoosh"] if any(paths["whoosh"].glob("*.toc")) else paths["whoosh-mp"]


def _interleaved(passes: list[list[float]], stock: list[list[float]]) -> dict:
    """The API's p50 over stock Whoosh's p50 of the pass run right after it, each pair;
    the median of those ratios is the pipeline's cost over a bare stock query (a
    pass whose stock run failed is left out).

    >>> r = _interleaved([[10, 12, 14], [9, 9, 9], [8, 8, 8]], [[5, 6, 7], [], [4, 4, 4]])
    >>> r["ratios"], r["ratio"], r["stock_p50"]
    ([2.0, 2.0], 2.0, 5.0)
    """
    pairs = [(summary(a)["p50"], summary(b)["p50"]) for a, b in zip(passes, stock) if a and b]
    ratios = [a / b for a, b in pairs]
    return {"api_p50": [a for a, _ in pairs], "stock_p50_passes": [b for _, b in pairs],
            "stock_p50": statistics.median(b for _, b in pairs),
            "ratios": ratios, "ratio": statistics.median(ratios)}


def run_profile(size: int, corpus: Path, queries: Path, timeout: float,
                build: str = "fahras") -> dict:
    out = {}
    index_dir = index_paths(size)[build]
    for name, cmd in (
            ("search", [str(PYTHON), "-m", "tests.benchmarks.profiling", "search",
                        str(index_dir), str(queries), "--count", "200", "--out",
                        str(BENCH_DIR / f"profile-search-{size}.txt")]),
            ("index", [str(PYTHON), "-m", "tests.benchmarks.profiling", "index", str(corpus),
                       "--count", "2000", "--out", str(BENCH_DIR / f"profile-index-{size}.txt")])):
        log(f"profile {name}")
        result = run_measured(cmd, timeout)
        if result["timeout"] or result["returncode"] != 0:
            log(f"  failed: {result['output'][-500:]}")
            continue
        out[name] = last_json(result["output"])
    return out


def run_costly(size: int, corpus: Path, timeout: float, build: str = "fahras") -> dict:
    """``tests.benchmarks.costly`` on the served build in its own process: the worst
    time of costly queries (first sight and repeats)."""
    out_file = BENCH_DIR / f"costly-{size}.json"
    log("costly queries")
    result = run_measured([str(PYTHON), "-m", "tests.benchmarks.costly",
                           str(index_paths(size)[build]), "--corpus", str(corpus),
                           "--out", str(out_file)], timeout)
    if result["timeout"] or result["returncode"] != 0:
        log(f"  failed: {result['output'][-500:]}")
        return {}
    return json.loads(out_file.read_text())


# ---------------------------------------------------------------- ratios, targets, tables

def _get(d: dict, *keys, default=None):
    for key in keys:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def _ratio(a, b):
    return a / b if a is not None and b else None


def ratios_and_targets(results: dict) -> tuple[dict, list[dict]]:
    ix = results.get("indexing", {})
    ref = results.get("refsearch", {})
    svc = results.get("service", {})
    fahras_rate = _get(ix, "fahras", "docs_per_s")
    stock_rate = _get(ix, "whoosh", "docs_per_s")
    stock_p50 = _get(ref, "whoosh", "reused", "p50")
    stock_p95 = _get(ref, "whoosh", "reused", "p95")
    api_p50 = _get(svc, "latency_snippets", "p50")
    api_p95 = _get(svc, "latency_snippets", "p95")
    ratios = {
        "index_docs_s_fahras/whoosh": _ratio(fahras_rate, stock_rate),
        "index_docs_s_fahras_mp/whoosh": _ratio(_get(ix, "fahras-mp", "docs_per_s"),
                                                stock_rate),
        "index_docs_s_fahras_mp/whoosh_mp": _ratio(_get(ix, "fahras-mp", "docs_per_s"),
                                                   _get(ix, "whoosh-mp", "docs_per_s")),
        "index_docs_s_fahras/fts5": _ratio(fahras_rate, _get(ix, "fts5", "docs_per_s")),
        "index_docs_s_fahras/tantivy": _ratio(fahras_rate, _get(ix, "tantivy", "docs_per_s")),
        "bytes_per_doc_fahras/whoosh": _ratio(_get(ix, "fahras", "bytes_per_doc"),
                                              _get(ix, "whoosh", "bytes_per_doc")
                                              or _get(ix, "whoosh-mp", "bytes_per_doc")),
        "p50_api/whoosh": _ratio(api_p50, stock_p50),
        "p50_api/whoosh_interleaved": _get(svc, "stock_interleaved", "ratio"),
        "p95_api/whoosh": _ratio(api_p95, stock_p95),
        "p50_inprocess/whoosh": _ratio(_get(svc, "inprocess", "p50"), stock_p50),
        "p50_api/whoosh_highlights": _ratio(api_p50, _get(ref, "whoosh", "reused_highlights",
                                                          "p50")),
        "p50_api/whoosh_per_request": _ratio(api_p50, _get(ref, "whoosh", "per_request", "p50")),
        "p50_api/fts5": _ratio(api_p50, _get(ref, "fts5", "reused", "p50")),
        "p50_api/tantivy": _ratio(api_p50, _get(ref, "tantivy", "reused", "p50")),
        "index_docs_per_cpu_s_fahras/whoosh": _ratio(_get(ix, "fahras", "docs_per_cpu_s"),
                                                     _get(ix, "whoosh", "docs_per_cpu_s")),
        "cpu_p50_inprocess/whoosh": _ratio(_get(svc, "inprocess", "cpu_p50"),
                                           _get(ref, "whoosh", "reused", "cpu_p50")),
        "cpu_mean_inprocess/whoosh": _ratio(_get(svc, "inprocess", "cpu_mean"),
                                            _get(ref, "whoosh", "reused", "cpu_mean")),
        "cpu_mean_server/whoosh": _ratio(_get(svc, "latency_snippets",
                                              "server_cpu_ms_per_request"),
                                         _get(ref, "whoosh", "reused", "cpu_mean")),
        "p50_snippet_share": (_ratio(api_p50 - _get(svc, "latency_no_snippets", "p50"), api_p50)
                              if api_p50 and _get(svc, "latency_no_snippets", "p50") else None),
    }
    workers = _get(svc, "memory_after_throughput", "workers", default=[]) or []
    after_latency = _get(svc, "memory_after_latency", "workers", default=[]) or []
    rss = max((w["rss_mb"] for w in workers), default=None)
    rss_before = max((w["rss_mb"] for w in after_latency), default=None)
    growth = _ratio(rss, rss_before)
    rps8 = _get(svc, "throughput", "8", "rps")
    startup = _get(svc, "startup_s", "median")
    targets = [
        {"target": "indexing >= 2.5x stock Whoosh single-process (Fahras --procs 2)",
         "value": ratios["index_docs_s_fahras_mp/whoosh"], "limit": 2.5, "op": ">="},
        {"target": "same, Fahras in one process",
         "value": ratios["index_docs_s_fahras/whoosh"], "limit": 2.5, "op": ">="},
        {"target": "search API p50 <= 20 ms (snippets, expansions)", "value": api_p50,
         "limit": 20, "op": "<="},
        {"target": "search API p95 <= 80 ms", "value": api_p95, "limit": 80, "op": "<="},
        {"target": f">= 100 req/s at 8 clients, {svc.get('workers', 2)} workers", "value": rps8,
         "limit": 100, "op": ">="},
        {"target": "Fahras p50 <= 1.5x bare stock-Whoosh p50 (stock pass after each API "
                   "pass)", "value": ratios["p50_api/whoosh_interleaved"],
         "limit": 1.5, "op": "<="},
        {"target": "same, stock from the reference part", "value": ratios["p50_api/whoosh"],
         "limit": 1.5, "op": "<="},
        {"target": "start-up < 2 s", "value": startup, "limit": 2.0, "op": "<"},
        {"target": "worker RSS stated and bounded (MB; <= 10% growth under load)",
         "value": rss, "limit": None, "op": "stated", "growth": growth},
    ]
    for t in targets:
        v = t["value"]
        if v is None:
            t["pass"] = None
        elif t["op"] == ">=":
            t["pass"] = v >= t["limit"]
        elif t["op"] == "<=":
            t["pass"] = v <= t["limit"]
        elif t["op"] == "<":
            t["pass"] = v < t["limit"]
        else:
            t["pass"] = growth is not None and growth <= 1.10
    return ratios, targets


def _fmt(v, digits=1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def render(results: dict) -> str:
    size = results["size"]
    ix = results.get("indexing", {})
    ref = results.get("refsearch", {})
    svc = results.get("service", {})
    lines = [f"== Fahras benchmark, {size:,} documents ({results.get('finished', '')}, "
             f"{results.get('machine', {}).get('cpus', '?')} cores) =="]
    lines.append("")
    lines.append(f"{'indexing':<34}{'docs/s':>10}{'/CPU-s':>9}{'s':>9}{'KB/doc':>9}"
                 f"{'index MB':>10}{'peak MB':>9}{'runs':>6}")
    names = {"fahras": "Fahras build (1 process)", "fahras-mp": "Fahras build, --procs 2",
             "fahras-xapian": "Fahras on Xapian, --procs 2",
             "fahras-xapian-shards": "Fahras on Xapian, 3 shards",
             "whoosh": "stock Whoosh, 1 process", "whoosh-mp": "stock Whoosh, procs=2",
             "fts5": "SQLite FTS5", "tantivy": "tantivy, 1 thread",
             "tantivy-mt": "tantivy, 2 threads"}
    for key, label in names.items():
        e = ix.get(key)
        if not e or "docs_per_s" not in e:
            continue
        lines.append(f"{label:<34}{_fmt(e['docs_per_s'], 0):>10}"
                     f"{_fmt(e.get('docs_per_cpu_s'), 0):>9}{_fmt(e['seconds']):>9}"
                     f"{_fmt(e['bytes_per_doc'] / 1024, 2):>9}{_fmt(e['index_mb']):>10}"
                     f"{_fmt(e['peak_rss_mb'], 0):>9}{len(e['runs']):>6}")
    lines.append("")
    lines.append(f"{'search latency, 1 client (ms)':<44}{'p50':>9}{'p95':>9}{'p99':>9}"
                 f"{'CPU p50':>9}{'CPU mean':>9}")
    rows = [("Fahras API via gunicorn, snippets", svc.get("latency_snippets")),
            ("Fahras API via gunicorn, no snippets", svc.get("latency_no_snippets")),
            ("  server-side took_ms (run_search)", svc.get("took_ms_snippets")),
            ("Fahras app in-process (no HTTP)", svc.get("inprocess")),
            ("stock Whoosh, reused searcher", _get(ref, "whoosh", "reused")),
            ("  the same, one pass after each API pass",
             {"p50": _get(svc, "stock_interleaved", "stock_p50")}
             if svc.get("stock_interleaved") else None),
            ("stock Whoosh, reused + highlights", _get(ref, "whoosh", "reused_highlights")),
            ("stock Whoosh, searcher per query", _get(ref, "whoosh", "per_request")),
            ("SQLite FTS5", _get(ref, "fts5", "reused")),
            ("SQLite FTS5 + snippet()", _get(ref, "fts5", "reused_highlights")),
            ("tantivy", _get(ref, "tantivy", "reused")),
            ("tantivy + snippets", _get(ref, "tantivy", "reused_highlights"))]
    for label, s in rows:
        if s:
            cpu_mean = s.get("cpu_mean", s.get("server_cpu_ms_per_request"))
            lines.append(f"{label:<44}{_fmt(s.get('p50'), 2):>9}{_fmt(s.get('p95'), 2):>9}"
                         f"{_fmt(s.get('p99'), 2):>9}{_fmt(s.get('cpu_p50'), 2):>9}"
                         f"{_fmt(cpu_mean, 2):>9}")
            for part, name in (("first_pass", "first pass"), ("later_passes", "later passes")):
                if s.get(part) and label.startswith("Fahras API"):
                    lines.append(f"{'    ' + name:<44}{_fmt(s[part]['p50'], 2):>9}"
                                 f"{_fmt(s[part]['p95'], 2):>9}{_fmt(s[part]['p99'], 2):>9}")
    by_category = svc.get("p50_by_category_snippets")
    if by_category:
        stock = _get(ref, "whoosh", "p50_by_category") or {}
        bare = svc.get("p50_by_category_no_snippets") or {}
        lines.append("  p50 ms by query category: API with snippets / without / stock Whoosh")
        for category, value in by_category.items():
            lines.append(f"    {category:<14}{_fmt(value, 1):>9}{_fmt(bare.get(category), 1):>9}"
                         f"{_fmt(stock.get(category), 2):>9}")
    if svc.get("throughput"):
        lines.append("")
        lines.append(f"{'throughput (snippets, ' + str(svc.get('workers')) + ' workers)':<44}"
                     f"{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
                     f"{'workers':>9}{'machine':>9}")
        for n, t in svc["throughput"].items():
            lines.append(f"{n + ' clients':<44}{_fmt(t['rps']):>9}{_fmt(t['p50']):>9}"
                         f"{_fmt(t['p95']):>9}{t['errors']:>8}"
                         f"{_fmt(t.get('workers_cores'), 2):>9}{_fmt(t.get('machine_cores'), 2):>9}")
        lines.append("  (workers, machine: CPU cores kept busy by the gunicorn workers and by "
                     "the whole machine during the run)")
    if svc.get("startup_s"):
        lines.append("")
        runs = ", ".join(f"{s:.2f}" for s in svc["startup_s"]["runs"])
        lines.append(f"service start-up (launch -> /api/health 200): median "
                     f"{svc['startup_s']['median']:.2f} s ({runs})")
        for label in ("memory_at_start", "memory_after_latency", "memory_after_throughput"):
            m = svc.get(label)
            if m:
                ws = "; ".join(f"RSS {w['rss_mb']:.0f} / PSS {w['pss_mb']:.0f} / USS "
                               f"{w['uss_mb']:.0f}" for w in m["workers"])
                lines.append(f"  {label.replace('_', ' ')}: workers (MB) {ws}; "
                             f"master RSS {m['master_rss_mb']:.0f}")
        if svc.get("inprocess"):
            lines.append(f"  in-process app peak RSS {svc['inprocess']['peak_rss_mb']:.0f} MB")
    ratios, targets = results.get("ratios", {}), results.get("targets", [])
    if ratios:
        lines.append("")
        lines.append("ratios (Fahras / reference; docs/s: higher is better; "
                     "latency: lower is better)")
        for k, v in ratios.items():
            if v is not None:
                lines.append(f"  {k:<40}{v:>9.2f}")
    if targets:
        lines.append("")
        lines.append("targets (the issue sets them at 100k documents)")
        for t in targets:
            mark = {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]
            extra = (f" (growth under load x{t['growth']:.2f})"
                     if t.get("growth") is not None else "")
            lines.append(f"  [{mark}] {t['target']}: {_fmt(t['value'], 2)}{extra}")
    if results.get("profile"):
        for name, p in results["profile"].items():
            lines.append("")
            what = (f"{p.get('queries')} queries in-process" if name == "search"
                    else f"indexing {p.get('documents')} documents in-process, "
                         f"{p.get('docs_per_s', 0):.0f} docs/s")
            lines.append(f"profile {name} ({what}, {p['seconds']:.1f} s; "
                         f"time of its own, top 15)")
            lines += ["  " + line for line in p["top"]]
            if p.get("top_total"):
                lines.append(f"profile {name}: time including callees, top 15")
                lines += ["  " + line for line in p["top_total"]]
    if results.get("costly", {}).get("worst"):
        lines.append("")
        lines.append("costly queries: worst time (p100) by pass and kind, ms")
        for name, worst in results["costly"]["worst"].items():
            lines.append(f"  {name:<8}" + "  ".join(f"{k} {v:,.0f}" for k, v in worst.items()))
    return "\n".join(lines)


GROWTH = [("Fahras build docs/s", ("indexing", "fahras", "docs_per_s")),
          ("Fahras procs=2 docs/s", ("indexing", "fahras-mp", "docs_per_s")),
          ("Fahras build docs/CPU-s", ("indexing", "fahras", "docs_per_cpu_s")),
          ("stock Whoosh docs/s", ("indexing", "whoosh", "docs_per_s")),
          ("stock Whoosh docs/CPU-s", ("indexing", "whoosh", "docs_per_cpu_s")),
          ("stock Whoosh procs=2 docs/s", ("indexing", "whoosh-mp", "docs_per_s")),
          ("Fahras KB/doc", ("indexing", "fahras", "bytes_per_doc")),
          ("Fahras build peak MB", ("indexing", "fahras", "peak_rss_mb")),
          ("API p50 ms", ("service", "latency_snippets", "p50")),
          ("API p95 ms", ("service", "latency_snippets", "p95")),
          ("API p99 ms", ("service", "latency_snippets", "p99")),
          ("API p50 no snippets ms", ("service", "latency_no_snippets", "p50")),
          ("stock Whoosh p50 ms", ("refsearch", "whoosh", "reused", "p50")),
          ("stock Whoosh p95 ms", ("refsearch", "whoosh", "reused", "p95")),
          ("server CPU ms/request", ("service", "latency_snippets", "server_cpu_ms_per_request")),
          ("stock Whoosh CPU ms/query", ("refsearch", "whoosh", "reused", "cpu_mean")),
          ("req/s, 8 clients", ("service", "throughput", "8", "rps")),
          ("start-up s", ("service", "startup_s", "median")),
          ("p50 API / stock", ("ratios", "p50_api/whoosh")),
          ("p50 API / stock, interleaved", ("ratios", "p50_api/whoosh_interleaved")),
          ("index docs/s Fahras / stock", ("ratios", "index_docs_s_fahras/whoosh"))]


def render_growth(all_results: list[dict]) -> str:
    if len(all_results) < 2:
        return ""
    all_results = sorted(all_results, key=lambda r: r["size"])
    head = f"{'growth':<30}" + "".join(f"{r['size']:>12,}" for r in all_results)
    lines = ["", head]
    for label, path in GROWTH:
        values = [_get(r, *path) for r in all_results]
        if all(v is None for v in values):
            continue
        if label == "Fahras KB/doc":
            values = [v / 1024 if v is not None else None for v in values]
        lines.append(f"{label:<30}" + "".join(f"{_fmt(v, 2):>12}" for v in values))
    return "\n".join(lines)


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    info = {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": os.getloadavg(),
            "result_cache_size": os.environ.get("FAHRAS_RESULT_CACHE_SIZE")}
    for package in ("whoosh3", "whoosh-reloaded", "Whoosh", "tantivy", "Flask", "gunicorn"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            pass
    import sqlite3
    info["sqlite"] = sqlite3.sqlite_version
    try:
        info["git"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                     capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "index", "service",
                                "config"], cwd=ROOT, capture_output=True, text=True).stdout
        info["uncommitted_changes"] = bool(dirty.strip())
    except OSError:
        pass
    return info


def run_size(size: int, args, parts: list[str]) -> dict:
    out_path = Path(args.out) if args.out else BENCH_DIR / f"results-{size}.json"
    results = json.loads(out_path.read_text()) if out_path.exists() else {}
    results.update({"size": size, "repeats": args.repeats, "machine": machine(),
                    "issue_reference": ISSUE_REFERENCE})
    corpus = ensure_corpus(size, log=log)
    ensure_queries(size, corpus, log=log)
    queries = queries_path(size)
    index_repeats = args.index_repeats or (args.repeats if size <= 20000 else 1)
    started = time.perf_counter()
    # which code and how loaded a machine each part saw (parts can come from different runs)
    provenance = results.setdefault("parts", {})
    for part in parts:
        provenance[part] = {"started": time.strftime("%Y-%m-%d %H:%M"),
                            "git": results["machine"].get("git"),
                            "uncommitted_changes": results["machine"].get("uncommitted_changes"),
                            "loadavg_at_start": os.getloadavg()}
    if "index" in parts:
        engines = set(args.engines.split(",")) if args.engines else None
        built = run_indexing(size, corpus, index_repeats, args.refs, args.timeout, engines)
        # building some engines again keeps the others' figures
        results["indexing"] = (results.get("indexing", {}) if engines else {}) | built
    if "refsearch" in parts:
        results["refsearch"] = run_refsearch(size, queries, args.repeats, args.refs,
                                             args.timeout)
    if "service" in parts:
        results["service"] = run_service(size, queries, args.repeats, args.seconds,
                                         [int(c) for c in args.clients.split(",")],
                                         args.workers, args.timeout, args.serve)
    if "profile" in parts:
        results["profile"] = run_profile(size, corpus, queries, args.timeout, args.serve)
    if "costly" in parts:
        results["costly"] = run_costly(size, corpus, args.timeout, args.serve)
    results["ratios"], results["targets"] = ratios_and_targets(results)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M")
    results["loadavg_at_end"] = os.getloadavg()
    results["run_seconds"] = time.perf_counter() - started
    out_path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    log(f"wrote {out_path} ({results['run_seconds'] / 60:.1f} min)")
    return results


def _size_results() -> list[Path]:
    """``var/bench/results-<size>.json`` by size (copies such as ``results-10000-before``
    or ``--out`` files are left out of the growth table)."""
    files = [p for p in BENCH_DIR.glob("results-*.json") if p.stem[8:].isdigit()]
    return sorted(files, key=lambda p: int(p.stem[8:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append",
                        help="documents (repeatable; default 10000)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each measurement; figures are medians (default 3)")
    parser.add_argument("--index-repeats", type=int,
                        help="builds per engine (default: --repeats up to 20k docs, else 1)")
    parser.add_argument("--only", help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--skip", help="comma-separated parts to leave out")
    parser.add_argument("--refs", choices=("all", "fast", "none"), default="all",
                        help="reference engines: all; fast = no single-process stock "
                             "Whoosh build; none")
    parser.add_argument("--engines",
                        help="index part: only these builds, comma-separated (fahras, "
                             "fahras-mp, fahras-xapian, fahras-xapian-shards, whoosh, "
                             "whoosh-mp, fts5, tantivy, "
                             "tantivy-mt); "
                             "the others' figures stay in the results file")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="duration of each throughput run (default 20)")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients (default 1,8,32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--serve", choices=("fahras", "fahras-mp", "fahras-xapian",
                                            "fahras-xapian-shards"),
                        default="fahras",
                        help="the build the service and profile parts search: one segment "
                             "(--procs 1, default), two (--procs 2), or the Xapian "
                             "engine's (--procs 2 --engine xapian)")
    parser.add_argument("--timeout", type=float, default=3600.0,
                        help="time limit of each job in seconds (default 3600)")
    parser.add_argument("--out", help="results file (one size only; default "
                                      "var/bench/results-<size>.json)")
    parser.add_argument("--report", action="store_true",
                        help="print the tables of the results already in var/bench/ "
                             "(or --out) and run nothing")
    args = parser.parse_args(argv)
    # Repeats in the log must measure the pipeline, not the answer cache (a value
    # set by the caller is kept, and recorded with the results).
    os.environ.setdefault("FAHRAS_RESULT_CACHE_SIZE", "0")
    if args.report:
        files = ([Path(args.out)] if args.out else
                 [BENCH_DIR / f"results-{n}.json" for n in args.size] if args.size else
                 _size_results())
        results = [json.loads(p.read_text()) for p in files if p.exists()]
        for r in results:
            print(render(r) + "\n")
        print(render_growth(results))
        return 0
    sizes = args.size or [10000]
    if args.out and len(sizes) > 1:
        parser.error("--out needs a single --size")
    parts = [p for p in (args.only.split(",") if args.only else PARTS)]
    parts = [p for p in parts if p not in (args.skip.split(",") if args.skip else [])]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # SIGTERM unwinds like Ctrl-C, so that a running gunicorn is stopped on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for size in sizes:
        results = run_size(size, args, parts)
        print(render(results), flush=True)
    everything = [json.loads(p.read_text()) for p in _size_results()]
    growth = render_growth(everything)
    if growth:
        print(growth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
