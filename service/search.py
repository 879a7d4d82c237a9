"""Run a built query on the open index and shape the page of results.

Documents in the query's language come first (``LANGUAGE_FIRST``), then the others,
each group by relevance: translations let an English query find Arabic articles,
but an English article that answers it comes before them.

``run_search`` asks the engine (``service.engines``) for every concept first (AND);
when fewer than ``partial.RELAX_BELOW`` documents match them all, for those that
miss one, then two... (``service.partial``), ranked below, and says so in ``match``
(``partial``) and ``stages``; each result tells how many concepts it matched. When
the stages stop short of one concept (a long query: ``partial.MAX_COMBINATIONS``)
and found nothing, it asks for any concept (OR, ``match`` ``any``). Pages past the end are empty (the total still tells
how many there are), like Elasticsearch, rather than silently showing the last
page. The engine gives the total, the facet counts and the best hits; this module
turns them into the answer: facets as JSON, each result's stored fields,
highlights and snippet, and with ``explain`` which of the plan's terms it holds.

Everything runs within the request's ``Deadline`` (``SEARCH_TIME_LIMIT``): the
engine's matching, ranking, proximity bonus and facets look at it, as do each
result's highlights, and what it cut is listed in ``query.cut``. A match set cut
short holds only documents that match (``total_relation`` is then ``gte``, as
Elasticsearch's ``hits.total.relation``); a result whose highlights were cut, by
the deadline or by the bounds on the text read (``HIGHLIGHT_MAX_CHARS``,
``HIGHLIGHT_MAX_MATCHES``), says so with ``highlight_truncated``.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from index.gazetteer import Gazetteer
from index.readers import is_web_url
from index.spans import Found
from service import plan
from service.deadline import TIME_LIMIT, Deadline
from service import partial
from service.engines import (LANGUAGE_OFFSET, Bonus, Filters, Searcher, SearchRequest,
                             SearchResult)
from service.params import SearchParams
from service.query import BuiltQuery
from service.shapes import entity_dict
from service.snippets import make_snippet, mark


@dataclass
class SearchPage:
    """One page of results and how it was found."""

    total: int
    page: int
    per_page: int
    match: str
    took_ms: float
    #: True when the deadline cut some part of the search (``Deadline.cuts``).
    timed_out: bool = False
    results: list[dict] = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    #: "eq" when ``total`` counts every match, "gte" when the deadline cut the
    #: matching (or the translations) and it counts those found by then.
    total_relation: str = "eq"
    #: the query's concepts, and the partial stages asked for (``service.partial``)
    concepts: int = 0
    stages: list[dict] = field(default_factory=list)


def run_search(searcher: Searcher, built: BuiltQuery, params: SearchParams, *,
               find_spans: Callable[[str], Found], gazetteer: Gazetteer,
               prefer_lang: str | None = None, deadline: Deadline | None = None,
               snippet_chars: int = 220, snippet_fragments: int = 2) -> SearchPage:
    """Search, fall back from all words to any word if needed, and build the results.

    :param searcher: the open index (``service.engines``).
    :param find_spans: the spans of a text to mark and whether they were cut short
        (``index.spans.SpanFinder.find``).
    :param prefer_lang: documents in this language come first, each group by score.
    :param deadline: the request's deadline (None: none); what it cut is in its cuts.
    """
    deadline = deadline or Deadline(None)
    match = "all"
    request = search_request(built, params, prefer_lang, require_all=True)
    found = searcher.search(request, deadline)
    n = len(built.concepts)
    matched = [n] * len(found.hits)
    stages = [{"concepts": n, "total": found.total}]
    if found.total < partial.RELAX_BELOW and n > 1 and found.complete:
        found, matched, more = _with_partial(searcher, built, params, prefer_lang, deadline,
                                             found)
        stages += more
        match = "partial" if found.total > stages[0]["total"] else "all"
    if not found.total and built.has_alternatives and found.complete and \
            all(stage["concepts"] > 1 for stage in stages):
        # the stages stopped short of one concept (``partial.MAX_COMBINATIONS``)
        match = "any"
        request = search_request(built, params, prefer_lang, require_all=False)
        found = searcher.search(request, deadline)
        matched = [None] * len(found.hits)
    if not found.complete:
        deadline.cut_for_time("matching", "some terms or phrases were not looked up in "
                              "every document: the results all match, the total is a "
                              "lower bound")
    # a translation left out at the deadline leaves matches out too (they only add)
    # and partial matches not looked for leave them out of the total
    whole = found.complete and not {"expansions", "partial matches"} & {
        c.part for c in deadline.cuts if c.reason == TIME_LIMIT}
    page = SearchPage(total=found.total, page=params.page, per_page=params.per_page,
                      match=match, took_ms=0.0, facets=facets_dict(found.facets, gazetteer),
                      total_relation="eq" if whole else "gte", concepts=n,
                      stages=stages if len(stages) > 1 else [])
    first = (params.page - 1) * params.per_page
    leaves = _leaves(built.matching(False) if match != "all" else request.match) \
        if params.explain else []
    for hit, concepts in list(zip(found.hits, matched))[first:first + params.per_page]:
        stored = searcher.stored(hit)
        if deadline.expired():
            deadline.cut_for_time("snippets", "some results are shown without highlights")
            body, title = Found([], True), Found([], True)
        else:
            body, title = find_spans(stored["body"]), find_spans(stored["title"])
        page.results.append(result_dict(
            stored, gazetteer,
            score=_relevance(hit.score) if params.sort == "relevance" else None,
            snippet=make_snippet(stored["body"], body.spans,
                                 width=snippet_chars, fragments=snippet_fragments),
            title_html=mark(stored["title"], title.spans),
            highlight_truncated=body.truncated or title.truncated,
            concepts=concepts,
        ))
        if params.explain:
            page.results[-1]["explain"] = {
                "matched": [{"field": t.field, "text": t.text}
                            for t in searcher.matched_terms(hit, leaves)]}
    page.timed_out = deadline.timed_out
    page.took_ms = deadline.elapsed_ms()
    return page


def _with_partial(searcher: Searcher, built: BuiltQuery, params: SearchParams,
                  prefer_lang: str | None, deadline: Deadline, found: SearchResult
                  ) -> tuple[SearchResult, list[int], list[dict]]:
    """The full matches followed by the partial ones, stage by stage, until
    ``partial.RELAX_BELOW`` documents are found: the combined result, how many
    concepts each hit matched, and each stage asked for (concepts, total)."""
    n = len(built.concepts)
    limit = params.page * params.per_page
    hits, matched = list(found.hits), [n] * len(found.hits)
    total, facets, complete = found.total, {k: Counter(v) for k, v in found.facets.items()}, True
    asked = []

    def documents(term: plan.Term) -> int:
        return searcher.doc_frequency(term.field, term.text)

    for stage in partial.stages(built.concepts, built.excluded, documents):
        if total >= partial.RELAX_BELOW:
            break
        if deadline.expired():
            deadline.cut_for_time("partial matches", "documents matching fewer of the "
                                  "query's concepts were not looked for")
            break
        got = searcher.search(search_request(built, params, prefer_lang, match=stage.match),
                              deadline)
        asked.append({"concepts": stage.concepts, "total": got.total})
        total += got.total
        complete = complete and got.complete
        for name, counts in got.facets.items():
            facets.setdefault(name, Counter()).update(counts)
        hits += got.hits[:max(0, limit - len(hits))]
        matched += [stage.concepts] * (len(hits) - len(matched))
    if params.sort != "relevance" and asked:
        order = sorted(range(len(hits)), key=lambda i: _date_key(searcher.stored(hits[i])),
                       reverse=params.sort == "date")
        hits, matched = [hits[i] for i in order], [matched[i] for i in order]
    return SearchResult(total, complete, hits, facets), matched, asked


def _date_key(stored: dict) -> str:
    """A stored document's date for ordering merged stages (undated: oldest)."""
    return stored.get("date") or ""


