# SPDX-License-Identifier: GPL-3.0-or-later
"""Tune the query-time weights on the evaluation collection: ``python -m tests.eval.tune``.

Builds one index, then scores every combination of the weight grid (query-time
settings need no rebuild) and prints them best first by mean nDCG@10 over all
queries, with the cross-language categories beside it. The chosen values go into
``config/fahras.toml``.
"""

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

from .collection import load_queries
from .metrics import summarise
from .run_eval import METRICS, load_documents, score_query
from .systems import Fahras

GRID = {
    "GLOSSARY_WEIGHT": (0.3, 0.5, 0.8),
    "DICTIONARY_WEIGHT": (0.2, 0.35, 0.5),
    "PHONETIC_WEIGHT": (0.2, 0.3, 0.5),
    "FOCUS_WEIGHT": (0.5, 1.0, 2.0),
}


def main(argv: list[str] | None = None) -> int:
    """Score the grid and print the best combinations."""
    parser = argparse.ArgumentParser(prog="python -m tests.eval.tune", description=__doc__)
    parser.add_argument("--top", type=int, default=10, help="how many combinations to print")
    args = parser.parse_args(argv)
    queries = load_queries()
    rows = []
    with tempfile.TemporaryDirectory(prefix="fahras-tune-") as tmp:
        base = Fahras()
        base.build(load_documents(), Path(tmp))
        base.close()
        for values in itertools.product(*GRID.values()):
            settings = dict(zip(GRID, values))
            system = Fahras(settings)
            system.open(Path(tmp))
            try:
                scored = [score_query(q, system.search(q.text, 100)) for q in queries]
            finally:
                system.close()
            summary = summarise(scored, metrics=METRICS)
            rows.append((summary["overall"]["ndcg@10"], summary["cross_en_ar"]["ndcg@10"],
                         summary["cross_ar_en"]["ndcg@10"], settings))
    rows.sort(key=lambda row: row[:3], reverse=True)
    print("overall  en→ar  ar→en  settings")
    for overall, en_ar, ar_en, settings in rows[:args.top]:
        print(f"{overall:.3f}    {en_ar:.3f}  {ar_en:.3f}  "
              + " ".join(f"{k}={v}" for k, v in settings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
