"""GET /api/search through Flask's test client, on seeds/ plus tests/data/fixtures.jsonl."""

import pytest

from tests.support import assert_error_envelope, ids, search

#: run once per engine (tests/conftest.py)
PER_ENGINE = True


def test_success_envelope(client):
    body = search(client, q="كاراباخ")
    assert body["ok"] is True
    assert {"total", "page", "per_page", "took_ms", "query", "results"} <= set(body)
    result = body["results"][0]
    assert {"id", "title", "snippet", "score", "lang", "dir", "source", "date", "url",
            "places"} <= set(result)


def test_arabic_query_finds_arabic_news(client):
    body = search(client, q="قوات حفظ السلام")
    assert "004_29f6f012e7cc2442" in ids(body)
    assert body["query"]["lang"] == "ar" and body["query"]["lang_method"] == "script"


def test_transliterated_name_finds_other_spelling_and_reports_expansion(client):
    body = search(client, q="Stepanakert")
    assert "002_d16953ad185bce75" in ids(body)       # Arabic: خانكيندي / ستيباناكيرت
    assert "fx-en-stepanakert" in ids(body)
    [expansion] = body["query"]["expansions"]
    assert expansion["entity"]["key"] == "stepanakert" and expansion["source"] == "gazetteer"
    assert "خانكيندي" in expansion["also"] or "خانكندي" in expansion["also"]


def test_snippet_marks_the_word_as_written(client):
    body = search(client, q="خانكندي")
    arabic = next(r for r in body["results"] if r["id"] == "002_d16953ad185bce75")
    assert "<mark>خانكيندي</mark>" in arabic["snippet"]


def test_snippet_marks_clitics_and_harakat_with_the_word(client):
    body = search(client, q="معدة")
    seed = next(r for r in body["results"] if r["id"] == "000_46c1263662adc72e")
    assert "<mark>ومُعَدّة</mark>" in seed["snippet"]


def test_exact_form_ranks_above_stem_only_match(client):
    body = search(client, q="مُعَدّة")
    assert ids(body)[0] == "000_46c1263662adc72e"


def test_exact_spelling_ranks_above_a_variant(client):
    body = search(client, q="لاسين")
    assert ids(body)[0] == "003_4e59279048276d62"   # the only seed that writes لاسين


def test_lachin_spellings_find_the_same_articles(client):
    expected = {"002_d16953ad185bce75", "003_4e59279048276d62", "004_29f6f012e7cc2442"}
    for q in ("Lachin", "Lacin", "لاتشين", "لاسين"):
        assert expected <= set(ids(search(client, q=q))), q


def test_orthographic_variants_find_the_same_articles(client):
    assert set(ids(search(client, q="اذربيجان"))) == set(ids(search(client, q="أذربيجان")))
    assert set(ids(search(client, q="2020"))) == set(ids(search(client, q="٢٠٢٠")))


def test_quoted_phrase_requires_the_words_in_order(client):
    body = search(client, q='"ممر لاتشين"')
    assert {"002_d16953ad185bce75", "004_29f6f012e7cc2442"} <= set(ids(body))
    assert "000_46c1263662adc72e" not in ids(body)


def test_excluded_word_removes_documents(client):
    with_word = set(ids(search(client, q="كاراباخ")))
    without = set(ids(search(client, q="كاراباخ -لاتشين")))
    assert "002_d16953ad185bce75" in with_word - without


def test_or_finds_either_word(client):
    either = set(ids(search(client, q="ستيباناكيرت OR آرتساخ")))
    assert {"002_d16953ad185bce75", "000_46c1263662adc72e"} <= either


def test_a_word_that_is_nowhere_leaves_no_result_of_the_commonest_alone(client):
    # كلاشينكوف is in no article: the articles of باشينيان, the commonest concept,
    # hold only it, and are no result; the stages say what was tried
    assert search(client, q="باشينيان")["total"] > 0
    body = search(client, q="باشينيان كلاشينكوف")
    assert body["total"] == 0 and body["query"]["match"] == "all"
    assert body["query"]["stages"] == [{"concepts": 2, "total": 0},
                                       {"concepts": 1, "total": 0}]


def test_furniture_does_not_make_an_article_match(client):
    for q in ("حاملة الطائرات فوجيان", "نور الدين", "اترك تعليقاً", "لورا"):
        assert "002_d16953ad185bce75" not in ids(search(client, q=q)), q


