"""Blueprint ``api`` (v1): search, documents, analysis and health, all JSON.

Each view parses, calls and serialises; validation lives in ``params``, errors in
``errors``, searching in ``query`` / ``search``.
"""

from flask import Blueprint, current_app, jsonify, request

from index.language import guess_language
from service.errors import BadRequest, IndexUnavailable, NotFound
from service.params import parse_search_params
from service.query import NoSearchableWords, QueryBuilder, Weights
from service.search import result_dict, run_search
from service.snippets import highlight_all
from service.syntax import parse_query

bp = Blueprint("api", __name__, url_prefix="/api")


def _fahras():
    return current_app.extensions["fahras"]


@bp.get("/search")
def search():
    """Ranked, highlighted results for ``q``."""
    app = _fahras()
    resources = app.handle.resources
    params = parse_search_params(request.args, app.settings, resources.gazetteer.entities)
    guess = guess_language(params.q)
    built = _build(params.q, app)
    with app.handle.searcher() as searcher:
        page = run_search(searcher, built, params, analyzer=app.handle.analyzer,
                          gazetteer=resources.gazetteer,
                          snippet_chars=app.settings["SNIPPET_CHARS"],
                          snippet_fragments=app.settings["SNIPPET_FRAGMENTS"])
    return jsonify({
        "ok": True,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "took_ms": page.took_ms,
        "query": {
            "text": params.q,
            "lang": guess.lang,
            "lang_method": guess.method,
            "match": page.match,
            "filters": {"lang": params.lang, "place": params.place},
            "terms": [w.surface for w in built.words],
            "expansions": [e.as_dict() for e in built.expansions],
        },
        "results": page.results,
    })


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str):
    """One document in full; with ``q``, its matches marked as in search results."""
    app = _fahras()
    resources = app.handle.resources
    q = request.args.get("q", "").strip()
    built = _build(q, app) if q else None
    with app.handle.searcher() as searcher:
        stored = searcher.document(id=doc_id)
    if stored is None:
        raise NotFound(f"no document with id {doc_id!r}")
    out = result_dict(stored, resources.gazetteer, body=stored["body"])
    if built is not None:
        analyzer = app.handle.analyzer
        out["title_html"] = highlight_all(stored["title"], analyzer, built.highlight_terms)
        out["body_html"] = highlight_all(stored["body"], analyzer, built.highlight_terms)
    return jsonify({"ok": True, "document": out, "query": {"text": q} if q else None})


@bp.get("/analyze")
def analyze():
    """How a text is analysed: one entry per word, like Elasticsearch's ``_analyze``."""
    text = request.args.get("text")
    if text is None or not text.strip():
        raise BadRequest("text is required")
    app = _fahras()
    if len(text) > app.settings["MAX_QUERY_LENGTH"] * 10:
        raise BadRequest(f"text must be at most {app.settings['MAX_QUERY_LENGTH'] * 10} characters")
    analyzer = app.analyzer_for_analysis()
    resources = app.resources_for_analysis()
    return jsonify({"ok": True, "text": text, "lang": guess_language(text).lang,
                    "tokens": describe_tokens(text, analyzer, resources.gazetteer)})


def describe_tokens(text: str, analyzer, gazetteer) -> list[dict]:
    """One dict per word: surface, offsets, normalised form, indexed term, entity."""
    words: dict[int, dict] = {}
    for t in analyzer(text, mode="index", removestops=False):
        if t.kind == "entity":
            entity = gazetteer.entities[t.entity]
            words.setdefault(t.pos, {})["entity"] = {
                "key": t.entity, "name": entity.name, "name_ar": entity.name_ar,
                "kind": entity.kind, "ambiguous": t.ambiguous,
                "start": t.startchar, "end": t.endchar, "term": t.text,
            }
            continue
        entry = words.setdefault(t.pos, {})
        if t.kind == "exact":
            entry["exact_term"] = t.text
            continue
        entry.update({
            "surface": text[t.startchar:t.endchar], "start": t.startchar, "end": t.endchar,
            "script": t.script, "normalized": t.norm,
            "term": None if t.stopped else t.text, "stopword": bool(t.stopped),
        })
    out = []
    for pos in sorted(words):
        entry = words[pos]
        entry.setdefault("exact_term", None)
        entry.setdefault("entity", None)
        out.append(entry)
    return out


@bp.get("/health")
def health():
    """Document count, index version, fingerprints and whether the index is stale."""
    app = _fahras()
    current = app.current_fingerprint
    try:
        info = app.handle.info()
    except IndexUnavailable as error:
        raise IndexUnavailable(*error.messages, index={
            "status": "missing", "index_dir": str(app.handle.index_dir),
            "config_fingerprint": current}) from None
    stale = info.fingerprint != current
    return jsonify({
        "ok": True,
        "status": "stale" if stale else "ok",
        "documents": info.documents,
        "index_version": info.generation,
        "index_folder": info.folder,
        "index_fingerprint": info.fingerprint,
        "config_fingerprint": current,
        "gazetteer_hash": info.gazetteer,
        "stale": stale,
        "hint": "the configuration changed since the index was built; rebuild with: "
                "python -m index build --rebuild" if stale else None,
    })


def _build(q: str, app):
    try:
        return QueryBuilder(app.handle.analyzer, app.handle.resources,
                            Weights.from_settings(app.settings)).build(parse_query(q))
    except NoSearchableWords as error:
        raise BadRequest(str(error)) from None
