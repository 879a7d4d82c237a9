"""Both engines answer the same question the same way: what matches, how many, the
facets and a date order, on the same documents (seeds/ and the fixtures, built once
with each engine); and ``explain`` shows the plan either way.

Relevance orders may differ (Xapian's BM25 over the whole document against
Whoosh's BM25F per field, README "Engines"); the evaluation floors hold both.
"""

import gc
import random

import pytest

from index.readers import read_documents
from index.writes import builder
from service import plan
from service.deadline import Deadline
from service.engines import Bonus, Filters, SearchRequest
from tests.support import FIXTURES, SEEDS, assert_error_envelope, search

QUERIES = ["لاتشين", "Stepanakert", "وقف إطلاق النار", '"وقف إطلاق النار"', "ceasefire",
           '"ممر لاتشين"', "Karabakh -Armenia", "كاراباخ -لاتشين", "أذربيجان أرمينيا",
           "Lachin OR Shusha", "Pashinyan", "خانكندي", "peacekeepers", "قره باغ", "drone",
           "اذربيجان", "بوتين"]
FILTERS = [{}, {"lang": "ar"}, {"lang": "en"}, {"place": "lachin"}, {"year": 2020},
           {"from": "2016-01-01", "to": "2020-12-31"}]


@pytest.fixture(scope="module")
def clients(tmp_path_factory, resources, make_module_app):
    out = {}
    for engine in ("whoosh", "xapian"):
        path = tmp_path_factory.mktemp(f"engines-{engine}") / "index"
        builder(engine)(read_documents([SEEDS, FIXTURES]), path, resources)
        out[engine] = make_module_app(INDEX_DIR=str(path), ENGINE=engine).test_client()
    return out


@pytest.fixture(scope="module")
def make_module_app():
    from service import create_app

    apps = []

    def make(**settings):
        app = create_app({"TESTING": True, "REFRESH_INTERVAL": 0.0, "RATE_LIMIT": 0,
                          "SEARCH_TIME_LIMIT": 60.0, **settings})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["fahras"].handle.close()


def _everything(client, **params):
    body = search(client, per_page=50, **params)
    assert body["total"] <= 50
    return body


def test_health_and_answers_say_which_engine_serves(clients):
    for engine, client in clients.items():
        assert client.get("/api/health").get_json()["engine"] == engine


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_match_the_same_documents_with_the_same_facets(clients, q, filters):
    whoosh = _everything(clients["whoosh"], q=q, **filters)
    xapian = _everything(clients["xapian"], q=q, **filters)
    assert xapian["total"] == whoosh["total"]
    assert xapian["query"]["match"] == whoosh["query"]["match"]
    assert {r["id"] for r in xapian["results"]} == {r["id"] for r in whoosh["results"]}
    assert xapian["facets"] == whoosh["facets"]
    assert xapian["query"]["expansions"] == whoosh["query"]["expansions"]


def test_the_engines_agree_on_most_queries_somewhere(clients):
    # (the comparison above is not vacuous: most queries find something)
    found = [q for q in QUERIES if search(clients["xapian"], q=q)["total"]]
    assert len(found) >= len(QUERIES) - 2


@pytest.mark.parametrize("sort", ["date", "oldest"])
@pytest.mark.parametrize("q", ["أذربيجان", "Azerbaijan", "لاتشين", "Armenia"])
def test_a_date_order_is_the_same_on_both_engines(clients, q, sort):
    whoosh = _everything(clients["whoosh"], q=q, sort=sort)
    xapian = _everything(clients["xapian"], q=q, sort=sort)
    assert [r["id"] for r in xapian["results"]] == [r["id"] for r in whoosh["results"]]
    dated = [r["date"] for r in xapian["results"] if r["date"]]
    assert dated == sorted(dated, reverse=sort == "date") and len(dated) >= 2
    assert all(r["score"] is None for r in xapian["results"])


def test_pages_walk_the_same_ranking_on_each_engine(clients):
    for client in clients.values():
        whole = [r["id"] for r in search(client, q="أذربيجان", per_page=50)["results"]]
        paged = [r["id"] for page in (1, 2, 3)
                 for r in search(client, q="أذربيجان", per_page=3, page=page)["results"]]
        assert paged == whole[:9] and len(whole) >= 7


