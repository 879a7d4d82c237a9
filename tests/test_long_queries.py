"""Long queries travel well: POST /api/search and /api/analyze take a JSON body with
the same fields and give the same answer as GET; a request line or header longer
than the service reads gets the JSON envelope (414, 431), under any server."""

import pytest

from tests.support import assert_error_envelope, search

LONG_ARABIC = " ".join(["وقف إطلاق النار في ناغورني كاراباخ بعد الحرب"] * 22)[:990]


def _post(client, path, payload, **kw):
    return client.post(path, json=payload, **kw)


def _same(a, b):
    return {k: v for k, v in a.items() if k != "took_ms"} == \
        {k: v for k, v in b.items() if k != "took_ms"}


@pytest.mark.parametrize("params", [
    {"q": "لاتشين"},
    {"q": "Stepanakert", "per_page": 3, "page": 2},
    {"q": "ceasefire", "lang": "ar", "sort": "date"},
    {"q": "Lachin", "without": ["gazetteer:lachin"]},
    {"q": "كاراباخ", "place": "lachin", "year": 2023},
])
def test_post_gives_the_answer_of_get(client, params):
    got = client.get("/api/search", query_string=params).get_json()
    posted = _post(client, "/api/search", params)
    assert posted.status_code == 200
    assert _same(got, posted.get_json())


def test_post_takes_numbers_as_numbers_or_strings(client):
    as_numbers = _post(client, "/api/search", {"q": "باكو", "page": 1, "per_page": 2})
    as_strings = _post(client, "/api/search", {"q": "باكو", "page": "1", "per_page": "2"})
    assert _same(as_numbers.get_json(), as_strings.get_json())
    assert len(as_numbers.get_json()["results"]) == 2


def test_a_query_of_a_thousand_arabic_letters_travels_by_post(client):
    assert len(LONG_ARABIC) > 900 and len(LONG_ARABIC.encode()) > 1700
    body = _post(client, "/api/search", {"q": LONG_ARABIC}).get_json()
    assert body["ok"] and body["query"]["text"] == LONG_ARABIC.strip()


@pytest.mark.parametrize("payload, named", [
    ({"q": "باكو", "size": 10}, "unknown field 'size'"),
    ({"q": 5}, "q must be a string"),
    ({"q": "باكو", "page": 1.5}, "page must be a string or a whole number"),
    ({"q": "باكو", "page": True}, "page must be a string or a whole number"),
    ({"q": "باكو", "without": [1]}, "without must be a string or a list of strings"),
    ({"q": "باكو", "per_page": 0}, "per_page must be between"),
    ({"page": 1}, "q is required"),
    (["باكو"], "the body must be a JSON object"),
])
def test_a_bad_search_body_is_a_400_naming_the_field(client, payload, named):
    body = assert_error_envelope(_post(client, "/api/search", payload), 400)
    assert named in body["error"]


def test_a_search_body_that_is_not_json_is_a_415_or_400(client):
    assert_error_envelope(client.post("/api/search", data="q=باكو"), 415)
    assert_error_envelope(client.post("/api/search", data="{not json",
                                      content_type="application/json"), 400)


def test_a_deeply_nested_body_is_a_400_not_a_500(client):
    deep = "[" * 50_000 + "]" * 50_000
    for path in ("/api/search", "/api/analyze"):
        body = assert_error_envelope(client.post(path, data=deep,
                                                 content_type="application/json"), 400)
        assert "nested" in body["error"]
    assert search(client, q="باكو")["ok"]


def test_post_analyze_gives_the_answer_of_get(client):
    text = "لخانكندي والمدنيين في Stepanakert"
    got = client.get("/api/analyze", query_string={"text": text}).get_json()
    assert _post(client, "/api/analyze", {"text": text}).get_json() == got
    assert_error_envelope(_post(client, "/api/analyze", {"words": text}), 400)


def test_a_request_line_longer_than_gunicorns_is_a_json_414_under_any_server(client):
    # a GET query of MAX_QUERY_LENGTH Arabic letters fits (6 bytes each encoded) ...
    fits = client.get("/api/search", query_string={"q": LONG_ARABIC})
    assert fits.status_code == 200
    # ... a longer request line does not, and says how to send it
    response = client.get("/api/search", query_string={"q": "ب" * 1000,
                                                       "source": "س" * 400})
    assert "POST /api/search" in assert_error_envelope(response, 414)["error"]
    assert client.get("/api/search?q=باكو").status_code == 200


def test_a_header_longer_than_gunicorns_is_a_json_431(client):
    response = client.get("/api/search?q=باكو", headers={"X-Long": "x" * 9000})
    assert "X-Long" in assert_error_envelope(response, 431)["error"]
