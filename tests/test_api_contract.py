"""The API against its OpenAPI document: schemathesis properties, docs page, discovery."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error,
                                 response_schema_conformance, status_code_conformance)

TOKEN = "contract-token"


def test_every_response_matches_the_spec_and_none_is_a_5xx(make_app, index_dir):
    app = make_app(INDEX_DIR=str(index_dir), ADMIN_TOKEN=TOKEN)
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            if case.method in ("POST", "PUT", "DELETE"):
                case.headers = {**(case.headers or {}), "Authorization": "Bearer wrong"}
            # Schema-valid requests may still be refused with 400 (a q of punctuation
            # only, an unknown place key): the checks are that nothing fails with a
            # 5xx and every response, error or not, matches its documented schema.
            case.call_and_validate(checks=[not_a_server_error, status_code_conformance,
                                           content_type_conformance,
                                           response_schema_conformance])

        check()


def test_openapi_document_lists_every_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/suggest", "/api/documents", "/api/documents/{doc_id}",
            "/api/analyze", "/api/health"} <= set(spec["paths"])
    per_page = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"]
                    if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 50           # from MAX_PER_PAGE


def test_docs_page_is_rendered_from_the_spec_without_a_cdn(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert "/api/search" in html and "per_page" in html and "Bearer" in html
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html


def test_opensearch_description_points_at_the_search_page(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert "?q={searchTerms}" in response.get_data(as_text=True)


def test_cors_is_off_by_default(client):
    assert "Access-Control-Allow-Origin" not in client.get(
        "/api/health", headers={"Origin": "https://example.org"}).headers


def test_cors_allows_listed_origins_on_read_endpoints_only(make_app, index_dir):
    client = make_app(INDEX_DIR=str(index_dir), CORS_ORIGINS="https://example.org").test_client()
    allowed = client.get("/api/search?q=باكو", headers={"Origin": "https://example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://example.org"
    other = client.get("/api/search?q=باكو", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    write = client.delete("/api/documents/x", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in write.headers
