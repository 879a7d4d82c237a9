"""Run a built query against the searcher and shape the page of results.

Documents in the query's language come first (``LANGUAGE_FIRST``), then the others,
each group by relevance: translations let an English query find Arabic articles,
but an English article that answers it comes before them.

``run_search`` asks for every unit first (AND); when that finds nothing and the
query has several units, it asks for any of them (OR) and says so in ``match``.
Pages past the end are empty (the total still tells how many there are), like
Elasticsearch, rather than silently showing the last page.
"""

import time
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from index.gazetteer import Gazetteer
from service.params import SearchParams
from service.query import BuiltQuery
from service.snippets import make_snippet, mark, matched_spans


@dataclass
class SearchPage:
    """One page of results and how it was found."""

    total: int
    page: int
    per_page: int
    match: str
    took_ms: float
    results: list[dict] = field(default_factory=list)
    facets: dict = field(default_factory=dict)


def run_search(searcher: Searcher, built: BuiltQuery, params: SearchParams, *,
               matchers, gazetteer: Gazetteer, prefer_lang: str | None = None,
               snippet_chars: int = 220, snippet_fragments: int = 2) -> SearchPage:
    """Search, fall back from all words to any word if needed, and build the results.

    :param prefer_lang: documents in this language come first, each group by score.
    """
    started = time.perf_counter()
    options = {"limit": params.page * params.per_page, "filter": _filter(params),
               "terms": False, "groupedby": _FACETS, "maptype": sorting.Count}
    if params.sort != "relevance":
        options["sortedby"] = sorting.FieldFacet("date", reverse=params.sort == "date")
    elif prefer_lang:
        options["sortedby"] = language_first(prefer_lang)
    match = "all"
    results = searcher.search(built.ranked(True), **options)
    if results.is_empty() and built.has_alternatives:
        match = "any"
        results = searcher.search(built.ranked(False), **options)
    total = len(results)
    first = (params.page - 1) * params.per_page
    hits = [results[i] for i in range(first, min(first + params.per_page, results.scored_length()))]
    page = SearchPage(total=total, page=params.page, per_page=params.per_page, match=match,
                      took_ms=0.0, facets=facet_counts(results, gazetteer))
    for hit in hits:
        stored = hit.fields()
        title_spans = matched_spans(stored["title"], matchers)
        page.results.append(result_dict(
            stored, gazetteer, score=_relevance(hit.score),
            snippet=make_snippet(stored["body"], matchers,
                                 width=snippet_chars, fragments=snippet_fragments),
            title_html=mark(stored["title"], title_spans),
        ))
    page.took_ms = round((time.perf_counter() - started) * 1000, 2)
    return page


_FACETS = {"lang": sorting.FieldFacet("lang"),
           "source": sorting.FieldFacet("source"),
           "date": sorting.FieldFacet("date"),
           "entities": sorting.FieldFacet("entities", allow_overlap=True)}
#: Most entity values listed in a facet.
FACET_SIZE = 20


def facet_counts(results, gazetteer: Gazetteer) -> dict:
    """Counts of the matching documents by language, source, year and place."""
    def decoded(value) -> str:
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    langs = {decoded(k): n for k, n in results.groups("lang").items() if k is not None}
    sources = {decoded(k): n for k, n in results.groups("source").items() if k}
    years: dict[str, int] = {}
    for value, n in results.groups("date").items():
        if value:
            year = decoded(value)[:4]
            years[year] = years.get(year, 0) + n
    entities = {decoded(k): n for k, n in results.groups("entities").items()
                if k is not None and decoded(k) in gazetteer.entities}
    ranked = sorted(entities.items(), key=lambda item: (-item[1], item[0]))
    return {
        "lang": [{"value": lang, "count": n}
                 for lang, n in sorted(langs.items(), key=lambda item: -item[1])],
        "source": [{"value": v, "count": n} for v, n in
                   sorted(sources.items(), key=lambda item: (-item[1], item[0]))][:FACET_SIZE],
        "year": [{"value": int(y), "count": n} for y, n in sorted(years.items(), reverse=True)],
        "places": [_entity_dict(gazetteer, key) | {"count": n} for key, n in ranked
                   if gazetteer.entities[key].kind == "place"][:FACET_SIZE],
        "entities": [_entity_dict(gazetteer, key) | {"count": n}
                     for key, n in ranked][:FACET_SIZE],
    }


def _relevance(score) -> float:
    """The BM25F score of a hit; sorted by ``language_first`` it is the negated last key."""
    return -score[-1] if isinstance(score, tuple) else score


def language_first(lang: str) -> sorting.FacetType:
    """Sort order: documents in ``lang`` first, then the others, each by score."""
    wanted = (lang, lang.encode("utf-8"))     # the column gives bytes
    preferred = sorting.TranslateFacet(lambda value: 0 if value in wanted else 1,
                                       sorting.FieldFacet("lang"))
    return sorting.MultiFacet([preferred, sorting.ScoreFacet()])


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
        "url": stored.get("url"),
        "places": [e for e in entities if e["kind"] == "place"],
        "entities": entities,
    }
    out.update(extra)
    if "score" in out:
        out["score"] = round(float(out["score"]), 4)
    return out


def _entity_dict(gazetteer: Gazetteer, key: str) -> dict:
    entity = gazetteer.entities[key]
    return {"key": key, "name": entity.name, "name_ar": entity.name_ar, "kind": entity.kind}


def _filter(params: SearchParams) -> wq.Query | None:
    terms = []
    if params.lang:
        terms.append(wq.Term("lang", params.lang))
    if params.place:
        terms.append(wq.Term("entities", params.place))
    if params.source:
        terms.append(wq.Term("source", params.source))
    if params.year:
        terms.append(wq.TermRange("date", f"{params.year:04d}-01-01", f"{params.year:04d}-12-31"))
    if params.date_from or params.date_to:
        terms.append(wq.TermRange("date", params.date_from, params.date_to))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)
