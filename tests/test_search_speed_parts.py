"""The parts that make a search cheaper give the answers of the plain way.

* ``service.search`` proximity rescoring: within the window, the order and scores
  are those of the proximity clause scored inside the query for every match
  (``service.engines.whoosh_ranking``, itself held to Whoosh's scores in ``tests/test_ranking.py``).
* ``service.engines.whoosh_docsets`` bit sets: ``matching`` finds exactly the documents Whoosh's
  matchers find, on random query trees over several segments with deletions made
  after the cache was filled; its cache stays within its byte bound.
* ``service.engines.whoosh_docsets`` facets and totals: the counts of every facet and the total,
  with and without filters, equal counting the stored fields of every matching
  document; they follow new segments after a write.
* ``service.cache``: a repeated search is answered from the cache, a write empties
  it, and ``RESULT_CACHE_SIZE = 0`` turns it off.
"""

import json
import random
import time
from collections import Counter

import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from index import whoosh_private
import service.core
import service.engines.whoosh_docsets as docsets_mod
import service.search
from service.engines import whoosh_engine
from service.cache import ResultCache
from service.deadline import Deadline
from service.engines.whoosh_docsets import DocSets, to_bits
from service.engines.whoosh_query import to_whoosh
from service.params import SearchParams
from service.engines.whoosh_ranking import rank
from service.engines.whoosh_scoring import CachedLengthsBM25F
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


PROXIMITY_QUERIES = ["وقف إطلاق النار", "Nagorno-Karabakh ceasefire", "ممر لاتشين",
                     "أذربيجان أرمينيا", "Azerbaijan Armenia"]


def _scored_everywhere(searcher, built, require_all, docsets, prefer_lang):
    """Every match with the proximity clause scored inside the query (``built.ranked``)
    and the search's score rules, best first."""
    raw = searcher.raw
    matched, _ = whoosh_engine.matching(raw, built.matching(require_all), docsets)
    rules = whoosh_engine.bonus_rules(_request(built, 10, prefer_lang, require_all).bonus,
                                      docsets)
    hits, _ = rank(raw, to_whoosh(built.ranked(require_all)), matched, rules, 10**6, docsets)
    return [(h.docnum, h.score) for h in hits]


def _request(built, per_page, prefer_lang, require_all):
    return service.search.search_request(built, SearchParams(q="x", per_page=per_page),
                                         prefer_lang, require_all=require_all)


@pytest.mark.parametrize("prefer_lang", [None, "ar"])
@pytest.mark.parametrize("q", PROXIMITY_QUERIES)
def test_proximity_in_the_rescore_window_ranks_as_scoring_it_everywhere(app, q, prefer_lang):
    # the fixture has fewer matches than RESCORE_WINDOW: the same order and scores as
    # the proximity clause inside the query, scored for every match and sorted
    fahras = app.extensions["fahras"]
    docsets = DocSets()
    with fahras.handle.searcher() as searcher:
        built = service.core.build_query(q, fahras, searcher)
        assert built.proximity is not None
        matched, _ = whoosh_engine.matching(searcher.raw, built.matching(True), docsets)
        require_all = any(bits for _, _, bits in matched)
        if not require_all:
            matched, _ = whoosh_engine.matching(searcher.raw, built.matching(False), docsets)
        deadline = Deadline(None)
        got = whoosh_engine.ranked(searcher.raw, _request(built, 50, prefer_lang, require_all),
                                   docsets, matched, deadline)
        everything = _scored_everywhere(searcher, built, require_all, docsets, prefer_lang)
    assert not deadline.cuts
    assert len(got) == len(everything) > 1
    assert [h.docnum for h in got] == [d for d, _ in everything]
    assert [h.score for h in got] == pytest.approx([score for _, score in everything])


@pytest.mark.parametrize("window", [1, 2, 3, 4])
def test_only_the_rescore_window_gets_the_proximity_bonus(app, monkeypatch, window):
    monkeypatch.setattr(whoosh_engine, "RESCORE_WINDOW", window)
    fahras = app.extensions["fahras"]
    docsets = DocSets()
    q = "أذربيجان أرمينيا"
    with fahras.handle.searcher() as searcher:
        built = service.core.build_query(q, fahras, searcher)
        matched, _ = whoosh_engine.matching(searcher.raw, built.matching(True), docsets)
        request = _request(built, 1, "ar", True)
        got = whoosh_engine.ranked(searcher.raw, request, docsets, matched)
        rules = whoosh_engine.bonus_rules(request.bonus, docsets)
        without = [h.docnum for h in rank(searcher.raw, to_whoosh(built.matching(True)),
                                          matched, rules, 10**6, docsets)[0]]
        full = dict(_scored_everywhere(searcher, built, True, docsets, "ar"))
    # the best of the `window` best without the bonus, once each has its bonus
    assert len(without) > 4
    assert got[0].docnum == min(without[:window], key=lambda d: (-full[d], d))
    assert got[0].score == pytest.approx(full[got[0].docnum])


