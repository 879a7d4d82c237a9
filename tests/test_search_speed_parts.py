"""The parts that make a search cheaper give the answers of the plain way.

* ``service.boost.Boosted``: the bonus lands on the set's documents only, matches
  what its query matches, and Whoosh's top-N (with block skipping) orders as a full
  sort by the boosted score would.
* ``service.docsets`` facets: the counts of every facet equal counting the stored
  fields of every matching document; they follow new segments after a write.
* ``service.cache``: a repeated search is answered from the cache, a write empties
  it, and ``RESULT_CACHE_SIZE = 0`` turns it off.
"""

import json
import random
from collections import Counter

import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

import service.api
from service.boost import LANGUAGE_OFFSET, Boosted
from service.cache import ResultCache
from service.docsets import DocSets
from tests.support import search

WORDS = "war peace ceasefire corridor drone border talks army".split()


@pytest.fixture(scope="module")
def small_index():
    """2,000 documents in several segments, so that Whoosh skips blocks."""
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(),
                           tag=fields.KEYWORD(stored=True))
    ix = RamStorage().create_index(schema)
    rng = random.Random(7)
    for part in range(4):
        writer = ix.writer()
        for n in range(500):
            words = [rng.choice(WORDS) for _ in range(rng.randint(3, 30))]
            writer.add_document(id=f"d{part}-{n}", body=" ".join(words),
                                tag="focus" if rng.random() < 0.2 else "other")
        writer.commit(merge=False)
    return ix


def _focus(docsets):
    return lambda leaf: docsets.term(leaf, "tag", "focus")


def test_boosted_scores_only_the_sets_documents(small_index):
    docsets = DocSets()
    base = wq.Term("body", "ceasefire")
    with small_index.searcher() as s:
        plain = {h["id"]: (h.score, h["tag"]) for h in s.search(base, limit=None)}
        boosted = {h["id"]: h.score for h in s.search(
            Boosted(base, _focus(docsets), factor=3.0, offset=2.0), limit=None)}
    assert set(boosted) == set(plain)
    assert {tag for _, tag in plain.values()} == {"focus", "other"}
    for doc_id, (score, tag) in plain.items():
        expected = score * 3.0 + 2.0 if tag == "focus" else score
        assert boosted[doc_id] == pytest.approx(expected)


@pytest.mark.parametrize("offset", [0.0, LANGUAGE_OFFSET])
def test_top_n_orders_like_a_full_sort(small_index, offset):
    docsets = DocSets()
    q = Boosted(wq.Or([wq.Term("body", "drone"), wq.Term("body", "border")]),
                _focus(docsets), factor=1.5, offset=offset)
    with small_index.searcher() as s:
        everything = [(round(h.score, 6), h["id"]) for h in s.search(q, limit=None)]
        top = [(round(h.score, 6), h["id"]) for h in s.search(q, limit=10)]
    best = sorted(everything, key=lambda item: -item[0])[:10]
    assert [score for score, _ in top] == [score for score, _ in best]


def test_the_index_has_several_segments(small_index):
    with small_index.searcher() as s:
        assert len(s.leaf_searchers()) > 1


QUERIES = ["لاتشين", "Stepanakert", "وقف إطلاق النار", "ceasefire", "أذربيجان", "drone"]


@pytest.mark.parametrize("q", QUERIES)
def test_facet_counts_equal_counting_every_match(client, app, q):
    body = search(client, q=q, per_page=1)
    handle = app.extensions["fahras"].handle
    with handle.searcher() as searcher:
        matched = [hit.fields() for hit in searcher.search(
            _matching_query(app, searcher, q, body), limit=None)]
    assert body["total"] == len(matched) > 0
    langs = Counter(d["lang"] for d in matched)
    sources = Counter(d["source"] for d in matched if d.get("source"))
    years = Counter(int(d["date"][:4]) for d in matched if d.get("date"))
    entities = Counter(k for d in matched for k in d.get("entities", "").split())
    assert {f["value"]: f["count"] for f in body["facets"]["lang"]} == dict(langs)
    assert {f["value"]: f["count"] for f in body["facets"]["source"]} == dict(sources)
    assert {f["value"]: f["count"] for f in body["facets"]["year"]} == dict(years)
    for facet in body["facets"]["entities"]:
        assert facet["count"] == entities[facet["key"]]


def _matching_query(app, searcher, q, body):
    built = service.api._build(q, app.extensions["fahras"], searcher)
    return built.matching(body["query"]["match"] == "all")


TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


def _post(client, *docs):
    response = client.post("/api/documents", headers=AUTH,
                           data=json.dumps(list(docs), ensure_ascii=False))
    assert response.status_code in (200, 201), response.get_json()


