# SPDX-License-Identifier: GPL-3.0-or-later
"""The search part's entry points for the web part: no Flask here.

``search_answer`` is the answer to a search (the JSON the API sends), ``build_query``
turns a query text into the plan the open index searches (with the open index's
analyzer, resources, translator and verified transliterations), ``span_finder``
marks a text for it, and ``document_view`` is one document as the API and the page
show it. ``fahras`` is the process's ``service.Fahras`` state; the
API's views and the pages both call these, so neither calls the other.
"""

from index import writes
from index.language import guess_language
from index.spans import SpanFinder
from service.deadline import Deadline
from service.params import parse_search_params
from service.problems import BadRequest, IndexUnavailable, NotFound
from service.query import BuiltQuery, NoSearchableWords, QueryBuilder, QueryTooLarge, Weights
from service.plan import as_dict
from service.search import bonus_description, result_dict, run_search
from service.snippets import mark
from service.suggest import did_you_mean
from service.syntax import parse_query

#: A query with fewer results than this (or matched on any word only) gets a correction.
DID_YOU_MEAN_BELOW = 3

#: Most spellings a text may be taught at once for its highlights (about 40 µs
#: each); the rest are learnt by the next texts that hold them.
MAX_NEW_SPELLINGS = 1500


def build_query(q: str, fahras, searcher, without: frozenset[str] = frozenset(),
                deadline: Deadline | None = None) -> BuiltQuery:
    """The query for ``q`` on the open index.

    :raises BadRequest: nothing to search for, or more terms than ``MAX_QUERY_TERMS``.
    """
    builder = QueryBuilder(fahras.handle.analyzer, fahras.handle.resources,
                           Weights.from_settings(fahras.settings),
                           translator=fahras.translator(),
                           frequency=lambda term: searcher.doc_frequency("body", term)
                           + searcher.doc_frequency("title", term),
                           without=without, deadline=deadline,
                           max_terms=fahras.settings["MAX_QUERY_TERMS"],
                           names=fahras.names(), documents=searcher.doc_count(),
                           articles=lambda term: searcher.doc_frequency("body", term),
                           texts=searcher.texts_holding)
    try:
        return builder.build(parse_query(q))
    except (NoSearchableWords, QueryTooLarge) as error:
        raise BadRequest(str(error)) from None


def write_documents(fahras, items: list):
    """Add or replace documents in one commit, with the index's engine (``ENGINE``
    when there is no index yet: ``index.writes``).

    :raises index.store.WriterBusy: another writer held the index past ``WRITE_TIMEOUT``.
    """
    return writes.write_documents(items, fahras.settings["INDEX_DIR"], fahras.config_resources,
                                  engine=fahras.settings["ENGINE"],
                                  timeout=fahras.settings["WRITE_TIMEOUT"])


def delete_document(fahras, doc_id: str) -> bool:
    """Delete one document with the index's engine; True when it was there."""
    return writes.delete_document(doc_id, fahras.settings["INDEX_DIR"],
                                  timeout=fahras.settings["WRITE_TIMEOUT"])


def span_finder(fahras, built: BuiltQuery) -> SpanFinder:
    """The spans of a text to mark for this query, as the open index analyses it (one
    finder per request: it remembers which spellings match), within the bounds on
    the text read and the matches marked."""
    return SpanFinder(fahras.handle.resources, built.highlight_terms, built.name_keys,
                      phrases=built.highlight_phrases, max_chars=fahras.settings["HIGHLIGHT_MAX_CHARS"],
                      max_matches=fahras.settings["HIGHLIGHT_MAX_MATCHES"],
                      max_new=MAX_NEW_SPELLINGS)


def document_view(fahras, doc_id: str, q: str = "") -> dict:
    """One document in full; with ``q``, its matches marked as in search results
    (``title_html``, ``body_html``, ``highlight_truncated``).

    :raises NotFound: no such document.
    :raises BadRequest: ``q`` too long, or with nothing to search for.
    :raises IndexUnavailable: no index to read.
    """
    if len(q) > fahras.settings["MAX_QUERY_LENGTH"]:
        raise BadRequest(f"q must be at most {fahras.settings['MAX_QUERY_LENGTH']} characters")
    deadline = Deadline(fahras.settings["SEARCH_TIME_LIMIT"] or None)
    built, stored = fahras.handle.run(
        lambda searcher: (build_query(q, fahras, searcher, deadline=deadline) if q else None,
                          searcher.document(doc_id)))
    if stored is None:
        raise NotFound(f"no document with id {doc_id!r}")
    out = result_dict(stored, fahras.handle.resources.gazetteer, body=stored["body"])
    if built is not None:
        find = span_finder(fahras, built).find
        title, body = find(stored["title"]), find(stored["body"])
        out["title_html"] = mark(stored["title"], title.spans)
        out["body_html"] = mark(stored["body"], body.spans)
        out["highlight_truncated"] = title.truncated or body.truncated
    return out


def search_answer(fahras, searcher, args, deadline: Deadline) -> dict:
    """The JSON answer to the search asked by ``args`` (a multi-valued mapping: the
    query string, or a JSON body read by ``bodies.json_args``).

    :raises BadRequest: a parameter is wrong, or ``q`` has nothing to search for.
    """
    resources = fahras.handle.resources
    params = parse_search_params(args, fahras.settings, resources.gazetteer.entities)
    guess = guess_language(params.q)
    built = build_query(params.q, fahras, searcher, params.without, deadline)
    prefer_lang = preferred_language(fahras, guess.lang, built)
    page = run_search(searcher, built, params, find_spans=span_finder(fahras, built).find,
                      gazetteer=resources.gazetteer,
                      prefer_lang=prefer_lang, deadline=deadline,
                      snippet_chars=fahras.settings["SNIPPET_CHARS"],
                      snippet_fragments=fahras.settings["SNIPPET_FRAGMENTS"])
    correction = None
    if page.total < DID_YOU_MEAN_BELOW or page.match != "all":
        correction = did_you_mean(searcher, resources, params.q, deadline)
    answer = {
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
            "concepts": page.concepts,
            "stages": page.stages,
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
    cluster = searcher.shards()
    if cluster is not None:
        # Elasticsearch's _shards: a partial answer says so, or is refused
        answer["shards"] = {k: cluster[k] for k in ("total", "successful", "failed")}
        if cluster["failed"] and not fahras.settings["ALLOW_PARTIAL_RESULTS"]:
            raise IndexUnavailable(f"shards {', '.join(cluster['failed'])} do not answer "
                                   "and ALLOW_PARTIAL_RESULTS is off")
    if params.explain:
        answer["query"]["plan"] = {
            "scored": as_dict(built.ranked(page.match != "any")),
            "rules": bonus_description(built, prefer_lang),
            "terms": built.terms,
            "highlight_terms": sorted(built.highlight_terms),
            "highlight_phrases": sorted(" ".join(p) for p in built.highlight_phrases),
        }
    return answer


def preferred_language(fahras, lang: str, built) -> str | None:
    """The language whose documents come first: the query's, unless the query is only
    names typed in Latin letters (a transliteration belongs to no language)."""
    if not fahras.settings["LANGUAGE_FIRST"]:
        return None
    return lang if built.has_language_words or lang == "ar" else None