def test_the_cache_sizes_come_from_the_settings(make_app, index_dir):
    app = make_app(INDEX_DIR=str(index_dir), MATCH_CACHE_MB=0.5, POSTINGS_CACHE_MB=0.25)
    assert search(app.test_client(), q="كاراباخ لاتشين")["total"] > 0
    docsets = app.extensions["fahras"].handle.caches["whoosh"]
    assert docsets.max_bits_bytes == 2**19 and 0 < docsets.bits_bytes <= 2**19
    assert docsets.max_postings_bytes == 2**18 and 0 < docsets.postings_bytes <= 2**18


def test_cached_field_lengths_give_whooshs_scores(small_index):
    docsets = DocSets()
    queries = [wq.Term("body", "drone"), wq.Or([wq.Term("body", w) for w in WORDS[:4]]),
               wq.And([wq.Term("body", "war"), wq.Term("body", "peace")])]
    with small_index.searcher() as plain, \
            small_index.searcher(weighting=CachedLengthsBM25F(docsets)) as cached:
        for q in queries:
            expected = {h["id"]: h.score for h in plain.search(q, limit=None)}
            assert {h["id"]: h.score for h in cached.search(q, limit=None)} == expected
            assert len(set(expected.values())) > 5
        leaf = cached.leaf_searchers()[1][0]
        lengths = docsets.lengths(leaf, "body")
        assert list(lengths) == [leaf.reader().doc_field_length(n, "body")
                                 for n in range(leaf.doc_count_all())]


def test_columns_read_whole_equal_columns_read_value_by_value(app, monkeypatch):
    # the fast paths read Whoosh's column bytes through private attributes; without
    # them, the same values one document at a time
    handle = app.extensions["fahras"].handle
    with handle.searcher() as searcher:
        leaves = [leaf for leaf, _ in searcher.raw.leaf_searchers()]
        fast = [(docsets_mod.field_lengths(leaf, "body").tolist(),
                 docsets_mod.column_codes(leaf, "lang"), docsets_mod.column_codes(leaf, "date"))
                for leaf in leaves]
        monkeypatch.setattr(whoosh_private, "FIXED_COLUMN", ("no such attribute",))
        monkeypatch.setattr(whoosh_private, "VAR_COLUMN", ("no such attribute",))
        slow = [(docsets_mod.field_lengths(leaf, "body").tolist(),
                 docsets_mod.column_codes(leaf, "lang"), docsets_mod.column_codes(leaf, "date"))
                for leaf in leaves]
    for (lengths, *columns), (slow_lengths, *slow_columns) in zip(fast, slow):
        assert lengths == slow_lengths and any(lengths)
        for (values, codes), (slow_values, slow_codes) in zip(columns, slow_columns):
            assert [values[c] for c in codes] == [slow_values[c] for c in slow_codes]
            assert len(set(values)) > 1


def test_a_search_past_its_time_limit_says_so_and_is_not_kept(make_app, tmp_path):
    app = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN)
    client = app.test_client()
    _post(client, *[_doc(f"d{n}", f"قصف على لاتشين رقم {n}") for n in range(150)])
    body = search(client, q="قصف لاتشين")
    assert body["timed_out"] is False and body["total"] == 150
    assert body["total_relation"] == "eq" and body["query"]["cut"] == []
    # past the limit before anything was read: nothing found, and it says so
    hurried = make_app(INDEX_DIR=str(tmp_path / "ix"), SEARCH_TIME_LIMIT=1e-9)
    response = hurried.test_client().get("/api/search", query_string={"q": "قصف لاتشين"})
    body = response.get_json()
    assert response.status_code == 200 and body["timed_out"] is True
    assert response.headers["Fahras-Timed-Out"] == "true"
    assert body["total"] < 150 and body["total_relation"] == "gte"
    assert "matching" in {cut["part"] for cut in body["query"]["cut"]}
    # a partial answer is not kept for the next request
    assert hurried.extensions["fahras"].results.weight == 0
    assert app.extensions["fahras"].results.weight == 1


