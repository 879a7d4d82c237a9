"""The HTML pages through Flask's test client (fast; the browser tests are in tests/browser/)."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from service.pages import MESSAGES, marked_paragraphs, plural, safe_url


class _Page(HTMLParser):
    """Collects what the tests look at: tags with their attributes and inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def find(self, tag, **attrs) -> list[dict]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(response) -> _Page:
    page = _Page()
    page.feed(response.get_data(as_text=True))
    return page


def html_attrs(response) -> dict:
    return parse(response).find("html")[0]


def test_search_page_is_html_with_a_labelled_search_box(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = parse(response)
    box = page.find("input", id="q")[0]
    assert box["type"] == "search" and box["name"] == "q" and box["dir"] == "auto"
    assert page.find("label", **{"for": "q"})
    assert page.find("form", role="search")[0]["action"] == "/"


def test_interface_defaults_to_arabic(client):
    assert html_attrs(client.get("/")) == {"lang": "ar", "dir": "rtl"}


@pytest.mark.parametrize(("ui", "lang", "direction"), [("ar", "ar", "rtl"), ("en", "en", "ltr")])
def test_ui_parameter_sets_language_and_direction(client, ui, lang, direction):
    assert html_attrs(client.get(f"/?ui={ui}")) == {"lang": lang, "dir": direction}


@pytest.mark.parametrize(("header", "lang"), [
    ("en-GB,en;q=0.9", "en"),
    ("ar-EG,ar;q=0.9,en;q=0.5", "ar"),
    ("fr-FR,fr;q=0.9", "ar"),
    ("fr-FR,en;q=0.5", "en"),
])
def test_accept_language_chooses_the_interface(client, header, lang):
    assert html_attrs(client.get("/", headers={"Accept-Language": header}))["lang"] == lang


def test_ui_parameter_wins_over_accept_language(client):
    response = client.get("/?ui=ar", headers={"Accept-Language": "en"})
    assert html_attrs(response)["lang"] == "ar"


def test_unknown_ui_value_falls_back(client):
    assert html_attrs(client.get("/?ui=fr", headers={"Accept-Language": "en"}))["lang"] == "en"


def test_language_switch_keeps_the_search(client):
    page = parse(client.get("/?q=Lachin&page=2&place=lachin&without=gazetteer:lachin&ui=en"))
    switch = page.find("a", id="ui-switch")[0]
    assert switch["href"] == ("/?q=Lachin&page=2&place=lachin&without=gazetteer%3Alachin&ui=ar")
    assert switch["lang"] == "ar"


def test_query_from_the_url_fills_the_search_box(client):
    box = parse(client.get("/?q=ممر لاتشين")).find("input", id="q")[0]
    assert box["value"] == "ممر لاتشين"


def test_query_text_is_escaped_in_the_page(client):
    body = client.get('/?q="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)" in body


@pytest.mark.parametrize("url", ["/", "/?q=Lachin&ui=en", "/doc/fx-xss?q=ceasefire",
                                 "/doc/no-such-document", "/doc/002_d16953ad185bce75"])
def test_pages_have_no_inline_script_or_event_handlers(client, url):
    response = client.get(url)
    page = parse(response)
    assert page.inline_scripts == []
    assert all(a.get("src", "").startswith("/static/") for a in page.find("script"))
    handlers = [(t, k) for t, a in page.tags for k in a if k.lower().startswith("on")]
    assert handlers == []
    assert not page.find("style")
    assert all("style" not in a for _, a in page.tags)


def test_messages_reach_the_script_as_data(client):
    page = parse(client.get("/?ui=en"))
    body = page.find("body")[0]
    assert '"search_button": "Search"' in body["data-messages"]
    assert body["data-timeout-ms"] == "8000"


@pytest.mark.parametrize("path", ["/static/search.js", "/static/fahras.css", "/static/favicon.svg"])
def test_static_files_are_served(client, path):
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.get_data()


def test_unknown_document_gets_a_designed_404_page(client):
    response = client.get("/doc/no-such-document?q=Lachin&ui=en")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = parse(response)
    assert html_attrs(response) == {"lang": "en", "dir": "ltr"}
    assert "This article isn't in the archive" in unescape(response.get_data(as_text=True))
    assert page.find("input", id="q")[0]["value"] == "Lachin"
    assert page.find("a", **{"class": "back-link"})[0]["href"] == "/?q=Lachin&ui=en"


def test_document_page_marks_the_query(client):
    response = client.get("/doc/002_d16953ad185bce75?q=Stepanakert")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert re.search(r'<mark id="match-1" tabindex="-1">(خانكيندي|ستيباناكيرت)</mark>', body)
    attrs = parse(response).find("article")[0]
    assert attrs["lang"] == "ar" and attrs["dir"] == "rtl"


def test_the_first_match_anchor_is_in_the_body_and_only_once(client):
    body = client.get("/doc/fx-en-stepanakert?q=Stepanakert").get_data(as_text=True)
    title = body.split('class="document__title"')[1].split("</h1>")[0]
    assert re.search(r"<mark[^>]*>Stepanakert</mark>", title)
    assert body.count('id="match-1"') == 1
    assert body.index('id="match-1"') > body.index('class="document__body"')


def test_document_page_links_back_to_the_same_search(client):
    page = parse(client.get("/doc/002_d16953ad185bce75?q=Stepanakert&page=1&lang=ar"))
    assert page.find("a", **{"class": "back-link"})[0]["href"] == "/?q=Stepanakert&page=1&lang=ar"


def test_document_page_without_query_has_no_marks(client):
    body = client.get("/doc/002_d16953ad185bce75").get_data(as_text=True)
    assert "<mark" not in body


def test_document_page_with_only_stop_words_still_shows_the_document(client):
    response = client.get("/doc/fx-en-stepanakert?q=the")
    assert response.status_code == 200
    assert "Shelling heard in Stepanakert" in response.get_data(as_text=True)


def test_document_markup_renders_as_text(client):
    body = client.get("/doc/fx-xss?q=ceasefire").get_data(as_text=True)
    assert "<script>alert" not in body and "<img" not in body
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(&#39;body&#39;)&gt;" in body
    assert 'href="javascript' not in body


def test_document_original_link_only_when_http(client):
    body = client.get("/doc/fx-en-stepanakert").get_data(as_text=True)
    assert 'href="https://example.org/stepanakert"' in body


def test_document_page_without_index_says_what_to_run(make_app, tmp_path):
    client = make_app(INDEX_DIR=str(tmp_path / "missing")).test_client()
    response = client.get("/doc/anything?ui=en")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "The archive isn't indexed yet" in unescape(body)
    assert "python -m index build seeds/" in body


def test_search_page_is_served_without_an_index(make_app, tmp_path):
    client = make_app(INDEX_DIR=str(tmp_path / "missing")).test_client()
    assert client.get("/?q=Lachin").status_code == 200


def test_api_paths_keep_json_errors(client):
    response = client.get("/api/documents/no-such-document")
    assert response.status_code == 404
    assert response.get_json()["ok"] is False


@pytest.mark.parametrize(("html", "expected"), [
    ("plain", [[("plain", False)]]),
    ("a <mark>b</mark> c", [[("a ", False), ("b", True), (" c", False)]]),
    ("one\n\ntwo <mark>x</mark>", [[("one", False)], [("two ", False), ("x", True)]]),
    ("&lt;b&gt; <b>bold</b> <img src=x onerror=y>", [[("<b> bold", False)]]),
])
def test_marked_paragraphs_keep_only_text_and_marks(html, expected):
    paragraphs, _ = marked_paragraphs(html, marked=True)
    assert [[(s["text"], s["mark"]) for s in p] for p in paragraphs] == expected


def test_marked_paragraphs_count_marks_and_anchor_the_first():
    paragraphs, marks = marked_paragraphs("<mark>a</mark> <mark>b</mark>", marked=True)
    assert marks == 2
    assert [s["id"] for s in paragraphs[0] if s["mark"]] == ["match-1", None]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a", "https://example.org/a"),
    ("HTTP://example.org", "HTTP://example.org"),
    ("javascript:alert(1)", None),
    ("data:text/html,x", None),
    ("//example.org", None),
    (None, None),
])
def test_safe_url_allows_only_http(url, expected):
    assert safe_url(url) == expected


@pytest.mark.parametrize(("n", "text"), [
    (0, "لا نتائج"), (1, "نتيجة واحدة"), (2, "نتيجتان"), (3, "3 نتائج"), (10, "10 نتائج"),
    (11, "11 نتيجة"), (99, "99 نتيجة"), (100, "100 نتيجة"), (103, "103 نتائج"),
])
def test_arabic_plurals(n, text):
    assert plural(MESSAGES["ar"]["results_count"], n, "ar") == text


def test_both_languages_have_the_same_messages():
    def shape(messages):
        return {k: (sorted(v) if isinstance(v, dict) and k == "bad_request" else type(v).__name__)
                for k, v in messages.items()}

    assert shape(MESSAGES["ar"]) == shape(MESSAGES["en"])


def test_an_unknown_page_gets_a_designed_404(client):
    response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "هذه الصفحة غير موجودة" in response.get_data(as_text=True)