def _random_plan(rng: random.Random, vocabulary: list[str], depth: int = 0) -> plan.Node:
    kind = rng.choice(["term"] * 3 + (["any", "best", "all", "not", "phrase"]
                                      if depth < 3 else []))
    field = rng.choice(["title", "body"])
    if kind == "term":
        return plan.Term(field, rng.choice(vocabulary), rng.choice([1.0, 0.5, 2.0]))
    if kind == "phrase":
        return plan.Phrase(field, tuple(plan.Term(field, rng.choice(vocabulary))
                                        for _ in range(2)), slop=1)
    if kind == "not":
        return plan.Not(_random_plan(rng, vocabulary, depth + 1),
                        _random_plan(rng, vocabulary, depth + 1))
    children = tuple(_random_plan(rng, vocabulary, depth + 1)
                     for _ in range(rng.randint(2, 3)))
    return {"any": plan.AnyOf, "best": plan.Best, "all": plan.All}[kind](children)


def test_random_plans_match_the_same_documents_on_both_engines(clients):
    handles = {e: c.application.extensions["fahras"].handle for e, c in clients.items()}
    # words of the fixtures, common and rare, as the index holds them
    vocabulary = ["اشتباك", "=اشتباكات", "@stepanakert", "@lachin", "لاتشين", "ceasefir",
                  "karabakh", "@azerbaijan", "أذربيجان", "ممر", "corridor", "drone",
                  "@armenia", "روسي", "peacekeep", "no-such-term"]
    rng = random.Random(17)
    compared = 0
    for _ in range(150):
        node = _random_plan(rng, vocabulary)
        request = SearchRequest(match=node, limit=100)
        found = {}
        for engine, handle in handles.items():
            with handle.searcher() as searcher:
                result = searcher.search(request, Deadline(None))
                found[engine] = (result.total, sorted(searcher.stored(h)["id"]
                                                      for h in result.hits))
        assert found["xapian"] == found["whoosh"], node
        compared += bool(found["whoosh"][0])
    assert compared > 40


def test_the_score_rules_lift_the_same_documents_on_both_engines(clients):
    handles = {e: c.application.extensions["fahras"].handle for e, c in clients.items()}
    node = plan.AnyOf((plan.Term("body", "اشتباك"), plan.Term("body", "ceasefir")))
    for bonus in (Bonus(prefer_lang="en"), Bonus(prefer_lang="ar"),
                  Bonus(focus_entities=("armenia",), focus=1000.0)):
        tops = {}
        for engine, handle in handles.items():
            with handle.searcher() as searcher:
                result = searcher.search(SearchRequest(match=node, limit=50, bonus=bonus),
                                         Deadline(None))
                stored = [searcher.stored(h) for h in result.hits]
            if bonus.prefer_lang:
                langs = [d["lang"] for d in stored]
                # every document in the preferred language comes first
                assert langs == sorted(langs, key=lambda lang: lang != bonus.prefer_lang)
                tops[engine] = {d["id"] for d in stored if d["lang"] == bonus.prefer_lang}
            else:
                mentions = ["armenia" in d["entities"].split() for d in stored]
                assert mentions == sorted(mentions, reverse=True) and any(mentions)
                tops[engine] = {d["id"] for d, m in zip(stored, mentions) if m}
        assert tops["xapian"] == tops["whoosh"] and tops["whoosh"]


def test_filters_restrict_both_engines_alike(clients):
    handles = {e: c.application.extensions["fahras"].handle for e, c in clients.items()}
    node = plan.Term("body", "@azerbaijan")
    for filters in (Filters(lang="ar"), Filters(place="lachin"), Filters(year=2020),
                    Filters(date_from="2016-01-01"), Filters(date_to="2020-12-31")):
        totals = {}
        for engine, handle in handles.items():
            with handle.searcher() as searcher:
                totals[engine] = searcher.search(SearchRequest(match=node, filters=filters),
                                                 Deadline(None)).total
        assert totals["xapian"] == totals["whoosh"], filters


@pytest.mark.parametrize("engine", ["whoosh", "xapian"])
def test_explain_shows_the_plan_and_why_each_result_matched(clients, engine):
    client = clients[engine]
    body = search(client, q="Lachin", explain="true")
    assert "plan" not in search(client, q="Lachin")["query"]
    shown = body["query"]["plan"]
    leaves = []

    def walk(node):
        if node["type"] == "term":
            leaves.append((node["field"], node["text"]))
        for key in ("children", "slots"):
            for child in node.get(key, ()):
                walk(child)
        for key in ("required", "optional", "positive", "negative"):
            if key in node:
                walk(node[key])
    walk(shown["scored"])
    terms = set(leaves)
    assert ("body", "@lachin") in terms and ("title", "@lachin") in terms
    assert shown["terms"] == len(leaves)
    assert "@lachin" in shown["highlight_terms"]
    assert {rule["rule"] for rule in shown["rules"]} >= {"focus"}
    assert body["results"]
    for result in body["results"]:
        matched = {(m["field"], m["text"]) for m in result["explain"]["matched"]}
        assert matched and matched <= terms
        if "lachin" in {e["key"] for e in result["entities"]}:
            assert ("body", "@lachin") in matched or ("title", "@lachin") in matched


