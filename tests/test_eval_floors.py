"""Hold the retrieval quality of Fahras at its floors on the evaluation collection.

The floors sit a little under the scores measured when they were set (README,
"Evaluation"); a change that lowers a category below its floor fails here. Rerun
``python -m tests.eval.run_eval`` to see every category and the stock-Whoosh baseline.
"""

import pytest

from tests.eval.collection import load_queries
from tests.eval.metrics import summarise
from tests.eval.run_eval import METRICS, evaluate, load_documents
from tests.eval.systems import Fahras, StockWhoosh

# category: (minimum nDCG@10, maximum trap rate)
FLOORS = {
    "ar_exact": (0.90, None),
    "ar_orthography": (0.65, 0.0),
    "ar_clitic": (0.80, None),
    "ar_variant": (0.75, 0.0),
    "latin_name": (0.85, None),
    "en": (0.95, 0.0),
    "trap": (0.88, 0.05),
    "overall": (0.76, None),
}


@pytest.fixture(scope="module")
def summaries():
    documents = load_documents()
    queries = load_queries()
    return {system.name: summarise(evaluate(system, documents, queries), metrics=METRICS)
            for system in (Fahras(), StockWhoosh())}


@pytest.mark.parametrize("category", sorted(FLOORS))
def test_fahras_holds_its_floor(summaries, category):
    min_ndcg, max_traps = FLOORS[category]
    scores = summaries["fahras"][category]
    assert scores["ndcg@10"] >= min_ndcg
    if max_traps is not None:
        assert (scores["trap_rate"] or 0.0) <= max_traps


def test_fahras_beats_stock_whoosh_on_every_monolingual_category(summaries):
    for category in ("ar_orthography", "ar_clitic", "ar_variant", "latin_name", "en", "trap"):
        assert summaries["fahras"][category]["ndcg@10"] > \
            summaries["stock-whoosh"][category]["ndcg@10"], category
