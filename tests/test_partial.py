"""service.partial: the stages of a query whose full matches are few."""

import pytest

from service import plan
from service.partial import MAX_COMBINATIONS, stages
from tests.eval.run_eval import load_documents
from tests.eval.systems import Fahras


def _terms(n):
    return [plan.Term("body", f"w{i}") for i in range(n)]


def test_stages_go_down_one_concept_at_a_time_within_the_bound():
    concepts = _terms(8)
    found = stages(concepts, None, lambda term: 1)
    # 8 of 7 and 28 of 6 combinations are asked for; 56 of 5 are past the bound
    assert [s.concepts for s in found] == [7, 6]
    assert MAX_COMBINATIONS < 56


def test_the_commonest_concept_alone_is_no_stage():
    a, b = _terms(2)
    [only] = stages([a, b], None, {a: 10, b: 2_000}.get)
    assert only.concepts == 1 and only.match.positive == a
    [other] = stages([a, b], None, {a: 3, b: 0}.get)
    assert other.match.positive == b


def test_a_stage_leaves_out_the_full_matches_and_the_exclusions():
    a, b, c = _terms(3)
    excluded = plan.Term("body", "x")
    first = stages([a, b, c], excluded, lambda term: 1)[0]
    assert isinstance(first.match, plan.Not)
    assert first.match.negative == plan.AnyOf((plan.All((a, b, c)), excluded))


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    """Fahras on the evaluation collection (42 articles; كاراباخ is in most of them)."""
    system = Fahras()
    system.build(load_documents(), tmp_path_factory.mktemp("partial"))
    yield system._client
    system.close()


def _search(client, q):
    return client.get("/api/search", query_string={"q": q, "per_page": 50}).get_json()


def test_a_document_holding_only_the_commonest_concept_is_no_result(evaluation):
    karabakh = {r["id"] for r in _search(evaluation, "كاراباخ")["results"]}
    body = _search(evaluation, "كاراباخ باشينيان علييف الطائرات")
    assert body["query"]["match"] == "partial" and body["total"] > 0
    found = {r["id"]: r["concepts"] for r in body["results"]}
    assert min(found.values()) >= 1
    # Karabakh is common here: an article naming it and none of the rest is left out
    assert karabakh - set(found)
    # الزرافات ("the giraffes") is in no article; كاراباخ alone is no result
    alone = _search(evaluation, "كاراباخ الزرافات")
    assert alone["total"] == 0 and alone["query"]["match"] == "all"
    assert alone["query"]["stages"] == [{"concepts": 2, "total": 0},
                                        {"concepts": 1, "total": 0}]
