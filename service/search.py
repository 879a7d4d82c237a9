"""Run a built query against the searcher and shape the page of results.

Documents in the query's language come first (``LANGUAGE_FIRST``), then the others,
each group by relevance: translations let an English query find Arabic articles,
but an English article that answers it comes before them.

``run_search`` asks for every unit first (AND); when that finds nothing and the
query has several units, it asks for any of them (OR) and says so in ``match``.
Pages past the end are empty (the total still tells how many there are), like
Elasticsearch, rather than silently showing the last page.

A search is one pass over the matching documents: the filters restrict the query
to a cached set (``service.docsets``); the focus bonus and the language-first order
are score bonuses (``service.boost``), not a second run of the query nor a sort of
every match; a top-N collector keeps the best ``page × per_page`` while
``RecordingCollector`` notes every match, per segment, for the total and the facet
counts (intersections with the cached sets).
"""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import sorting
from whoosh.collectors import SortingCollector, TopCollector, WrappingCollector
from whoosh.searching import Searcher

from index.gazetteer import Gazetteer
from index.readers import is_web_url
from index.spans import Span
from service.boost import LANGUAGE_OFFSET, Boosted, Restricted
from service.docsets import DocSets
from service.params import SearchParams
from service.query import BuiltQuery
from service.snippets import make_snippet, mark

#: (segment searcher, offset of its document numbers, the documents matched in it)
Matched = list[tuple[Searcher, int, set[int]]]


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
               find_spans: Callable[[str], list[Span]], gazetteer: Gazetteer, docsets: DocSets,
               prefer_lang: str | None = None,
               snippet_chars: int = 220, snippet_fragments: int = 2) -> SearchPage:
    """Search, fall back from all words to any word if needed, and build the results.

    :param find_spans: the spans of a text to mark (an ``index.spans.SpanFinder``).
    :param prefer_lang: documents in this language come first, each group by score.
    """
    started = time.perf_counter()
    match = "all"
    hits, matched = _search(searcher, built, params, True, docsets, prefer_lang)
    if not any(docs for _, _, docs in matched) and built.has_alternatives:
        match = "any"
        hits, matched = _search(searcher, built, params, False, docsets, prefer_lang)
    total = sum(len(docs) for _, _, docs in matched)
    page = SearchPage(total=total, page=params.page, per_page=params.per_page, match=match,
                      took_ms=0.0, facets=facet_counts(matched, docsets, gazetteer))
    first = (params.page - 1) * params.per_page
    for hit in hits[first:first + params.per_page]:
        stored = hit.fields()
        page.results.append(result_dict(
            stored, gazetteer,
            score=_relevance(hit.score) if params.sort == "relevance" else None,
            snippet=make_snippet(stored["body"], find_spans(stored["body"]),
                                 width=snippet_chars, fragments=snippet_fragments),
            title_html=mark(stored["title"], find_spans(stored["title"])),
        ))
    page.took_ms = round((time.perf_counter() - started) * 1000, 2)
    return page


class RecordingCollector(WrappingCollector):
    """Passes every match to ``child`` and notes it: ``matched`` holds, per segment,
    (segment searcher, document number offset, the segment's matching documents).

    The child must see every match (a top-N collector without block skipping), or
    the notes would miss the documents it skipped.
    """

    def __init__(self, child) -> None:
        super().__init__(child)
        self.matched: Matched = []
        self._current: set[int] = set()

    def set_subsearcher(self, subsearcher: Searcher, offset: int) -> None:
        super().set_subsearcher(subsearcher, offset)
        self._current = set()
        self.matched.append((subsearcher, offset, self._current))

    def collect(self, sub_docnum: int):
        self._current.add(sub_docnum)
        return self.child.collect(sub_docnum)


