"""Blueprint ``documents``: feeding the archive through the API (v1).

``POST /api/documents`` (one document or a batch), ``PUT /api/documents/<id>`` and
``DELETE /api/documents/<id>``. Documents are validated and analysed exactly as
``python -m index build`` does (``index.readers.document_from_record``,
``index.writer``). Writes need ``Authorization: Bearer <token>`` matching the
``ADMIN_TOKEN`` setting (``FAHRAS_ADMIN_TOKEN``); with no token configured they are
disabled (403). Tokens are compared in constant time and never logged.

A body must be JSON nested at most ``MAX_JSON_DEPTH`` levels deep (400), and each
document within ``MAX_DOCUMENT_CHARS``, ``MAX_TITLE_CHARS`` and
``MAX_DOCUMENT_WORDS`` (the build's limits): past one it is rejected, and a request
whose every document is too large gets 413.

Each engine allows one writer: writes are serialised by its lock (across gunicorn
workers; ``index.store.WriterBusy`` past the wait); a request that waits longer
than ``WRITE_TIMEOUT`` gets 503 with ``Retry-After``. The index's own engine takes
the write (``service.core.write_documents``; ``ENGINE`` when there is no index yet). Readers are never blocked. The writing process refreshes its
searcher at once; other workers see the change within ``REFRESH_INTERVAL``.
"""

import hmac
import threading

from flask import Blueprint, current_app, jsonify, request

from index.readers import DocumentError, DocumentTooLarge, Limits, document_from_record
from index.store import WriterBusy
from service.core import delete_document, write_documents
from service.problems import (BadRequest, Forbidden, IndexUnavailable, NotFound,
                            PayloadTooLarge, Unauthorized)
from service.bodies import read_json

bp = Blueprint("documents", __name__, url_prefix="/api")
_LOCK = threading.Lock()
RETRY_AFTER_SECONDS = 2


def _fahras():
    return current_app.extensions["fahras"]


@bp.post("/documents")
def add_documents():
    """Add or replace one document (an object) or a batch (an array, or {"documents": [...]})."""
    _authorise()
    payload = _json_body()
    records = payload.get("documents") if isinstance(payload, dict) and \
        "documents" in payload else payload
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not records:
        raise BadRequest("the body must be a document object, a non-empty array of them, "
                         "or {\"documents\": [...]}")
    limit = _fahras().settings["MAX_BATCH"]
    if len(records) > limit:
        raise BadRequest(f"a batch holds at most {limit} documents, got {len(records)}")
    return _write(_validated(records))


@bp.put("/documents/<doc_id:doc_id>")
def put_document(doc_id: str):
    """Add or replace the document ``doc_id``; the body is the document (``id`` optional)."""
    _authorise()
    record = _json_body()
    if not isinstance(record, dict):
        raise BadRequest("the body must be a document object")
    if record.get("id") not in (None, doc_id):
        raise BadRequest(f"the body's id {record.get('id')!r} differs from the path's {doc_id!r}")
    return _write(_validated([{**record, "id": doc_id}]))


@bp.delete("/documents/<doc_id:doc_id>")
def remove_document(doc_id: str):
    """Delete the document ``doc_id``."""
    _authorise()
    app = _fahras()
    with _writer_slot():
        deleted = delete_document(app, doc_id)
    if not deleted:
        raise NotFound(f"no document with id {doc_id!r}")
    app.handle.refresh_now()
    return jsonify({"ok": True, "deleted": doc_id})


def _validated(records: list) -> list:
    items, seen = [], {}
    limits = Limits.from_settings(_fahras().settings)
    for i, record in enumerate(records):
        try:
            document = document_from_record(record, f"documents[{i}]", limits)
            if document.id in seen:
                raise DocumentError(f"documents[{i}]: duplicate id {document.id!r} "
                                    f"(also documents[{seen[document.id]}])")
            seen[document.id] = i
            items.append((i, document))
        except DocumentError as error:
            items.append((i, error))
    return items


def _write(items: list):
    app = _fahras()
    with _writer_slot():
        result = write_documents(app, items)
    app.handle.refresh_now()
    body = {"ok": True, "added": result.added, "updated": result.updated,
            "unchanged": result.unchanged, "rejected": result.rejected}
    if result.rejected and not (result.added or result.updated or result.unchanged):
        errors = [r["error"] for r in result.rejected]
        too_large = len(errors) == sum(isinstance(item, DocumentTooLarge) for _, item in items)
        raise (PayloadTooLarge if too_large else BadRequest)(*errors,
                                                             rejected=result.rejected)
    return jsonify(body), 201 if result.added else 200


class _writer_slot:
    """One writer per process at a time; the engine's lock covers the other processes."""

    def __enter__(self):
        timeout = _fahras().settings["WRITE_TIMEOUT"]
        if not _LOCK.acquire(timeout=timeout):
            raise _busy()
        return self

    def __exit__(self, kind, error, trace):
        _LOCK.release()
        if isinstance(error, WriterBusy):
            raise _busy() from None
        return False


def _busy() -> IndexUnavailable:
    return IndexUnavailable("the index is busy with another write; try again shortly",
                      headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _authorise() -> None:
    configured = _fahras().settings["ADMIN_TOKEN"]
    if not configured:
        raise Forbidden("writing is disabled: set FAHRAS_ADMIN_TOKEN (or admin_token in "
                        "config/fahras.toml) to a secret and send it as "
                        "'Authorization: Bearer <token>'")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode("utf-8"), configured.encode("utf-8")):
        raise Unauthorized("a valid 'Authorization: Bearer <token>' header is required",
                           headers={"WWW-Authenticate": 'Bearer realm="fahras"'})


def _json_body():
    return read_json(request)
