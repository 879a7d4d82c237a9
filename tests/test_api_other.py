"""GET /api/documents/<id>, /api/analyze and /api/health."""

from tests.support import assert_error_envelope


def test_document_returns_the_full_text(client):
    body = client.get("/api/documents/002_d16953ad185bce75").get_json()
    document = body["document"]
    assert body["ok"] and document["dir"] == "rtl"
    assert "طريق أغدام الأذربيجاني" in document["body"]
    assert "body_html" not in document


def test_document_with_q_highlights_the_query(client):
    body = client.get("/api/documents/002_d16953ad185bce75?q=Stepanakert").get_json()
    assert "<mark>خانكيندي</mark>" in body["document"]["body_html"]
    assert "<mark>ستيباناكيرت</mark>" in body["document"]["body_html"]


def test_unknown_document_gets_404(client):
    assert_error_envelope(client.get("/api/documents/no-such-id"), 404)


def test_analyze_reports_each_word(client):
    body = client.get("/api/analyze", query_string={"text": "لخانكندي والمدنيين في"}).get_json()
    first, second, third = body["tokens"]
    assert (first["surface"], first["start"], first["end"]) == ("لخانكندي", 0, 8)
    assert first["entity"]["key"] == "stepanakert"
    assert (second["normalized"], second["term"]) == ("والمدنيين", "مدني")
    assert third["stopword"] is True and third["term"] is None


def test_analyze_without_text_gets_400(client):
    assert_error_envelope(client.get("/api/analyze"), 400)


def test_health_reports_documents_and_freshness(client):
    body = client.get("/api/health").get_json()
    assert body["ok"] and body["documents"] == 13
    assert body["stale"] is False and body["status"] == "ok"
    assert body["index_fingerprint"] == body["config_fingerprint"]


def test_health_reports_a_stale_index(make_app, index_dir, tmp_path):
    import shutil

    from tests.support import ROOT

    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with open(config / "stopwords_en.txt", "a", encoding="utf-8") as handle:
        handle.write("\nwhereas\n")
    app = make_app(INDEX_DIR=str(index_dir), CONFIG_DIR=str(config))
    body = app.test_client().get("/api/health").get_json()
    assert body["stale"] is True and "rebuild" in body["hint"]


def test_health_without_index_gets_503(make_app, tmp_path):
    app = make_app(INDEX_DIR=str(tmp_path / "none"))
    body = assert_error_envelope(app.test_client().get("/api/health"), 503)
    assert body["index"]["status"] == "missing"


def test_service_sees_a_rebuild_without_restart(make_app, tmp_path, resources):
    import json

    from index.readers import read_documents
    from index.writer import build_index

    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "one", "body": "باكو"}) + "\n", encoding="utf-8")
    build_index(read_documents([source]), tmp_path / "ix", resources)
    app = make_app(INDEX_DIR=str(tmp_path / "ix"))
    client = app.test_client()
    assert client.get("/api/health").get_json()["documents"] == 1
    source.write_text(json.dumps({"id": "two", "body": "يريفان"}) + "\n"
                      + json.dumps({"id": "three", "body": "موسكو"}) + "\n", encoding="utf-8")
    build_index(read_documents([source]), tmp_path / "ix", resources, rebuild=True)
    assert client.get("/api/health").get_json()["documents"] == 2
    build_index(read_documents([source]), tmp_path / "ix", resources)
    assert client.get("/api/search?q=يريفان").get_json()["total"] == 1


def test_a_search_on_vanished_index_files_is_retried_on_a_fresh_searcher(app, client):
    handle = app.extensions["fahras"].handle
    calls = []

    def flaky(searcher):
        calls.append(searcher)
        if len(calls) == 1:
            raise FileNotFoundError("segment merged away")
        return searcher.doc_count()

    assert handle.run(flaky) == 13 and len(calls) == 2 and calls[0] is not calls[1]


def test_any_error_on_a_searcher_a_commit_outdated_is_retried_but_not_on_a_current_one(
        make_app, tmp_path, resources):
    # a commit in another process can merge away a segment whose column Whoosh then
    # finds missing: it hands back None, and reading it raises a TypeError
    import json

    import pytest

    from index.readers import read_documents
    from index.writer import build_index

    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "one", "body": "باكو"}) + "\n", encoding="utf-8")
    build_index(read_documents([source]), tmp_path / "ix", resources)
    handle = make_app(INDEX_DIR=str(tmp_path / "ix")).extensions["fahras"].handle
    calls = []

    def outdated_then_fine(searcher):
        calls.append(searcher)
        if len(calls) == 1:
            source.write_text(json.dumps({"id": "two", "body": "يريفان"}) + "\n",
                              encoding="utf-8")
            build_index(read_documents([source]), tmp_path / "ix", resources)
            missing = None
            missing[0]                      # what Whoosh's stored_fields then does
        return searcher.doc_count()

    assert handle.run(outdated_then_fine) == 2 and len(calls) == 2

    def broken(searcher):
        calls.append(searcher)
        raise TypeError("a bug")

    with pytest.raises(TypeError):
        handle.run(broken)
    assert len(calls) == 3                  # not retried
