"""Hostile articles: markup, ``javascript:`` links and HTML entities render as text.

The article is ``tests.support.HOSTILE``: ``<script>``, ``<img onerror>``, an
``<a href="javascript:...">``, entities (``&lt;b&gt;``, ``&amp;``, ``&#x27;``,
``&quot;``, ``&#60;``) with an Arabic word stuck to them, and a ``javascript:`` url.
Wherever the API gives HTML (snippets, ``title_html``, ``body_html``) it holds no tag
but ``<mark>``, and what a browser shows of it is the article's text, character for
character: the entities stay visible as written. The document page carries no tag,
event handler or link of the article's own. The API never gives out a url that is not
http(s), and ingestion refuses one with a 400 naming the field. The same article in a
real browser: tests/browser/test_search_page.py.
"""

import json
from html import unescape
from html.parser import HTMLParser

import pytest

from index.writer import build_index
from tests.support import HOSTILE, assert_error_envelope, hostile_document, search

TOKEN = "hostile-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
Q = "زعفران"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory, resources):
    path = tmp_path_factory.mktemp("hostile") / "index"
    build_index([hostile_document()], path, resources)
    return path


@pytest.fixture()
def hostile(make_app, hostile_index):
    """A client on the index with the article; snippets long enough to hold its body."""
    return make_app(INDEX_DIR=str(hostile_index), SNIPPET_CHARS=1000).test_client()


def shown(fragment: str) -> str:
    """The text a browser shows for an HTML fragment, which must hold no tag but <mark>."""
    bare = fragment.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare, fragment
    return unescape(bare)


def test_search_title_and_snippet_show_the_markup_and_entities_as_text(hostile):
    result, = search(hostile, q=Q)["results"]
    assert result["title"] == HOSTILE["title"]                 # plain text, for textContent
    assert shown(result["title_html"]) == HOSTILE["title"]
    assert shown(result["snippet"]) == HOSTILE["body"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>زعفران</mark> &amp;lt;b&amp;gt;" \
        in result["title_html"]
    assert result["snippet"].startswith("<mark>زعفران</mark>&amp;amp; &lt;script&gt;")
    assert "Tom&amp;#x27;s &amp;quot;quoted&amp;quot; &amp;amp;amp;" in result["snippet"]


def test_document_view_shows_the_markup_and_entities_as_text(hostile):
    response = hostile.get(f"/api/documents/{HOSTILE['id']}", query_string={"q": Q})
    document = response.get_json()["document"]
    assert shown(document["title_html"]) == HOSTILE["title"]
    assert shown(document["body_html"]) == HOSTILE["body"]
    assert document["body_html"].count("<mark>") == 2
    assert "<mark>زعفران</mark>&amp;lt;i&amp;gt;" in document["body_html"]


def test_the_api_gives_out_no_javascript_url(hostile):
    assert search(hostile, q=Q)["results"][0]["url"] is None
    assert hostile.get(f"/api/documents/{HOSTILE['id']}").get_json()["document"]["url"] is None


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_document_page_shows_the_article_as_text_and_links_nowhere_else(hostile):
    page = _Tags()
    page.feed(hostile.get(f"/doc/{HOSTILE['id']}", query_string={"q": Q}).get_data(as_text=True))
    text = "".join(page.text)
    assert HOSTILE["title"] in text and HOSTILE["body"] in text
    assert not [tag for tag, _ in page.tags if tag in ("img", "iframe", "object", "embed")]
    assert all(attrs.get("src", "").startswith("/static/") for tag, attrs in page.tags
               if tag == "script")
    assert not [name for _, attrs in page.tags for name in attrs if name.startswith("on")]
    links = [attrs.get("href", "") for tag, attrs in page.tags if tag == "a"]
    assert links and all(href.startswith(("/", "#")) for href in links)


def post(client, payload):
    return client.post("/api/documents", data=json.dumps(payload, ensure_ascii=False),
                       headers=AUTH, content_type="application/json")


@pytest.fixture()
def writable(make_app, tmp_path):
    return make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN).test_client()


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
    "\x01javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://example.org/a", "//example.org/a",
    "example.org/a", "/news/1", "https://", "https:///example.org", "https:\\\\example.org",
])
def test_a_url_that_is_not_http_is_refused_with_400(writable, url):
    body = assert_error_envelope(post(writable, {**HOSTILE, "url": url}), 400)
    assert "documents[0]: 'url' must be an http:// or https:// address" in body["error"]
    assert writable.get(f"/api/documents/{HOSTILE['id']}").status_code in (404, 503)


def test_in_a_batch_only_the_document_with_a_bad_url_is_refused(writable):
    body = post(writable, [{**HOSTILE, "url": "https://example.org/a"},
                           {"id": "other", "body": "نص", "url": "javascript:alert(1)"}]).get_json()
    assert body["added"] == [HOSTILE["id"]]
    assert body["rejected"][0]["index"] == 1 and "'url'" in body["rejected"][0]["error"]
    stored = writable.get(f"/api/documents/{HOSTILE['id']}").get_json()["document"]
    assert stored["url"] == "https://example.org/a"



def test_put_with_a_javascript_url_gets_400(writable):
    response = writable.put(f"/api/documents/{HOSTILE['id']}", json=HOSTILE, headers=AUTH)
    assert "'url' must be an http:// or https:// address" in \
        assert_error_envelope(response, 400)["error"]