def test_the_index_has_several_segments(small_index):
    with small_index.searcher() as s:
        assert len(s.leaf_searchers()) > 1


def _random_query(rng: random.Random, depth: int = 0) -> wq.Query:
    if depth > 2 or rng.random() < 0.3:
        if rng.random() < 0.15:
            return wq.Phrase("body", rng.sample(WORDS, 2), slop=rng.choice([1, 3]))
        return wq.Term("body", rng.choice(WORDS + ["absent"]))
    subs = [_random_query(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    kind = rng.choice(["or", "and", "dismax", "andmaybe", "andnot", "minmatch"])
    if kind == "or":
        return wq.Or(subs)
    if kind == "and":
        return wq.And(subs)
    if kind == "dismax":
        return wq.DisjunctionMax(subs)
    if kind == "minmatch":
        return wq.Or(subs + [_random_query(rng, depth + 1)], minmatch=2)
    other = _random_query(rng, depth + 1)
    return wq.AndMaybe(subs[0], other) if kind == "andmaybe" else wq.AndNot(subs[0], other)


def _without_and_not(q: wq.Query) -> wq.Query:
    """``q`` with ``AndNot(a, b)`` written ``And(a, Not(b))``: Whoosh's ``AndNotMatcher``
    never checks the positive side's first document against the negative side when
    the negative starts earlier, so ``army -drone`` finds "army drone" (see
    ``test_and_not_leak_of_whoosh_does_not_reach_results``)."""
    if isinstance(q, wq.AndNot):
        return wq.And([_without_and_not(q.a), wq.Not(_without_and_not(q.b))])
    if isinstance(q, wq.AndMaybe):
        return wq.AndMaybe(_without_and_not(q.a), _without_and_not(q.b))
    if isinstance(q, wq.CompoundQuery):
        return type(q)([_without_and_not(sub) for sub in q.subqueries],
                       **({"minmatch": q.minmatch} if isinstance(q, wq.Or) else {}))
    return q


def test_whooshs_and_not_matcher_leaks_its_first_document():
    # the reason the references below avoid AndNot, and the service restricts its
    # ranking to the matching bits
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(stored=True)))
    with ix.writer() as writer:
        for body in ("drone", "army drone", "army"):
            writer.add_document(body=body)
    q = wq.AndNot(wq.Term("body", "army"), wq.Term("body", "drone"))
    with ix.searcher() as s:
        assert sorted(s.docs_for_query(q)) == [1, 2]                 # 1 is "army drone"
        assert sorted(s.docs_for_query(_without_and_not(q))) == [2]
        assert _docnums(DocSets(), s, q) == {2}


def _docnums(docsets, searcher, query):
    found = set()
    for leaf, offset in searcher.leaf_searchers():
        bits = docsets.matching(leaf, query)
        found |= {offset + n for n in range(bits.bit_length()) if bits >> n & 1}
    return found


def test_matching_bits_equal_whooshs_matches_with_deletions():
    schema = fields.Schema(id=fields.ID(stored=True, unique=True), body=fields.TEXT())
    ix = RamStorage().create_index(schema)
    rng = random.Random(11)
    for part in range(3):
        with ix.writer() as writer:
            for n in range(300):
                words = [rng.choice(WORDS) for _ in range(rng.randint(2, 12))]
                writer.add_document(id=f"d{part}-{n}", body=" ".join(words))
        # (a writer used as a context manager commits, merging small segments: keep them)
    docsets = DocSets()
    queries = [_random_query(random.Random(seed)) for seed in range(150)]
    with ix.searcher() as s:
        kinds = {type(q).__name__ for q in queries}
        for q in queries:
            assert _docnums(docsets, s, q) == set(s.docs_for_query(_without_and_not(q))), q
    assert {"Or", "And", "DisjunctionMax", "AndMaybe", "AndNot", "Term"} <= kinds
    # deletions after the cache was filled: the same segments, fewer live documents
    with ix.writer() as writer:
        for n in range(0, 300, 3):
            writer.delete_by_term("id", f"d1-{n}")
    with ix.searcher() as s:
        assert s.doc_count() < s.doc_count_all()
        for q in queries:
            assert _docnums(docsets, s, q) == set(s.docs_for_query(_without_and_not(q))), q