def search_request(built: BuiltQuery, params: SearchParams, prefer_lang: str | None, *,
                   require_all: bool = True, match: plan.Node | None = None
                   ) -> SearchRequest:
    """What to ask the engine: the plan (``match``, or all or any of the query's
    concepts less its exclusions), its filters, order and score rules."""
    focus = built.focus or ((), 0.0)
    return SearchRequest(
        match=match if match is not None else built.matching(require_all),
        proximity=built.proximity,
        filters=Filters(lang=params.lang, place=params.place, source=params.source,
                        year=params.year, date_from=params.date_from,
                        date_to=params.date_to),
        sort=params.sort, limit=params.page * params.per_page,
        bonus=Bonus(focus_entities=focus[0], focus=focus[1], prefer_lang=prefer_lang))


def _leaves(node: plan.Node) -> list[plan.Term]:
    """The distinct terms of a plan that can make a document match (an exclusion's
    cannot)."""
    if isinstance(node, plan.Not):
        node = node.positive
    return list(dict.fromkeys(plan.Term(t.field, t.text) for t in plan.terms_of(node)))


def bonus_description(built: BuiltQuery, prefer_lang: str | None) -> list[dict]:
    """The score rules of a search as JSON (``explain``)."""
    out = []
    if built.focus is not None:
        keys, weight = built.focus
        out.append({"rule": "focus", "entities": list(keys), "factor": 1.0 + weight,
                    "per_entity": weight})
    if prefer_lang:
        out.append({"rule": "language_first", "lang": prefer_lang,
                    "offset": LANGUAGE_OFFSET})
    return out


