"""One deadline per request: a search past it answers with what was done, says what
was cut, and never lists a document that does not match.

The deadline is made to pass after its clock has been read ``k`` times, for every
``k`` from the first look to past the last one, so each part of a search (the
translations, the match sets, phrases, ranking, proximity, facets, snippets,
did-you-mean) is cut in turn; whatever is cut, every result is one of the
documents the whole search finds, the total never counts more than it, and the
answer says what it left out.
"""

import pytest

import service.api
from service.deadline import Deadline
from tests.support import assert_error_envelope, search

QUERIES = ["ممر لاتشين", '"وقف إطلاق النار"', "Stepanakert", "كاراباخ -لاتشين",
           "ceasefire Karabakh", "Lachin OR Lacin", 'قصف -"وقف إطلاق النار"',
           "أذربيجان أرمينيا", "قره باغ"]


class _Reads:
    """A clock that reads 0 when the deadline is set and for the ``n`` readings after,
    then far past any limit."""

    def __init__(self, n: int) -> None:
        self.n = n + 1

    def __call__(self) -> float:
        self.n -= 1
        return 0.0 if self.n >= 0 else 1e6


def _all_matches(client, q):
    body = search(client, q=q, per_page=50)
    assert body["total"] <= 50 and not body["timed_out"]
    return body


@pytest.mark.parametrize("q", QUERIES)
def test_whatever_the_deadline_cuts_every_result_matches_and_the_answer_says_so(
        make_app, index_dir, monkeypatch, q):
    # the whole answer, with time to spare on a loaded machine
    app = make_app(INDEX_DIR=str(index_dir), RESULT_CACHE_SIZE=0, SEARCH_TIME_LIMIT=60.0)
    client = app.test_client()
    full = _all_matches(client, q)
    everything = {r["id"] for r in full["results"]}
    seen_cuts = set()
    k = 0
    while True:
        # a fresh worker each time, so that nothing read before is in memory
        fresh = make_app(INDEX_DIR=str(index_dir), RESULT_CACHE_SIZE=0)
        monkeypatch.setattr(service.api, "Deadline",
                            lambda seconds, k=k: Deadline(1.0, clock=_Reads(k)))
        response = fresh.test_client().get("/api/search",
                                           query_string={"q": q, "per_page": 50})
        body = response.get_json()
        assert response.status_code == 200, body
        found = [r["id"] for r in body["results"]]
        assert set(found) <= everything, (k, set(found) - everything)
        assert body["total"] <= full["total"]
        assert len(found) == min(body["total"], 50)
        cuts = {c["part"] for c in body["query"]["cut"]}
        assert body["timed_out"] == bool(cuts)
        assert (response.headers.get("Fahras-Timed-Out") == "true") == body["timed_out"]
        if body["total"] < full["total"]:
            assert body["total_relation"] == "gte" and \
                cuts & {"matching", "expansions", "partial matches"}
        if "snippets" in cuts:
            assert any(r["highlight_truncated"] for r in body["results"])
        seen_cuts |= cuts
        if not body["timed_out"]:
            # the deadline came after the last look: the whole answer
            assert found == [r["id"] for r in full["results"]]
            assert body["total"] == full["total"] and body["total_relation"] == "eq"
            assert body["facets"] == full["facets"]
            break
        k += 1
        assert k < 2000
    assert "matching" in seen_cuts and len(seen_cuts) >= 3, seen_cuts


def test_a_time_limit_of_zero_means_none(make_app, index_dir):
    client = make_app(INDEX_DIR=str(index_dir), SEARCH_TIME_LIMIT=0).test_client()
    body = search(client, q="لاتشين")
    assert not body["timed_out"] and body["query"]["cut"] == [] and body["total"] > 0


# -- costly plans: cut to the words typed, or refused --------------------------------

def test_expansions_past_the_term_limit_are_left_out_and_the_answer_says_so(make_app,
                                                                              index_dir):
    # (time to spare: this is about the term limit, not the time limit)
    roomy = make_app(INDEX_DIR=str(index_dir), SEARCH_TIME_LIMIT=60.0).test_client()
    full = search(roomy, q="ceasefire shelling")
    assert full["query"]["expansions"] and not full["query"]["cut"]
    tight = make_app(INDEX_DIR=str(index_dir), MAX_QUERY_TERMS=12,
                     SEARCH_TIME_LIMIT=60.0).test_client()
    body = search(tight, q="ceasefire shelling")
    assert body["query"]["cut"] == [{
        "part": "expansions", "reason": "term_limit",
        "detail": body["query"]["cut"][0]["detail"]}]
    assert "MAX_QUERY_TERMS (12)" in body["query"]["cut"][0]["detail"]
    assert not body["timed_out"]                   # not a time-out: the answer is whole
    assert not any(e["source"] in ("glossary", "dictionary") for e in body["query"]["expansions"])
    assert {r["id"] for r in body["results"]} <= {r["id"] for r in full["results"]} or \
        body["total"] <= full["total"]


def test_a_query_whose_own_words_pass_the_term_limit_gets_a_400_naming_it(make_app,
                                                                           index_dir):
    client = make_app(INDEX_DIR=str(index_dir), MAX_QUERY_TERMS=12).test_client()
    response = client.get("/api/search", query_string={
        "q": "حرب سلام قصف هدنة ممر جيش حدود"})
    assert "MAX_QUERY_TERMS (12)" in assert_error_envelope(response, 400)["error"]


COMMON = ["في", "حرب", "قوات", "أذربيجان", "أرمينيا", "قصف", "وقف", "إطلاق", "النار",
          "ممر", "لاتشين", "كاراباخ"]


@pytest.mark.parametrize("q", [
    " ".join(f'"{COMMON[i % 12]} {COMMON[(i + 3) % 12]}"' for i in range(50)),
    " OR ".join(COMMON[i % 12] + str(i % 7) for i in range(100)),
    " ".join(COMMON * 6),
    " OR ".join(f'"{COMMON[i % 12]} {COMMON[(i + 1) % 12]}"' for i in range(40)),
])
def test_costly_queries_answer_within_the_term_limit_or_say_why_not(client, q):
    assert len(q) <= 1000
    response = client.get("/api/search", query_string={"q": q})
    body = response.get_json()
    if response.status_code == 400:
        assert "MAX_QUERY_TERMS" in assert_error_envelope(response, 400)["error"]
    else:
        assert response.status_code == 200 and body["ok"]
        assert isinstance(body["query"]["cut"], list)
    assert client.get("/api/search?q=باكو").status_code == 200