def test_term_bits_stay_within_their_byte_bound(small_index):
    docsets = DocSets(max_bits_bytes=200)
    with small_index.searcher() as s:
        leaf = s.leaf_searchers()[0][0]
        expected = {w: to_bits(leaf.reader().postings("body", w).all_ids()) for w in WORDS}
        for word in WORDS * 2:
            assert docsets.term_bits(leaf, "body", word) == expected[word]
            assert 0 < docsets.bits_bytes <= 200


def test_postings_arrays_stay_within_their_own_byte_bound(small_index):
    # a word's postings here take 2-3 kB (12 bytes each): room for two or three, and
    # the bit sets are kept apart
    docsets = DocSets(max_bits_bytes=10_000, max_postings_bytes=7_000)
    with small_index.searcher() as s:
        leaf = s.leaf_searchers()[0][0]
        expected = {w: list(leaf.reader().postings("body", w).all_ids()) for w in WORDS}
        for word in WORDS * 2:
            assert docsets.postings(leaf, "body", word).ids.tolist() == expected[word]
            assert docsets.term_bits(leaf, "body", word) == to_bits(expected[word])
            assert 2_000 < docsets.postings_bytes <= 7_000
        assert docsets.bits_bytes == sum(docsets.term_bits(leaf, "body", w).bit_length() + 7 >> 3
                                         for w in WORDS)
    assert sum(12 * len(ids) for ids in expected.values()) > 3 * 7_000


QUERIES = ["لاتشين", "Stepanakert", "وقف إطلاق النار", "ceasefire", "أذربيجان", "drone"]


@pytest.mark.parametrize("q", QUERIES)
def test_facet_counts_equal_counting_every_match(client, app, q):
    body = search(client, q=q, per_page=1)
    handle = app.extensions["fahras"].handle
    with handle.searcher() as searcher:
        matched = [hit.fields() for hit in searcher.raw.search(
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


FILTERS = [{"lang": "ar"}, {"lang": "en"}, {"place": "lachin"}, {"year": 2020},
           {"from": "2016-01-01", "to": "2020-12-31"}, {"lang": "ar", "year": 2023}]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("q", ["كاراباخ", "Karabakh", "أذربيجان"])
def test_filtered_totals_equal_counting_every_match(client, app, q, filters):
    plain = search(client, q=q, per_page=1)
    body = search(client, q=q, per_page=50, **filters)
    handle = app.extensions["fahras"].handle
    with handle.searcher() as searcher:
        matched = [hit.fields() for hit in searcher.raw.search(
            _matching_query(app, searcher, q, plain), limit=None)]

    def passes(d):
        date = d.get("date") or ""
        return ((filters.get("lang") is None or d["lang"] == filters["lang"])
                and (filters.get("place") is None
                     or filters["place"] in d.get("entities", "").split())
                and (filters.get("year") is None or date[:4] == str(filters["year"]))
                and (filters.get("from") is None or filters["from"] <= date)
                and (filters.get("to") is None or date and date <= filters["to"]))
    expected = {d["id"] for d in matched if passes(d)}
    assert body["total"] == len(expected) < plain["total"]
    assert {r["id"] for r in body["results"]} == expected
    assert sum(f["count"] for f in body["facets"]["lang"]) == len(expected)


def _matching_query(app, searcher, q, body):
    built = service.core.build_query(q, app.extensions["fahras"], searcher)
    return to_whoosh(built.matching(body["query"]["match"] == "all"))


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


def test_an_excluded_word_never_reaches_the_results(make_app, tmp_path):
    # the order that makes Whoosh's AndNot matcher leak: a document with only the
    # excluded word first, then one with both words
    client = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN).test_client()
    _post(client, _doc("a", "قصف على لاتشين"), _doc("b", "قصف على كاراباخ ولاتشين"),
          _doc("c", "قصف على كاراباخ"))
    body = search(client, q="كاراباخ -لاتشين")
    assert [r["id"] for r in body["results"]] == ["c"] and body["total"] == 1
    body = search(client, q="قصف -لاتشين", sort="date")
    assert [r["id"] for r in body["results"]] == ["c"] and body["total"] == 1


def test_a_repeated_search_comes_from_the_cache_until_the_index_changes(
        make_app, tmp_path, monkeypatch):
    client = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN).test_client()
    _post(client, _doc("a", "قصف على لاتشين"))
    calls = []
    real = service.core.run_search
    monkeypatch.setattr(service.core, "run_search",
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
    real = service.core.run_search
    monkeypatch.setattr(service.core, "run_search",
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
