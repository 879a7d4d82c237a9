"""Known-item search on real news (``tests.eval.known_item``): a small run, Fahras only.

Titles of real articles of the shared corpora, typed with the variations readers
type; the full run, with stock Whoosh and FTS5 beside it, is ``python -m
tests.eval.known_item``. Without the corpora the run is skipped, saying so.
"""

import pytest

from tests.eval.known_item import VARIATIONS, choose_sample, evaluate, format_report
from tests.eval.systems import Fahras
from tests.names.collect import CORPUS_PATHS

MISSING = [str(path) for path in CORPUS_PATHS if not path.is_file()]
# The full run's figures (README, "Known-item search") less about 0.05.
FLOOR_SUCCESS_AT_10 = 0.90
FLOOR_MRR = 0.85


@pytest.mark.slow
@pytest.mark.skipif(bool(MISSING), reason="shared real-news corpora missing "
                    "(set FAHRAS_CORPORA_DIR): " + ", ".join(MISSING))
def test_fahras_finds_real_titles_as_readers_type_them():
    documents, items = choose_sample(count=60, others=1500)
    assert len(items) == 60 and {item.variation for item in items} == set(VARIATIONS)
    report = evaluate(Fahras(settings={"SEARCH_TIME_LIMIT": 0}), documents, items)
    print(format_report([report]))
    overall = report["summary"]["overall"]
    assert overall["success@10"] >= FLOOR_SUCCESS_AT_10, report["summary"]
    assert overall["mrr"] >= FLOOR_MRR, report["summary"]
