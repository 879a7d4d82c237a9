"""Feeding the archive through the API: auth, validation, add/update/delete, visibility."""

import json
import threading

import pytest

from tests.support import assert_error_envelope

#: run once per engine (tests/conftest.py)
PER_ENGINE = True

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def writable(make_app, tmp_path):
    app = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN)
    return app.test_client()


def post(client, payload, headers=AUTH):
    return client.post("/api/documents", data=json.dumps(payload, ensure_ascii=False),
                       headers=headers, content_type="application/json")


def doc(doc_id, body="قصف على ستيباناكيرت", **extra):
    return {"id": doc_id, "title": f"خبر {doc_id}", "body": body, **extra}


def test_writes_are_disabled_without_a_configured_token(make_app, tmp_path):
    client = make_app(INDEX_DIR=str(tmp_path / "ix")).test_client()
    body = assert_error_envelope(post(client, doc("a")), 403)
    assert "FAHRAS_ADMIN_TOKEN" in body["error"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": TOKEN}])
def test_a_missing_or_wrong_token_gets_401_and_changes_nothing(writable, headers):
    assert_error_envelope(post(writable, doc("a"), headers), 401)
    assert writable.get("/api/documents/a").status_code in (404, 503)


def test_a_document_is_added_and_found_at_once(writable):
    response = post(writable, doc("a1"))
    assert response.status_code == 201 and response.get_json()["added"] == ["a1"]
    found = writable.get("/api/search", query_string={"q": "Stepanakert"}).get_json()
    assert [r["id"] for r in found["results"]] == ["a1"]


def test_a_batch_reports_added_updated_unchanged_and_rejected(writable):
    post(writable, [doc("b1"), doc("b2")])
    response = post(writable, {"documents": [
        doc("b1"), doc("b2", body="قصف على لاتشين"), doc("b3"), {"id": "b4"},
        doc("b3", body="نسخة ثانية")]})
    body = response.get_json()
    assert (body["added"], body["updated"], body["unchanged"]) == (["b3"], ["b2"], ["b1"])
    errors = {r["index"]: r["error"] for r in body["rejected"]}
    assert "missing 'body'" in errors[3] and "duplicate id 'b3'" in errors[4]


def test_put_replaces_and_delete_removes(writable):
    post(writable, doc("c1"))
    response = writable.put("/api/documents/c1", json={"title": "t", "body": "يريفان"},
                            headers=AUTH)
    assert response.status_code == 200 and response.get_json()["updated"] == ["c1"]
    assert writable.get("/api/documents/c1").get_json()["document"]["body"] == "يريفان"
    assert writable.delete("/api/documents/c1", headers=AUTH).get_json()["deleted"] == "c1"
    assert_error_envelope(writable.get("/api/documents/c1"), 404)
    assert_error_envelope(writable.delete("/api/documents/c1", headers=AUTH), 404)


def test_put_with_a_different_id_in_the_body_is_refused(writable):
    response = writable.put("/api/documents/x", json=doc("y"), headers=AUTH)
    assert "differs from the path" in assert_error_envelope(response, 400)["error"]


@pytest.mark.parametrize(("payload", "message"), [
    ([], "non-empty array"),
    (5, "document object"),
    ([{"id": "z"}], "missing 'body'"),
    ([{"id": "../etc", "body": "x"}], "must not contain '/'"),
    ([{"id": "z", "body": 7}], "'body' must be a string"),
])
def test_invalid_documents_get_400_naming_the_problem(writable, payload, message):
    assert message in assert_error_envelope(post(writable, payload), 400)["error"]


def test_a_batch_over_the_limit_gets_400(make_app, tmp_path):
    client = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN,
                      MAX_BATCH=2).test_client()
    assert "at most 2" in assert_error_envelope(
        post(client, [doc("1"), doc("2"), doc("3")]), 400)["error"]


def test_invalid_json_and_wrong_content_type(writable):
    assert_error_envelope(writable.post("/api/documents", data="{", headers=AUTH,
                                        content_type="application/json"), 400)
    assert_error_envelope(writable.post("/api/documents", data="id=1", headers=AUTH,
                                        content_type="application/x-www-form-urlencoded"), 415)


def test_a_body_over_the_size_limit_gets_413(make_app, tmp_path):
    client = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN,
                      MAX_BODY_BYTES=1000).test_client()
    assert_error_envelope(post(client, doc("big", body="ب" * 2000)), 413)


def test_the_token_never_appears_in_error_bodies_or_logs(writable, caplog):
    response = post(writable, doc("a"), {"Authorization": f"Bearer {TOKEN}x"})
    assert TOKEN not in response.get_data(as_text=True) and TOKEN not in caplog.text


def test_concurrent_writers_lose_nothing(make_app, tmp_path):
    app = make_app(INDEX_DIR=str(tmp_path / "ix"), ADMIN_TOKEN=TOKEN)
    errors = []

    def client_writes(n):
        client = app.test_client()
        for k in range(5):
            response = post(client, [doc(f"w{n}-{k}"), doc(f"shared-{k}", body=f"نص {n}")])
            if response.status_code not in (200, 201):
                errors.append(response.get_json())

    threads = [threading.Thread(target=client_writes, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    client = app.test_client()
    for n in range(4):
        for k in range(5):
            assert client.get(f"/api/documents/w{n}-{k}").status_code == 200
    assert client.get("/api/health").get_json()["documents"] == 25


@pytest.mark.parametrize("encoded", ["a%0Ab", "a%09b", "%0A", "a/b%0D"])
def test_an_id_with_a_line_break_in_the_url_gets_400_not_a_routing_404(writable, encoded):
    response = writable.put(f"/api/documents/{encoded}", headers=AUTH,
                            data=json.dumps({"title": "t", "body": "قصف"}),
                            content_type="application/json")
    body = assert_error_envelope(response, 400)
    assert "'id'" in body["error"]
    assert_error_envelope(writable.delete(f"/api/documents/{encoded}", headers=AUTH), 404)