#: Most entity values listed in a facet.
FACET_SIZE = 20


def facets_dict(counts: dict[str, Counter], gazetteer: Gazetteer) -> dict:
    """The JSON form of an engine's facet counts: languages and sources by count,
    years newest first, places and other gazetteer entities by count."""
    langs, sources = counts.get("lang", Counter()), counts.get("source", Counter())
    years, entities = counts.get("year", Counter()), counts.get("entities", Counter())
    ranked = sorted(((k, n) for k, n in entities.items() if k in gazetteer.entities and n),
                    key=lambda item: (-item[1], item[0]))
    return {
        "lang": [{"value": lang, "count": n}
                 for lang, n in sorted(langs.items(), key=lambda item: -item[1]) if n],
        "source": [{"value": v, "count": n} for v, n in
                   sorted(sources.items(), key=lambda item: (-item[1], item[0]))
                   if n][:FACET_SIZE],
        "year": [{"value": int(y), "count": n} for y, n in sorted(years.items(), reverse=True)
                 if y.isdigit() and n],
        "places": [_entity_dict(gazetteer, key) | {"count": n} for key, n in ranked
                   if gazetteer.entities[key].kind == "place"][:FACET_SIZE],
        "entities": [_entity_dict(gazetteer, key) | {"count": n}
                     for key, n in ranked][:FACET_SIZE],
    }


def _relevance(score: float) -> float:
    """The BM25F score of a hit, less the language-first offset.

    Sorted by date, a hit has no relevance: the caller reports none (``null``, as Elasticsearch does when sorting by a field).
    """
    return score - LANGUAGE_OFFSET if score >= LANGUAGE_OFFSET else score


def result_dict(stored: dict, gazetteer: Gazetteer, **extra) -> dict:
    """The JSON form of one document's metadata (shared by search results and document view)."""
    lang = stored.get("lang") or "ar"
    keys = stored.get("entities", "").split()
    entities = [_entity_dict(gazetteer, key) for key in keys if key in gazetteer.entities]
    out = {
        "id": stored["id"],
        "title": stored["title"],
        "lang": lang,
        "dir": "rtl" if lang == "ar" else "ltr",
        "source": stored.get("source"),
        "date": stored.get("date"),
        "url": stored.get("url") if is_web_url(stored.get("url")) else None,
        "places": [e for e in entities if e["kind"] == "place"],
        "entities": entities,
    }
    out.update(extra)
    if out.get("score") is not None:
        out["score"] = round(float(out["score"]), 4)
    return out


def _entity_dict(gazetteer: Gazetteer, key: str) -> dict:
    return entity_dict(gazetteer.entities[key])
