"""Blueprint ``api`` (v1): search, documents, analysis and health, all JSON.

Each view parses, calls and serialises; validation lives in ``params``, errors in
``errors``, searching in ``query`` / ``search``.

``GET /api/search`` and ``POST /api/search`` (a JSON body with the same fields, for
queries too long for a URL, as Elasticsearch's ``_search`` takes both) give the
same answer; so do ``GET`` and ``POST /api/analyze``. A search runs within one
``Deadline`` of ``SEARCH_TIME_LIMIT`` seconds, from the first analysis of the
query to the last snippet; an answer the deadline cut carries the header
``Fahras-Timed-Out: true`` (which the access log shows) besides ``timed_out``.
"""

from flask import Blueprint, current_app, jsonify, request

from index.language import guess_language
from index.spans import SpanFinder
from service.deadline import Deadline
from service.errors import BadRequest, IndexUnavailable, NotFound
from service.params import json_args, parse_search_params
from service.query import NoSearchableWords, QueryBuilder, QueryTooLarge, Weights
from service.search import result_dict, run_search
from service.snippets import mark
from service.suggest import did_you_mean
from service.syntax import parse_query

bp = Blueprint("api", __name__, url_prefix="/api")
#: A query with fewer results than this (or matched on any word only) gets a correction.
DID_YOU_MEAN_BELOW = 3
MAX_SUGGEST_LENGTH = 100


def _fahras():
    return current_app.extensions["fahras"]


#: Header of an answer the deadline cut short (for the access log and proxies).
TIMED_OUT_HEADER = "Fahras-Timed-Out"
#: Most spellings a text may be taught at once for its highlights (about 40 µs
#: each); the rest are learnt by the next texts that hold them.
MAX_NEW_SPELLINGS = 1500


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
        payload = _answer(app, searcher, args, deadline)
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


def _answer(app, searcher, args, deadline: Deadline) -> dict:
    """The JSON answer to the search asked by ``args``."""
    resources = app.handle.resources
    params = parse_search_params(args, app.settings, resources.gazetteer.entities)
    guess = guess_language(params.q)
    built = _build(params.q, app, searcher, params.without, deadline)
    prefer_lang = _preferred_language(app, guess.lang, built)
    page = run_search(searcher, built, params, find_spans=_span_finder(app, built).find,
                      gazetteer=resources.gazetteer, docsets=app.handle.docsets,
                      prefer_lang=prefer_lang, deadline=deadline,
                      snippet_chars=app.settings["SNIPPET_CHARS"],
                      snippet_fragments=app.settings["SNIPPET_FRAGMENTS"])
    correction = None
    if page.total < DID_YOU_MEAN_BELOW or page.match == "any":
        correction = did_you_mean(searcher, resources, params.q, deadline)
    return {
        "ok": True,
        "total": page.total,
        "total_relation": page.total_relation,
        "page": page.page,
        "per_page": page.per_page,
        "took_ms": deadline.elapsed_ms(),
        "timed_out": deadline.timed_out,
        "query": {
            "text": params.q,
            "lang": guess.lang,
            "lang_method": guess.method,
            "match": page.match,
            "language_first": prefer_lang,
            "filters": {"lang": params.lang, "place": params.place, "source": params.source,
                        "year": params.year, "from": params.date_from, "to": params.date_to,
                        "without": sorted(params.without)},
            "sort": params.sort,
            "did_you_mean": correction,
            "terms": [w.surface for w in built.words],
            "expansions": [e.as_dict() for e in built.expansions],
            "cut": deadline.cuts_as_dicts(),
        },
        "results": page.results,
        "facets": page.facets,
    }


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
    app = _fahras()
    resources = app.handle.resources
    q = request.args.get("q", "").strip()
    if len(q) > app.settings["MAX_QUERY_LENGTH"]:
        raise BadRequest(f"q must be at most {app.settings['MAX_QUERY_LENGTH']} characters")
    deadline = Deadline(app.settings["SEARCH_TIME_LIMIT"] or None)
    built, stored = app.handle.run(
        lambda searcher: (_build(q, app, searcher, deadline=deadline) if q else None,
                          searcher.document(id=doc_id)))
    if stored is None:
        raise NotFound(f"no document with id {doc_id!r}")
    out = result_dict(stored, resources.gazetteer, body=stored["body"])
    if built is not None:
        find = _span_finder(app, built).find
        title, body = find(stored["title"]), find(stored["body"])
        out["title_html"] = mark(stored["title"], title.spans)
        out["body_html"] = mark(stored["body"], body.spans)
        out["highlight_truncated"] = title.truncated or body.truncated
    return jsonify({"ok": True, "document": out, "query": {"text": q} if q else None})


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


def _build(q: str, app, searcher, without: frozenset[str] = frozenset(),
           deadline: Deadline | None = None):
    builder = QueryBuilder(app.handle.analyzer, app.handle.resources,
                           Weights.from_settings(app.settings), translator=app.translator(),
                           frequency=lambda term: searcher.doc_frequency("body", term)
                           + searcher.doc_frequency("title", term),
                           without=without, deadline=deadline,
                           max_terms=app.settings["MAX_QUERY_TERMS"],
                           names=app.names(), documents=searcher.doc_count(),
                           articles=lambda term: searcher.doc_frequency("body", term),
                           texts=lambda term, n: _texts(searcher, term, n))
    try:
        return builder.build(parse_query(q))
    except (NoSearchableWords, QueryTooLarge) as error:
        raise BadRequest(str(error)) from None


def _texts(searcher, term: str, n: int) -> list[str]:
    """The bodies of the first ``n`` documents whose body holds ``term``."""
    if not searcher.doc_frequency("body", term):
        return []
    matcher = searcher.postings("body", term)
    texts = []
    while matcher.is_active() and len(texts) < n:
        texts.append(searcher.stored_fields(matcher.id()).get("body", ""))
        matcher.next()
    return texts


def _preferred_language(app, lang: str, built) -> str | None:
    """The language whose documents come first: the query's, unless the query is only
    names typed in Latin letters (a transliteration belongs to no language)."""
    if not app.settings["LANGUAGE_FIRST"]:
        return None
    return lang if built.has_language_words or lang == "ar" else None


def _span_finder(app, built) -> SpanFinder:
    """The spans of a text to mark for this query, as the open index analyses it (one
    finder per request: it remembers which spellings match), within the bounds on
    the text read and the matches marked."""
    return SpanFinder(app.handle.resources, built.highlight_terms, built.name_keys,
                      max_chars=app.settings["HIGHLIGHT_MAX_CHARS"],
                      max_matches=app.settings["HIGHLIGHT_MAX_MATCHES"],
                      max_new=MAX_NEW_SPELLINGS)
