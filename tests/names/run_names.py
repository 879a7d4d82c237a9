# SPDX-License-Identifier: GPL-3.0-or-later
"""Score search systems on real-news names: ``python -m tests.names.run_names``.

For each name of ``names.tsv`` the query is its Latin form, as a reader types it; the
relevant articles are those of the sample that hold one of its Arabic spellings (or the
Latin form itself), found by ``collect.relevant``. The sample is every article holding a
name, at most ``--per-name`` of them per name, plus ``--sample`` articles that hold none;
both are chosen by a seeded hash of the article id, so a run is reproducible and does not
depend on the order of the corpora.

Two figures per name, both capped so that a perfect system scores 1 whatever the number
of relevant articles R:

- ``p@10``: relevant articles among the first 10 results / min(10, R);
- ``R@500``: relevant articles among the first 500 results / min(500, R), the capped
  recall of BEIR; it equals plain recall whenever R <= 500.

Fahras runs with ``MAX_PER_PAGE`` raised to 500 so that one page holds the 500 results, and
with ``SEARCH_TIME_LIMIT`` off so that a busy machine cannot cut a result list short.
"""

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.eval.metrics import summarise
from tests.eval.systems import Document, Fahras, StockWhoosh, System

from .collect import (CORPUS_PATHS, KINDS, NAMES_PATH, Name, find_spellings, read_corpora,
                      read_names, relevant)
from .fts5 import Fts5

CUTOFF = 10
DEPTH = 500
PER_NAME = 150
OTHERS = 3000
SEED = 16
_LISTED_BELOW = 60
METRICS = (f"p@{CUTOFF}", f"recall@{DEPTH}")
FAHRAS_SETTINGS = {"MAX_PER_PAGE": DEPTH, "SEARCH_TIME_LIMIT": 0}
SYSTEMS: dict[str, Callable[[], System]] = {
    Fahras.name: lambda: Fahras(settings=FAHRAS_SETTINGS),
    StockWhoosh.name: StockWhoosh,
    Fts5.name: Fts5,
}


@dataclass(frozen=True)
class Sample:
    """The articles a run indexes and, for each name's Latin form, the relevant ones among them."""

    documents: list[Document]
    relevant: dict[str, set[str]]
    held: int
    others: int


def _rank_key(seed: int, doc_id: str) -> str:
    """Return the seeded hash that orders articles for sampling."""
    return hashlib.sha1(f"{seed}:{doc_id}".encode()).hexdigest()


def precision_at_k(ranked_ids: Sequence[str], relevant: set[str], k: int = CUTOFF) -> float:
    """Return the relevant share of the first k ids, over min(k, R); 0.0 when R is 0.

    >>> precision_at_k(["a", "x", "b"], {"a", "b"}, k=10)
    1.0
    >>> precision_at_k(["x", "a"], {"a", "b", "c"}, k=2)
    0.5
    """
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked_ids[:k])) / min(k, len(relevant))


def capped_recall(ranked_ids: Sequence[str], relevant: set[str], k: int = DEPTH) -> float:
    """Return the relevant ids found in the first k over min(k, R); 0.0 when R is 0.

    >>> capped_recall(["a", "x"], {"a", "b"}, k=500)
    0.5
    >>> capped_recall(["a", "b"], {"a", "b", "c"}, k=2)
    1.0
    """
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked_ids[:k])) / min(k, len(relevant))