def test_explain_is_the_same_on_both_engines(clients):
    bodies = {e: search(c, q="وقف إطلاق النار لاتشين", explain="true", per_page=50)
              for e, c in clients.items()}
    assert bodies["xapian"]["query"]["plan"] == bodies["whoosh"]["query"]["plan"]
    matched = {e: {r["id"]: sorted((m["field"], m["text"]) for m in r["explain"]["matched"])
                   for r in b["results"]} for e, b in bodies.items()}
    assert matched["xapian"] == matched["whoosh"] and len(matched["whoosh"]) >= 2


@pytest.mark.parametrize("value", ["maybe", "yes please"])
def test_explain_must_be_true_or_false(clients, value):
    response = clients["whoosh"].get("/api/search", query_string={"q": "x", "explain": value})
    body = assert_error_envelope(response, 400)
    assert "explain must be true or false" in body["errors"]


def test_explain_may_be_a_json_boolean(clients):
    response = clients["xapian"].post("/api/search", json={"q": "Lachin", "explain": True})
    assert response.status_code == 200 and "plan" in response.get_json()["query"]
    response = clients["xapian"].post("/api/search", json={"q": "Lachin", "explain": 1})
    assert_error_envelope(response, 400)


TOKEN = "engines-token"


@pytest.mark.parametrize("engine", ["whoosh", "xapian"])
def test_a_write_while_another_holds_the_lock_waits_then_gets_a_503(tmp_path, make_app,
                                                                     resources, engine):
    import xapian

    from index import store
    from index.readers import Document

    path = tmp_path / "index"
    builder(engine)([Document("a", "باكو", "باكو عاصمة أذربيجان")], path, resources)
    client = make_app(INDEX_DIR=str(path), ADMIN_TOKEN=TOKEN, WRITE_TIMEOUT=0.3).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    document = {"id": "b", "title": "يريفان", "body": "يريفان عاصمة أرمينيا"}
    if engine == "xapian":
        holder = xapian.WritableDatabase(str(store.resolved_dir(path)), xapian.DB_OPEN)
    else:
        holder = store.open_index(path).writer()
    try:
        response = client.post("/api/documents", json=document, headers=auth)
        body = assert_error_envelope(response, 503)
        assert "busy" in body["error"] and response.headers["Retry-After"]
        response = client.delete("/api/documents/a", headers=auth)
        assert_error_envelope(response, 503)
    finally:
        holder.close() if engine == "xapian" else holder.cancel()
    assert search(client, q="باكو")["total"] == 1            # nothing was lost
    assert client.post("/api/documents", json=document, headers=auth).status_code == 201
    assert search(client, q="يريفان")["total"] == 1


# Whoosh leaves a file of the corrupt segment open when its reader fails (its code)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("engine", ["whoosh", "xapian"])
def test_a_corrupt_index_is_a_503_naming_the_command_and_the_service_keeps_serving(
        tmp_path, make_app, resources, engine):
    from index import store
    from index.readers import Document

    path = tmp_path / "index"
    builder(engine)([Document("a", "باكو", "باكو عاصمة أذربيجان")], path, resources)
    folder = store.resolved_dir(path)
    client = make_app(INDEX_DIR=str(path)).test_client()
    for part in folder.iterdir():
        if part.is_file() and part.suffix in (".glass", ".trm", ".pst"):
            part.write_bytes(b"\0garbage" * 64)
    response = client.get("/api/search", query_string={"q": "باكو"})
    body = assert_error_envelope(response, 503)
    assert "python -m index build --rebuild" in body["error"]
    assert client.get("/api/health").status_code == 503
    builder(engine)([Document("a", "باكو", "باكو عاصمة أذربيجان")], path, resources,
                       rebuild=True)
    assert search(client, q="باكو")["total"] == 1
    gc.collect()                        # (the leaked file's warning, within this test)


def test_both_engines_give_the_texts_holding_a_term_or_all_of_several(clients):
    handles = {e: c.application.extensions["fahras"].handle for e, c in clients.items()}
    found = {}
    for engine, handle in handles.items():
        with handle.searcher() as searcher:
            alone = searcher.texts_holding("ممر", 50)
            both = searcher.texts_holding(("ممر", "اشتباك"), 50)
            none = searcher.texts_holding(("ممر", "no-such-term"), 50)
            found[engine] = (sorted(alone), sorted(both), none,
                             len(searcher.texts_holding("ممر", 1)))
    assert found["xapian"] == found["whoosh"]
    alone, both, none, one = found["whoosh"]
    assert both and set(both) < set(alone) and none == [] and one == 1
    assert all(any(w in text for w in ("اشتباك", "الاشتباك")) for text in both)
