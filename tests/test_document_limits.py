"""Documents too big or too odd are refused alike by the API (400 or 413 in the
envelope) and by the build (``file:line`` messages): ``MAX_DOCUMENT_CHARS``,
``MAX_TITLE_CHARS``, ``MAX_DOCUMENT_WORDS``, ids, sources, urls and JSON nesting."""

import gzip
import json

import pytest

from index.__main__ import main
from index.readers import DocumentTooLarge, Limits, read_documents
from tests.support import assert_error_envelope

TOKEN = "limits-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMITS = {"MAX_DOCUMENT_CHARS": 5_000, "MAX_TITLE_CHARS": 100, "MAX_DOCUMENT_WORDS": 600}


@pytest.fixture()
def writable(make_app, tmp_path):
    return make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN, **LIMITS).test_client()


def post(client, payload):
    return client.post("/api/documents", data=json.dumps(payload, ensure_ascii=False),
                       headers=AUTH, content_type="application/json")


def doc(doc_id, body="قصف على لاتشين", **extra):
    return {"id": doc_id, "title": f"خبر {doc_id}", "body": body, **extra}


TOO_LARGE = [
    # (counted once stripped of the spaces around them)
    (doc("long-body", body="حرب " * 1300), "'body' is 5,199 characters long, more than 5,000 "
                                            "(MAX_DOCUMENT_CHARS)"),
    (doc("long-title", title="عنوان " * 20), "'title' is 119 characters long, more than 100 "
                                             "(MAX_TITLE_CHARS)"),
    (doc("many-words", body="ب " * 700), "the document has 702 words, more than 600 "
                                         "(MAX_DOCUMENT_WORDS)"),
]


@pytest.mark.parametrize("document, message", TOO_LARGE)
def test_a_document_past_a_limit_gets_413_naming_it(writable, document, message):
    body = assert_error_envelope(post(writable, document), 413)
    assert body["error"] == f"documents[0]: {message}"
    response = writable.put(f"/api/documents/{document['id']}", json=document, headers=AUTH)
    assert assert_error_envelope(response, 413)["error"] == f"documents[0]: {message}"
    assert writable.get(f"/api/documents/{document['id']}").status_code in (404, 503)


def test_in_a_batch_only_the_documents_past_a_limit_are_rejected(writable):
    response = post(writable, [doc("fine"), TOO_LARGE[0][0], doc("also-fine")])
    body = response.get_json()
    assert response.status_code == 201 and body["added"] == ["fine", "also-fine"]
    assert [r["index"] for r in body["rejected"]] == [1]
    # a batch of a document too large and one invalid: 400, both named
    response = post(writable, [TOO_LARGE[1][0], {"id": "no-body"}])
    body = assert_error_envelope(response, 400)
    assert "MAX_TITLE_CHARS" in body["error"] and "missing 'body'" in body["error"]


@pytest.mark.parametrize("document, message", [
    (doc("x" * 201), "'id' is longer than 200 characters"),
    (doc("s", source="مصدر" * 60), "'source' is longer than 200 characters"),
    (doc("u", url="https://example.com/" + "a" * 2000), "'url' is longer than 2000 characters"),
])
def test_ids_sources_and_urls_have_bounds(writable, document, message):
    assert message in assert_error_envelope(post(writable, document), 400)["error"]


@pytest.mark.parametrize("raw", ["[" * 50_000 + "]" * 50_000,
                                 '{"documents": ' + "[" * 20 + "]" * 20 + "}",
                                 '{"id": "d", "body": ' + '{"a": ' * 30 + "1" + "}" * 31])
def test_a_body_nested_too_deep_gets_400_and_the_service_goes_on(writable, raw):
    response = writable.post("/api/documents", data=raw, headers=AUTH,
                             content_type="application/json")
    assert "nested more than" in assert_error_envelope(response, 400)["error"]
    assert post(writable, doc("after")).status_code == 201


def test_the_limits_come_from_the_settings():
    assert Limits.from_settings(LIMITS) == Limits(body_chars=5_000, title_chars=100, words=600)
    with pytest.raises(DocumentTooLarge):
        Limits(words=2).check("ab", "c d", "x")


# -- the build applies the same limits, with file:line -----------------------------

def _jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("document, message", TOO_LARGE)
def test_the_build_stops_at_a_document_past_a_limit_with_file_and_line(
        tmp_path, capsys, monkeypatch, document, message):
    for name, value in LIMITS.items():
        monkeypatch.setenv(f"FAHRAS_{name}", str(value))
    source = _jsonl(tmp_path / "news.jsonl", [doc("fine"), document])
    assert main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet"]) == 1
    assert f"news.jsonl:2: {message}" in capsys.readouterr().err
    assert main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet",
                 "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and f"rejected: {source}:2: {message}" in out


def test_a_text_file_past_a_limit_is_named_with_its_line(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("عنوان المقال هنا\n" + "حرب " * 2000, encoding="utf-8")
    errors = []
    assert list(read_documents([path], on_error=errors.append,
                               limits=Limits(body_chars=5_000))) == []
    assert str(errors[0]).startswith(f"{path}:1: 'body' is 7,999 characters long")


def test_a_jsonl_line_too_long_or_nested_too_deep_is_named_and_the_rest_is_read(tmp_path):
    path = tmp_path / "odd.jsonl.gz"
    lines = [json.dumps(doc("a")), json.dumps(doc("huge", body="حرب " * 20_000)),
             "[" * 100_000 + "]" * 100_000, json.dumps(doc("b"))]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    errors = []
    found = [d.id for d in read_documents([path], on_error=errors.append,
                                          limits=Limits(body_chars=5_000, title_chars=100))]
    assert found == ["a", "b"]
    assert f"{path}:2: the line is longer than" in str(errors[0])
    # (a line of brackets longer than a document may be is refused before it is parsed)
    assert str(errors[1]).startswith(f"{path}:3: the line is longer than")
    assert len(errors) == 2