def choose_sample(names: Sequence[Name], *, per_name: int = PER_NAME, others: int = OTHERS,
                  seed: int = SEED, paths: Iterable[Path] = CORPUS_PATHS) -> Sample:
    """Read the corpora twice: once to find who holds which name, once to keep the sample.

    The relevant articles are judged again, by ``collect.relevant``, on exactly the
    documents kept.

    :param per_name: most articles chosen for each name (more may hold it through others).
    :param others: articles holding no name, added so that a name must be told apart.
    """
    paths = tuple(paths)
    seen: list[str] = []

    def recording(articles: Iterable[Document]) -> Iterable[Document]:
        """Pass the articles on, noting every id (those holding no name are the others)."""
        for article in articles:
            seen.append(article["id"])
            yield article

    found = find_spellings(names, recording(read_corpora(paths)))
    holders: dict[int, list[str]] = {number: [] for number in range(len(names))}
    for doc_id, pairs in found.items():
        for number in {number for number, _ in pairs}:
            holders[number].append(doc_id)
    chosen: set[str] = set()
    for ids in holders.values():
        chosen.update(sorted(ids, key=lambda doc_id: _rank_key(seed, doc_id))[:per_name])
    held = len(chosen)
    free = [doc_id for doc_id in seen if doc_id not in found]
    chosen.update(sorted(free, key=lambda doc_id: _rank_key(seed, doc_id))[:others])
    documents = [article for article in read_corpora(paths) if article["id"] in chosen]
    return Sample(documents, relevant(names, documents), held, len(chosen) - held)


def score_name(name: Name, relevant_ids: set[str],
               ranked_ids: Sequence[str]) -> dict[str, object]:
    """Return one result row: the name's labels, its relevant count and both figures."""
    return {
        "query": name.latin,
        "category": name.kind,
        "region": name.region,
        "relevant": len(relevant_ids),
        f"p@{CUTOFF}": precision_at_k(ranked_ids, relevant_ids),
        f"recall@{DEPTH}": capped_recall(ranked_ids, relevant_ids),
        "returned": len(ranked_ids),
        "top": list(ranked_ids[:CUTOFF]),
    }


def evaluate(system: System, sample: Sample, names: Sequence[Name]) -> dict[str, object]:
    """Build the system's index in a temporary directory and score every name on it."""
    with tempfile.TemporaryDirectory(prefix=f"fahras-names-{system.name}-") as tmp:
        started = time.perf_counter()
        system.build(sample.documents, Path(tmp))
        built = time.perf_counter()
        try:
            rows = [score_name(name, sample.relevant[name.latin],
                               system.search(name.latin, DEPTH)) for name in names]
        finally:
            system.close()
        searched = time.perf_counter()
    summary = summarise(rows, metrics=METRICS)
    below = [row["query"] for row in rows if min(row[m] for m in METRICS) < 0.5]
    return {"system": system.name, "summary": summary, "below_half": below, "names": rows,
            "build_seconds": round(built - started, 1),
            "search_seconds": round(searched - built, 1)}


def evaluate_index(index_dir: Path, names: Sequence[Name],
                   paths: Iterable[Path] = CORPUS_PATHS) -> tuple[int, dict[str, object]]:
    """Score Fahras on an index built from all the corpora (``python -m index build
    ../shared/data/corpora``), each name's articles judged over all of them; returns
    the articles judged and the report."""
    documents = list(read_corpora(paths))
    judged = relevant(names, documents)
    system = Fahras(dict(FAHRAS_SETTINGS))
    system.open(index_dir.parent if index_dir.name == "index" else index_dir)
    started = time.perf_counter()
    try:
        rows = [score_name(name, judged[name.latin], system.search(name.latin, DEPTH))
                for name in names]
    finally:
        system.close()
    summary = summarise(rows, metrics=METRICS)
    below = [row["query"] for row in rows if min(row[m] for m in METRICS) < 0.5]
    return len(documents), {"system": f"fahras on {index_dir}", "summary": summary,
                            "below_half": below, "names": rows, "build_seconds": "-",
                            "search_seconds": round(time.perf_counter() - started, 1)}