def _search(searcher: Searcher, built: BuiltQuery, params: SearchParams, require_all: bool,
            docsets: DocSets, prefer_lang: str | None) -> tuple[list, Matched]:
    """The best ``page × per_page`` hits (scored, or by date) and every match."""
    query = built.ranked(require_all)
    if _filtered(params):
        query = Restricted(query, lambda leaf: _allowed(leaf, params, docsets))
    if built.focus is not None:
        keys, weight = built.focus
        query = Boosted(query, lambda leaf: docsets.any_term(leaf, "entities", keys),
                        factor=1.0 + weight)
        for key in keys:        # and FOCUS_WEIGHT more for each focus entity it mentions
            query = Boosted(query, lambda leaf, key=key: docsets.term(leaf, "entities", key),
                            offset=weight)
    limit = params.page * params.per_page
    if params.sort != "relevance":
        child = SortingCollector(_by_date(newest_first=params.sort == "date"), limit=limit)
    else:
        if prefer_lang:
            query = Boosted(query, lambda leaf: docsets.column(leaf, "lang").get(
                prefer_lang, frozenset()), offset=LANGUAGE_OFFSET)
        # no block skipping and no matcher replacement: either could pass over matches
        # (a replacement drops a clause that can no longer reach the top N)
        child = TopCollector(limit=limit, usequality=False, replace=0)
    collector = RecordingCollector(child)
    searcher.search_with_collector(query, collector)
    results = collector.results()
    return [results[i] for i in range(results.scored_length())], collector.matched


def _by_date(newest_first: bool) -> sorting.FacetType:
    """Sort by date, documents without one last either way (as Elasticsearch does)."""
    undated = sorting.TranslateFacet(lambda value: 0 if value else 1, sorting.FieldFacet("date"))
    return sorting.MultiFacet([undated, sorting.FieldFacet("date", reverse=newest_first)])


#: Most entity values listed in a facet.
FACET_SIZE = 20


def year_of(date: str) -> str:
    """The year of an ISO date (the key of the year facet).

    >>> year_of("2020-10-04")
    '2020'
    """
    return date[:4]


def facet_counts(matched: Matched, docsets: DocSets, gazetteer: Gazetteer) -> dict:
    """Counts of the matching documents by language, source, year and place."""
    langs: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    years: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    for leaf, _, docs in matched:
        if not docs:
            continue
        for counter, groups in ((langs, docsets.column(leaf, "lang")),
                                (sources, docsets.column(leaf, "source")),
                                (years, docsets.column(leaf, "date", year_of)),
                                (entities, docsets.terms(leaf, "entities"))):
            for value, members in groups.items():
                n = len(docs & members)
                if n:
                    counter[value] += n
    ranked = sorted(((k, n) for k, n in entities.items() if k in gazetteer.entities),
                    key=lambda item: (-item[1], item[0]))
    return {
        "lang": [{"value": lang, "count": n}
                 for lang, n in sorted(langs.items(), key=lambda item: -item[1])],
        "source": [{"value": v, "count": n} for v, n in
                   sorted(sources.items(), key=lambda item: (-item[1], item[0]))][:FACET_SIZE],
        "year": [{"value": int(y), "count": n} for y, n in sorted(years.items(), reverse=True)
                 if y.isdigit()],
        "places": [_entity_dict(gazetteer, key) | {"count": n} for key, n in ranked
                   if gazetteer.entities[key].kind == "place"][:FACET_SIZE],
        "entities": [_entity_dict(gazetteer, key) | {"count": n}
                     for key, n in ranked][:FACET_SIZE],
    }


def _relevance(score: float) -> float:
    """The BM25F score of a hit, less the language-first offset.

    Sorted by date, a hit's "score" is Whoosh's sort key, not a relevance: the
    caller reports none (``null``, as Elasticsearch does when sorting by a field).
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
    entity = gazetteer.entities[key]
    return {"key": key, "name": entity.name, "name_ar": entity.name_ar, "kind": entity.kind}


def _filtered(params: SearchParams) -> bool:
    return bool(params.lang or params.place or params.source or params.year
                or params.date_from or params.date_to)


def _allowed(leaf: Searcher, params: SearchParams, docsets: DocSets) -> frozenset[int] | None:
    """The documents of one segment the filters let through (None: no filter)."""
    if not _filtered(params):
        return None
    empty: frozenset[int] = frozenset()
    sets = []
    if params.lang:
        sets.append(docsets.column(leaf, "lang").get(params.lang, empty))
    if params.place:
        sets.append(docsets.term(leaf, "entities", params.place))
    if params.source:
        sets.append(docsets.column(leaf, "source").get(params.source, empty))
    if params.year:
        sets.append(docsets.column(leaf, "date", year_of).get(f"{params.year:04d}", empty))
    if params.date_from or params.date_to:
        low, high = params.date_from, params.date_to
        sets.append(frozenset().union(*(
            docs for date, docs in docsets.column(leaf, "date").items()
            if (low is None or date >= low) and (high is None or date <= high))))
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:])
