"""Hardening: bad input never breaks the service; headers; rate limits; broken indexes."""

import gc

import pytest

from tests.support import assert_error_envelope

#: run once per engine (tests/conftest.py)
PER_ENGINE = True

BAD_QUERIES = [
    "", "   ", "x" * 10_000, " ".join(["حرب"] * 1000), "؟!…،.;:()[]{}", "في من على",
    '"', "OR OR", "-", "*", "?", "a\x00b", "\x01\x02\x1f", "\u200f\u202eكاراباخ\u202c",
    "🙂🔥", "😀 باكو 🙂", "-لاتشين", '"" -""', "ﷺ", "\ufeff", "\ud7ff",
]


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_odd_queries_get_200_or_a_named_400_and_the_service_goes_on(client, q):
    response = client.get("/api/search", query_string={"q": q})
    # (414: a request line longer than gunicorn reads, as gunicorn would answer)
    assert response.status_code in (200, 400, 414), response.get_json()
    if response.status_code != 200:
        assert_error_envelope(response, response.status_code)
    assert client.get("/api/search?q=باكو").status_code == 200


@pytest.mark.parametrize("raw", [
    "/api/search?q=%FF%FE", "/api/search?q=%C3%28", "/api/search?q=%", "/api/search?q=%E2%82",
])
def test_invalid_utf8_in_the_percent_encoding_is_not_a_500(client, raw):
    assert client.get(raw).status_code in (200, 400)


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "1e3", "abc", "", " 2", "٣",
                                   "99999999999999999999", "0x10"])
@pytest.mark.parametrize("name", ["page", "per_page"])
def test_every_page_value_that_is_not_a_small_positive_integer(client, name, value):
    response = client.get("/api/search", query_string={"q": "باكو", name: value})
    if value == "":
        assert response.status_code == 200
    else:
        assert name in assert_error_envelope(response, 400)["error"]


def test_html_pages_carry_a_csp_without_inline_script(client):
    response = client.get("/api/docs")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_api_responses_are_not_sniffed(client):
    assert client.get("/api/health").headers["X-Content-Type-Options"] == "nosniff"


def test_rate_limit_answers_429_with_retry_after(make_app, index_dir):
    # one request a minute once the burst is spent: a slow first request (opening the
    # index on a loaded machine) cannot earn a token back before the fourth
    client = make_app(INDEX_DIR=str(index_dir), RATE_LIMIT=1, RATE_BURST=3).test_client()
    statuses = [client.get("/api/health").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    limited = client.get("/api/health")
    assert_error_envelope(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1


def test_debug_is_off_outside_development(app):
    assert app.debug is False


# Whoosh leaves the file of a table of contents it fails to unpickle open: collect
# it here so that its ResourceWarning is this test's and ignored, not the next one's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("state", ["missing", "empty", "corrupt", "unreadable"])
def test_a_broken_index_directory_gives_503_with_what_to_do(make_app, tmp_path, state):
    index_dir = tmp_path / "ix"
    if state != "missing":
        index_dir.mkdir()
    if state == "corrupt":
        (index_dir / "_MAIN_1.toc").write_bytes(b"not a table of contents")
    if state == "unreadable":
        (index_dir / "_MAIN_1.toc").mkdir()        # reading it fails, even for root
    client = make_app(INDEX_DIR=str(index_dir)).test_client()
    health = assert_error_envelope(client.get("/api/health"), 503)
    search = assert_error_envelope(client.get("/api/search?q=باكو"), 503)
    assert "python -m index build" in health["error"] + search["error"]
    gc.collect()
