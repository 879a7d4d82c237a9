# SPDX-License-Identifier: GPL-3.0-or-later
"""One behaviour per test for the evaluation metrics, and the checks on the judged collection."""

from math import log2
from pathlib import Path

import pytest

from tests.eval.collection import CATEGORIES, CollectionError, load_articles, load_queries
from tests.eval.metrics import ndcg_at_k, recall_at_k, reciprocal_rank, summarise, trap_rate

GRADES = {"a": 3, "b": 2, "c": 1}
HEADER = "qid\tcategory\tquery\trelevant\ttraps\tnote\n"
KNOWN = frozenset({"d1", "d2", "d3"})
ROWS = [{"category": "en", "mrr": 1.0}, {"category": "en", "mrr": 0.0},
        {"category": "trap", "mrr": 1.0}]


def test_ndcg_of_perfect_ranking_is_one():
    assert ndcg_at_k(["a", "b", "c"], GRADES) == pytest.approx(1.0)


def test_ndcg_of_reversed_ranking():
    dcg = 1 / log2(2) + 3 / log2(3) + 7 / log2(4)
    idcg = 7 / log2(2) + 3 / log2(3) + 1 / log2(4)
    assert ndcg_at_k(["c", "b", "a"], GRADES) == pytest.approx(dcg / idcg)


def test_ndcg_of_empty_result_is_zero():
    assert ndcg_at_k([], GRADES) == 0.0


def test_ndcg_without_relevant_documents_is_zero():
    assert ndcg_at_k(["a", "b"], {}) == 0.0


def test_ndcg_ignores_documents_below_the_cutoff():
    assert ndcg_at_k(["x", "a"], {"a": 3}, k=1) == 0.0


def test_ndcg_ideal_counts_relevant_documents_not_retrieved():
    assert ndcg_at_k(["a"], {"a": 1, "b": 1}) == pytest.approx(1 / (1 + 1 / log2(3)))


def test_ndcg_uses_exponential_graded_gain():
    expected = (1 + 7 / log2(3)) / (7 + 1 / log2(3))
    assert ndcg_at_k(["c", "a"], {"a": 3, "c": 1}) == pytest.approx(expected)


def test_ndcg_counts_a_repeated_id_once():
    assert ndcg_at_k(["a", "a"], {"a": 3, "b": 3}) == pytest.approx(1 / (1 + 1 / log2(3)))


def test_reciprocal_rank_of_relevant_first_is_one():
    assert reciprocal_rank(["a", "x"], GRADES) == 1.0


def test_reciprocal_rank_of_relevant_third():
    assert reciprocal_rank(["x", "y", "c"], GRADES) == pytest.approx(1 / 3)


def test_reciprocal_rank_of_empty_result_is_zero():
    assert reciprocal_rank([], GRADES) == 0.0


def test_reciprocal_rank_without_relevant_documents_is_zero():
    assert reciprocal_rank(["a", "b"], {}) == 0.0


def test_reciprocal_rank_skips_grades_below_min_grade():
    assert reciprocal_rank(["c", "b"], GRADES, min_grade=2) == 0.5


def test_recall_of_perfect_ranking_is_one():
    assert recall_at_k(["a", "b", "c"], GRADES) == 1.0


def test_recall_of_empty_result_is_zero():
    assert recall_at_k([], GRADES) == 0.0


def test_recall_without_relevant_documents_is_zero():
    assert recall_at_k(["a"], {}) == 0.0


def test_recall_stops_at_the_cutoff():
    assert recall_at_k(["a", "x", "b", "c"], GRADES, k=2) == pytest.approx(1 / 3)


def test_recall_counts_only_grades_at_least_min_grade():
    assert recall_at_k(["a", "c"], GRADES, min_grade=2) == 0.5


def test_trap_rate_is_zero_without_traps():
    assert trap_rate(["a", "t"], ()) == 0.0


def test_trap_rate_is_the_fraction_of_traps_in_the_top_k():
    assert trap_rate(["t1", "a"], ("t1", "t2")) == 0.5


def test_trap_rate_ignores_traps_below_the_cutoff():
    assert trap_rate(["a", "b", "t"], ("t",), k=2) == 0.0


def test_trap_rate_of_empty_result_is_zero():
    assert trap_rate([], ("t",)) == 0.0


def test_summarise_means_per_category():
    assert summarise(ROWS)["en"] == {"queries": 2, "mrr": 0.5}


def test_summarise_adds_an_overall_mean_over_all_queries():
    assert summarise(ROWS)["overall"]["mrr"] == pytest.approx(2 / 3)


def test_summarise_leaves_none_out_of_the_mean():
    rows = [{"category": "en", "trap_rate": None}, {"category": "en", "trap_rate": 1.0}]
    assert summarise(rows)["en"]["trap_rate"] == 1.0


def test_summarise_reports_none_when_a_metric_has_no_value():
    assert summarise([{"category": "en", "trap_rate": None}])["en"]["trap_rate"] is None


def test_shipped_collection_loads():
    queries = load_queries()
    assert {query.category for query in queries} == set(CATEGORIES)


def test_shipped_articles_load_in_both_languages():
    articles = load_articles()
    assert {article["lang"] for article in articles} == {"ar", "en"}


def write_queries(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "queries.tsv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_load_queries_parses_grades_and_traps(tmp_path):
    path = write_queries(tmp_path, "q1\ten\tpeace\td1:3,d2:1\td3\tnote")
    [query] = load_queries(path, doc_ids=KNOWN)
    assert (query.grades, query.traps) == ({"d1": 3, "d2": 1}, ("d3",))


@pytest.mark.parametrize(("line", "message"), [
    ("q1\ten\tpeace\tnope:3\t\t", "queries.tsv:2: unknown doc id nope"),
    ("q1\ten\tpeace\td1:4\t\t", "queries.tsv:2: bad grade '4' for d1"),
    ("q1\ten\tpeace\td1:3\tnope\t", "queries.tsv:2: unknown doc id nope"),
    ("q1\tsport\tpeace\td1:3\t\t", "queries.tsv:2: unknown category 'sport'"),
    ("q1\ten\tpeace\td1:3\td1\t", "queries.tsv:2: d1 is both relevant and a trap"),
    ("q1\ten\tpeace\td1:3", "queries.tsv:2: expected 6 tab-separated fields, found 4"),
])
def test_load_queries_reports_the_bad_line(tmp_path, line, message):
    with pytest.raises(CollectionError, match=message):
        load_queries(write_queries(tmp_path, line), doc_ids=KNOWN)


def test_load_queries_rejects_a_duplicate_qid(tmp_path):
    path = write_queries(tmp_path, "q1\ten\tpeace\td1:3\t\t", "q1\ten\twar\td2:3\t\t")
    with pytest.raises(CollectionError, match="queries.tsv:3: duplicate qid q1"):
        load_queries(path, doc_ids=KNOWN)