def _doc(doc_id, body, **extra):
    return {"id": doc_id, "title": f"خبر {doc_id}", "body": body, **extra}


def test_facets_and_filters_follow_new_segments(make_app, tmp_path):
    client = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN).test_client()
    _post(client, _doc("a", "قصف على لاتشين", source="one", date="2020-10-01"))
    assert search(client, q="لاتشين")["facets"]["source"] == [{"value": "one", "count": 1}]
    _post(client, _doc("b", "قصف على لاتشين", source="two", date="2021-01-05"),
          _doc("c", "اشتباك قرب لاتشين", source="two", date="2021-02-05"))
    body = search(client, q="لاتشين")
    assert body["total"] == 3
    assert body["facets"]["source"] == [{"value": "two", "count": 2},
                                        {"value": "one", "count": 1}]
    assert body["facets"]["year"] == [{"value": 2021, "count": 2}, {"value": 2020, "count": 1}]
    assert sorted(r["id"] for r in search(client, q="لاتشين", source="two")["results"]) == \
        ["b", "c"]
    assert [r["id"] for r in search(client, q="لاتشين", year=2020)["results"]] == ["a"]
    client.delete("/api/documents/c", headers=AUTH)
    body = search(client, q="لاتشين")
    assert body["total"] == 2
    assert body["facets"]["source"] == [{"value": "one", "count": 1},
                                        {"value": "two", "count": 1}]


def test_a_repeated_search_comes_from_the_cache_until_the_index_changes(
        make_app, tmp_path, monkeypatch):
    client = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN).test_client()
    _post(client, _doc("a", "قصف على لاتشين"))
    calls = []
    real = service.api.run_search
    monkeypatch.setattr(service.api, "run_search",
                        lambda *args, **kw: calls.append(1) or real(*args, **kw))
    first = search(client, q="لاتشين")
    second = search(client, q="لاتشين")
    assert len(calls) == 1
    assert {k: v for k, v in first.items() if k != "took_ms"} == \
        {k: v for k, v in second.items() if k != "took_ms"}
    search(client, q="لاتشين", page=2)           # other parameters: another answer
    assert len(calls) == 2
    _post(client, _doc("b", "اشتباك قرب لاتشين"))
    assert search(client, q="لاتشين")["total"] == 2
    assert len(calls) == 3


def test_the_cache_can_be_turned_off(make_app, index_dir, monkeypatch):
    client = make_app(INDEX_DIR=str(index_dir), RESULT_CACHE_SIZE=0).test_client()
    calls = []
    real = service.api.run_search
    monkeypatch.setattr(service.api, "run_search",
                        lambda *args, **kw: calls.append(1) or real(*args, **kw))
    search(client, q="لاتشين")
    search(client, q="لاتشين")
    assert len(calls) == 2


def test_the_cache_is_bounded_and_keyed_by_generation():
    cache = ResultCache(2)
    cache.put(1, "a", {"n": 1})
    cache.put(1, "b", {"n": 2})
    assert cache.get(1, "a") == {"n": 1}
    cache.put(1, "c", {"n": 3})                  # "b" was used least recently
    assert cache.get(1, "b") is None and cache.get(1, "c") == {"n": 3}
    assert cache.get(2, "a") is None             # a new index generation: emptied
    assert cache.get(1, "a") is None


def test_the_cache_bound_counts_weights():
    cache = ResultCache(4)
    cache.put(1, "a", "A")
    cache.put(1, "b", "B", weight=2)
    cache.put(1, "a", "A2")                      # replacing does not count twice
    assert cache.weight == 3 and cache.get(1, "a") == "A2"
    cache.put(1, "big", "X", weight=3)           # drops "b" (least recent), then fits
    assert cache.get(1, "b") is None and cache.get(1, "big") == "X"
    assert cache.get(1, "a") == "A2" and cache.weight == 4
    cache.put(1, "huge", "H", weight=5)          # heavier than the whole cache: not kept
    assert cache.get(1, "huge") is None and cache.weight == 4
    assert cache.get(2, "a") is None and cache.weight == 0


def test_large_pages_weigh_more_in_the_answer_cache(make_app, index_dir):
    app = make_app(INDEX_DIR=str(index_dir), RESULT_CACHE_SIZE=3, DEFAULT_PER_PAGE=1)
    client = app.test_client()
    cache = app.extensions["fahras"].results
    assert search(client, q="لاتشين", per_page=2)["total"] >= 2
    assert cache.weight == 2
    search(client, q="ستيباناكيرت", per_page=1)
    assert cache.weight == 3
    search(client, q="كاراباخ", per_page=2)      # evicts the oldest to fit
    assert cache.weight == 3