@pytest.mark.parametrize(("q", "trap"), [
    ("كاراباخ", "fx-trap-carvajal"),
    ("كاراباخ", "fx-trap-club"),
    ("Nagorno-Karabakh", "fx-trap-nagourney"),
    ("Nagorno-Karabakh", "fx-trap-club"),
])
def test_precision_traps_do_not_match(client, q, trap):
    assert trap not in ids(search(client, q=q))


def test_filters_by_language_and_place(client):
    english = search(client, q="Stepanakert", lang="en")
    assert ids(english) and all(r["lang"] == "en" for r in english["results"])
    lachin = search(client, q="أذربيجان", place="lachin")
    assert lachin["results"]
    assert all(any(p["key"] == "lachin" for p in r["places"]) for r in lachin["results"])


def test_result_direction_follows_language(client):
    body = search(client, q="Stepanakert")
    directions = {r["lang"]: r["dir"] for r in body["results"]}
    assert directions == {"ar": "rtl", "en": "ltr"}


def test_pagination_splits_results(client):
    everything = ids(search(client, q="أذربيجان", per_page=50))
    first = search(client, q="أذربيجان", per_page=2, page=1)
    second = search(client, q="أذربيجان", per_page=2, page=2)
    assert ids(first) + ids(second) == everything[:4]
    assert first["total"] == len(everything)


def test_page_past_the_end_is_empty_with_the_total(client):
    body = search(client, q="أذربيجان", page=99)
    assert body["results"] == [] and body["total"] > 0 and body["page"] == 99


def test_snippets_are_escaped_except_marks(client):
    body = search(client, q="ceasefire report")
    result = next(r for r in body["results"] if r["id"] == "fx-xss")
    assert "<img" not in result["snippet"] and "&lt;img" in result["snippet"]
    assert "<script>" not in result["title_html"]
    assert result["title"] == "Ceasefire <script>alert('title')</script> report"


@pytest.mark.parametrize(("params", "message"), [
    ({}, "q is required"),
    ({"q": ""}, "q is required"),
    ({"q": "   "}, "q is required"),
    ({"q": "x", "page": "0"}, "page must be between"),
    ({"q": "x", "page": "abc"}, "page must be a whole number"),
    ({"q": "x", "per_page": "500"}, "per_page must be between"),
    ({"q": "x", "per_page": "-1"}, "per_page must be a whole number"),
    ({"q": "x", "lang": "fr"}, "lang must be one of ar, en"),
    ({"q": "x", "place": "atlantis"}, "place 'atlantis' is not a known entity key"),
    ({"q": "the of"}, "q has no word to search for"),
    ({"q": "؟!،"}, "q has no word to search for"),
])
def test_bad_parameters_get_400_naming_the_problem(client, params, message):
    body = assert_error_envelope(client.get("/api/search", query_string=params), 400)
    assert message in body["error"]


def test_overlong_query_gets_400(client, app):
    limit = app.extensions["fahras"].settings["MAX_QUERY_LENGTH"]
    body = assert_error_envelope(client.get("/api/search", query_string={"q": "x" * (limit + 1)}),
                                 400)
    assert "at most" in body["error"]


def test_repeated_parameter_gets_400(client):
    assert_error_envelope(client.get("/api/search?q=a&q=b"), 400)


def test_unknown_api_path_gets_json_404(client):
    assert_error_envelope(client.get("/api/nothing-here"), 404)


def test_no_index_gets_503_with_what_to_run(make_app, tmp_path):
    app = make_app(INDEX_DIR=str(tmp_path / "none"))
    body = assert_error_envelope(app.test_client().get("/api/search?q=x"), 503)
    assert "python -m index build" in body["error"]


def test_unexpected_error_gets_500_without_traceback(client, monkeypatch):
    import service.core

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service.core, "run_search", boom)
    body = assert_error_envelope(client.get("/api/search?q=باكو"), 500)
    assert body["error"] == "internal error"


def test_facets_count_every_match_by_language_and_place(client):
    body = search(client, q="أذربيجان", per_page=50)
    langs = {f["value"]: f["count"] for f in body["facets"]["lang"]}
    expected = {}
    for result in body["results"]:
        expected[result["lang"]] = expected.get(result["lang"], 0) + 1
    assert langs == expected
    lachin = next(f for f in body["facets"]["places"] if f["key"] == "lachin")
    assert lachin["count"] == sum(any(p["key"] == "lachin" for p in r["places"])
                                  for r in body["results"])
    assert lachin["name_ar"] == "لاتشين"


def test_facets_by_source_and_year(client):
    body = search(client, q="ceasefire", per_page=50)
    assert {"value": "Fahras fixtures", "count": body["total"] - sum(
        1 for r in body["results"] if r["source"] != "Fahras fixtures")} in body["facets"]["source"]
    years = {f["value"] for f in body["facets"]["year"]}
    assert years == {int(r["date"][:4]) for r in body["results"] if r["date"]}


