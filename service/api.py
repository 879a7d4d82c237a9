"""Blueprint ``api`` (v1): search, documents, analysis and health, all JSON.

Each view reads the request, calls the search part (``service.core``: the answer to
a search, the document view) and serialises; validation lives in ``params``, errors
in ``problems`` (rendered by ``errors``).

``GET /api/search`` and ``POST /api/search`` (a JSON body with the same fields, for
queries too long for a URL, as Elasticsearch's ``_search`` takes both) give the
same answer; so do ``GET`` and ``POST /api/analyze``. A search runs within one
``Deadline`` of ``SEARCH_TIME_LIMIT`` seconds, from the first analysis of the
query to the last snippet; an answer the deadline cut carries the header
``Fahras-Timed-Out: true`` (which the access log shows) besides ``timed_out``.
"""

from flask import Blueprint, current_app, jsonify, request

from index.language import guess_language
from service.bodies import json_args
from service.core import document_view, search_answer
from service.deadline import Deadline
from service.problems import BadRequest, IndexUnavailable
from service.shapes import entity_dict

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_SUGGEST_LENGTH = 100


def _fahras():
    return current_app.extensions["fahras"]


#: Header of an answer the deadline cut short (for the access log and proxies).
TIMED_OUT_HEADER = "Fahras-Timed-Out"


@bp.route("/search", methods=["GET", "POST"])
def search():
    """Ranked, highlighted results for ``q`` (answers repeat from ``service.cache``);
    the parameters come from the query string, or from a JSON body with POST."""
    app = _fahras()
    args = request.args if request.method == "GET" else json_args(request)
    key = tuple(args.items(multi=True))
    deadline = Deadline(app.settings["SEARCH_TIME_LIMIT"] or None)

    def work(searcher):
        generation = app.handle.generation
        cached = app.results.get(generation, key)
        if cached is not None:
            return cached | {"took_ms": deadline.elapsed_ms()}
        payload = search_answer(app, searcher, args, deadline)
        if not payload["timed_out"]:        # a partial answer is not kept (Elasticsearch)
            per_page = app.settings["DEFAULT_PER_PAGE"]
            app.results.put(generation, key, payload,
                            weight=max(1, -(-len(payload["results"]) // per_page)))
        return payload

    payload = app.handle.run(work)
    response = jsonify(payload)
    if payload["timed_out"]:
        response.headers[TIMED_OUT_HEADER] = "true"
    return response


@bp.get("/suggest")
def suggest():
    """Suggestions for a search-as-you-type box: entities, words and titles."""
    q = request.args.get("q", "")
    if not q.strip():
        raise BadRequest("q is required")
    if len(q) > MAX_SUGGEST_LENGTH:
        raise BadRequest(f"q must be at most {MAX_SUGGEST_LENGTH} characters")
    app = _fahras()
    with app.handle.searcher() as searcher:
        suggestions = app.suggester().suggest(searcher, q)
    return jsonify({"ok": True, "q": q, "suggestions": suggestions})


@bp.get("/documents/<doc_id:doc_id>")
def document(doc_id: str):
    """One document in full; with ``q``, its matches marked as in search results
    (within ``HIGHLIGHT_MAX_CHARS`` and ``HIGHLIGHT_MAX_MATCHES``)."""
    q = request.args.get("q", "").strip()
    return jsonify({"ok": True, "document": document_view(_fahras(), doc_id, q),
                    "query": {"text": q} if q else None})


@bp.route("/analyze", methods=["GET", "POST"])
def analyze():
    """How a text is analysed: one entry per word, like Elasticsearch's ``_analyze``
    (``text`` in the query string, or in a JSON body with POST)."""
    args = request.args if request.method == "GET" else json_args(request, ("text",), ())
    text = args.get("text")
    if text is None or not text.strip():
        raise BadRequest("text is required")
    app = _fahras()
    if len(text) > app.settings["MAX_QUERY_LENGTH"] * 10:
        raise BadRequest(f"text must be at most {app.settings['MAX_QUERY_LENGTH'] * 10} characters")
    analyzer = app.analyzer_for_analysis()
    resources = app.resources_for_analysis()
    tokens = describe_tokens(text, analyzer, resources)
    return jsonify({"ok": True, "text": text, "lang": guess_language(text).lang,
                    "tokens": tokens,
                    "translations": describe_translations(tokens, app.translator_for(resources))})


def describe_tokens(text: str, analyzer, resources) -> list[dict]:
    """One dict per word: surface, offsets, normalised form, indexed term, entity and
    the cross-script name keys a query would search for it."""
    gazetteer = resources.gazetteer
    words: dict[int, dict] = {}
    for t in analyzer(text, mode="index", removestops=False):
        if t.kind == "entity":
            entity = gazetteer.entities[t.entity]
            words.setdefault(t.pos, {})["entity"] = entity_dict(
                entity, ambiguous=t.ambiguous, start=t.startchar, end=t.endchar, term=t.text)
            continue
        entry = words.setdefault(t.pos, {})
        if t.kind == "exact":
            entry["exact_term"] = t.text
            continue
        entry.update({
            "surface": text[t.startchar:t.endchar], "start": t.startchar, "end": t.endchar,
            "script": t.script, "normalized": t.norm,
            "term": None if t.stopped else t.text, "stopword": bool(t.stopped),
            "name_keys": resources.name_keys(t.norm, t.script),
        })
    out = []
    for pos in sorted(words):
        entry = words[pos]
        entry.setdefault("exact_term", None)
        entry.setdefault("entity", None)
        out.append(entry)
    return out


def describe_translations(tokens: list[dict], translator) -> list[dict]:
    """The glossary and dictionary translations a query of these words would search."""
    words = [t for t in tokens if not t["stopword"]]
    pairs = [None if t["entity"] else (t["normalized"], t["script"]) for t in words]
    out = []
    for match in translator.find(pairs):
        out.append({
            "words": " ".join(t["surface"] for t in words[match.start:match.end]),
            "source": match.source, "language": match.target,
            "senses": list(match.senses), "synonyms": list(match.synonyms),
        })
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
        "engine": info.engine,
        "documents": info.documents,
        "index_version": info.generation,
        "index_folder": info.folder,
        "index_fingerprint": info.fingerprint,
        "config_fingerprint": current,
        "gazetteer_hash": info.gazetteer,
        "stale": stale,
        "hint": "the configuration changed since the index was built; rebuild with: "
                "python -m index build --rebuild" if stale else None,
        **({"shards": info.shards} if info.shards is not None else {}),
    })