def format_names(reports: Sequence[Mapping[str, object]]) -> str:
    """Return the per-name table: one line per name, p@10 and R@500 for each system."""
    header = ["name", "kind", "region", "R"]
    for report in reports:
        header += [f"{report['system']} p@{CUTOFF}", f"R@{DEPTH}"]
    lines = ["\t".join(header)]
    for rows in zip(*(report["names"] for report in reports)):
        first = rows[0]
        cells = [str(first["query"]), str(first["category"]), str(first["region"]),
                 str(first["relevant"])]
        for row in rows:
            cells += [f"{row[f'p@{CUTOFF}']:.2f}", f"{row[f'recall@{DEPTH}']:.2f}"]
        lines.append("\t".join(cells))
    return "\n".join(lines)


def format_summary(reports: Sequence[Mapping[str, object]]) -> str:
    """Return the means per kind and overall, and the names below 0.5, for each system."""
    lines = []
    for report in reports:
        summary = report["summary"]
        lines.append(f"{report['system']} (build {report['build_seconds']} s, "
                     f"search {report['search_seconds']} s)")
        lines.append(f"  {'kind':<8} {'names':>5} {f'p@{CUTOFF}':>6} {f'R@{DEPTH}':>6}")
        for group in (*(k for k in KINDS if k in summary), "overall"):
            entry = summary[group]
            lines.append(f"  {group:<8} {entry['queries']:>5} {entry[METRICS[0]]:>6.3f} "
                         f"{entry[METRICS[1]]:>6.3f}")
        below = report["below_half"]
        lines.append(f"  names below 0.5 (p@{CUTOFF} or R@{DEPTH}): {len(below)} of "
                     f"{summary['overall']['queries']}")
        if below and len(below) <= _LISTED_BELOW:
            lines.append("    " + ", ".join(below))
    return "\n".join(lines)


def run(names: Sequence[Name], system_names: Sequence[str], *, per_name: int = PER_NAME,
        others: int = OTHERS, seed: int = SEED,
        paths: Iterable[Path] = CORPUS_PATHS) -> tuple[Sample, list[dict[str, object]]]:
    """Choose the sample once and evaluate each named system on it."""
    sample = choose_sample(names, per_name=per_name, others=others, seed=seed, paths=paths)
    return sample, [evaluate(SYSTEMS[name](), sample, names) for name in system_names]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.names.run_names", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=OTHERS, metavar="N",
                        help=f"articles holding no name to add (default {OTHERS})")
    parser.add_argument("--per-name", type=int, default=PER_NAME, metavar="N",
                        help=f"most articles chosen for each name (default {PER_NAME})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"sampling seed (default {SEED})")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated systems (default {','.join(SYSTEMS)})")
    parser.add_argument("--names", type=Path, default=NAMES_PATH, help="the names file")
    parser.add_argument("--index", type=Path, metavar="DIR",
                        help="score Fahras on this index, built from all the corpora "
                             "(python -m index build ../shared/data/corpora), instead "
                             "of building the systems on a sample")
    parser.add_argument("--json", type=Path, metavar="OUT",
                        help="also write the reports, with per-name rows, to OUT as JSON")
    args = parser.parse_args(argv)
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in args.systems if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the systems on the sample and print the per-name table and the summaries."""
    args = parse_args(argv)
    names = read_names(args.names)
    if args.index:
        judged, report = evaluate_index(args.index, names)
        print(format_names([report]))
        print()
        print(f"{judged} articles, every name's judged over all of them")
        print(format_summary([report]))
        if args.json:
            args.json.write_text(json.dumps({"articles": judged, "reports": [report]},
                                            ensure_ascii=False, indent=2) + "\n",
                                 encoding="utf-8")
        return 0
    sample, reports = run(names, args.systems, per_name=args.per_name, others=args.sample,
                          seed=args.seed)
    print(format_names(reports))
    print()
    print(f"{len(sample.documents)} articles: {sample.held} holding a name (at most "
          f"{args.per_name} chosen per name), {sample.others} holding none; seed {args.seed}")
    print(format_summary(reports))
    if args.json:
        args.json.write_text(json.dumps(
            {"articles": len(sample.documents), "held": sample.held, "others": sample.others,
             "per_name": args.per_name, "seed": args.seed, "reports": reports},
            ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