def test_filters_by_source_year_and_date_range(client):
    assert all(r["source"] == "Fahras fixtures" for r in search(
        client, q="أرمينيا", source="Fahras fixtures")["results"])
    assert [r["id"] for r in search(client, q="أرمينيا", year=2020)["results"]] == ["fx-ar-digits"]
    ranged = search(client, q="ceasefire", **{"from": "2020-01-01", "to": "2021-12-31"})
    assert ranged["results"] and all("2020" <= r["date"] <= "2021-12-31" for r in ranged["results"])


@pytest.mark.parametrize(("sort", "newest_first"), [("date", True), ("oldest", False)])
def test_sort_by_date_either_way_with_no_score(client, sort, newest_first):
    body = search(client, q="Stepanakert OR الأقدام OR مباراة", sort=sort)
    dates = [r["date"] for r in body["results"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=newest_first) and len(dated) > 1
    assert dates[:len(dated)] == dated and None in dates      # undated last
    assert all(r["score"] is None for r in body["results"])


@pytest.mark.parametrize(("params", "message"), [
    ({"q": "x", "from": "2020-13-01"}, "from must be a date"),
    ({"q": "x", "from": "2021-01-01", "to": "2020-01-01"}, "from must not be after to"),
    ({"q": "x", "sort": "best"}, "sort must be one of"),
    ({"q": "x", "year": "twenty"}, "year must be a whole number"),
])
def test_bad_filters_get_400(client, params, message):
    assert message in assert_error_envelope(client.get("/api/search", query_string=params),
                                            400)["error"]


def test_partial_matches_follow_the_full_ones_and_say_how_far(client):
    """One article holds all three concepts (الحرب, كاراباخ, الطائرات المسيرة); those
    holding two follow it, then one; the stages say how many documents each found."""
    body = search(client, q="الحرب في كاراباخ بعد الطائرات المسيرة", per_page=20)
    query, results = body["query"], body["results"]
    assert query["match"] == "partial" and query["concepts"] == 3
    assert query["stages"][0] == {"concepts": 3, "total": 1}
    assert [s["concepts"] for s in query["stages"]] == [3, 2, 1][:len(query["stages"])]
    assert body["total"] == sum(s["total"] for s in query["stages"]) == len(results)
    matched = [r["concepts"] for r in results]
    assert matched[0] == 3 and matched == sorted(matched, reverse=True) and 2 in matched
    # within a stage, by relevance
    for k in set(matched):
        scores = [r["score"] for r in results if r["concepts"] == k]
        assert scores == sorted(scores, reverse=True)


def test_full_matches_enough_need_no_stages(client):
    body = search(client, q="كاراباخ")
    assert body["query"]["match"] == "all" and body["query"]["stages"] == []
    assert {r["concepts"] for r in body["results"]} == {1}


def test_partial_matches_page_on_and_sort_by_date(client):
    q = "ceasefire Karabakh kalashnikov"
    four = ids(search(client, q=q, per_page=4))
    assert ids(search(client, q=q, per_page=2)) + ids(search(client, q=q, per_page=2, page=2)) \
        == four
    dated = search(client, q=q, per_page=20, sort="date")
    assert dated["query"]["match"] == "partial"
    assert ids(dated) and set(ids(dated)) == set(ids(search(client, q=q, per_page=20)))
    dates = [r["date"] or "" for r in dated["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(("q", "entity"), [
    # تارتار is mostly tartare or dental tartar: the place only beside one of its cues
    ("تارتار", False), ("قصف تارتار", True), ("Tartar", False), ("Tartar district", True),
    # جبرائيل is the archangel's name too
    ("جبرائيل", False), ("تحرير جبرائيل", True),
])
def test_a_spelling_usually_something_else_names_the_place_only_beside_a_cue(
        client, q, entity):
    body = search(client, q=q)
    keys = {e["entity"]["key"] for e in body["query"]["expansions"] if e.get("entity")}
    assert bool(keys & {"tartar", "jabrayil"}) == entity, body["query"]["expansions"]


def test_an_ambiguous_spelling_without_cues_keeps_its_confirmed_documents(client):
    # قره باغ (also the football club) has no cues: alone it is still the region,
    # searched where context confirmed it
    body = search(client, q="قره باغ")
    [expansion] = [e for e in body["query"]["expansions"] if e.get("entity")]
    assert expansion["entity"]["key"] == "nagorno_karabakh" and expansion["entity"]["ambiguous"]
