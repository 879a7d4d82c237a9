"""Helpers shared by the tests (imported as ``tests.support``; conftest files are
per folder and cannot be imported by name reliably)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
FIXTURES = DATA / "fixtures.jsonl"


def assert_error_envelope(response, status):
    """Every error: JSON envelope with ok false, the status, and a message."""
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False
    assert body["status"] == status
    assert body["errors"] and all(isinstance(e, str) and e for e in body["errors"])
    assert body["error"] == "; ".join(body["errors"])
    return body


def search(client, **params):
    """GET /api/search, expecting 200; return the JSON body."""
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body):
    """The result ids of a search body, in order."""
    return [r["id"] for r in body["results"]]
