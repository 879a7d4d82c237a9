"""Run a built query against the searcher and shape the page of results.

Documents in the query's language come first (``LANGUAGE_FIRST``), then the others,
each group by relevance: translations let an English query find Arabic articles,
but an English article that answers it comes before them.

``run_search`` asks for every unit first (AND); when that finds nothing and the
query has several units, it asks for any of them (OR) and says so in ``match``.
Pages past the end are empty (the total still tells how many there are), like
Elasticsearch, rather than silently showing the last page.

A search has two parts. **What matches** (the total and the facet counts) is set
algebra on cached bit sets (``DocSets.evaluate``), with no scoring. **The order**
scores those matching documents over arrays (``service.ranking``) and keeps the
best ``page × per_page``, only when something matches, and within
``SEARCH_TIME_LIMIT``; the focus bonus and the language-first order are score
rules (``service.boost``), not a second run of the query nor a sort of every
match; the proximity bonus is added to the best ``RESCORE_WINDOW`` hits
afterwards. Sorted by date, the matching documents are ordered by their dates,
cached per segment (``ranking.by_field``).

Everything runs within the request's ``Deadline`` (``SEARCH_TIME_LIMIT``): what
matches, the ranking, the proximity bonus, the facets and each result's
highlights look at it, and what it cut is listed in ``query.cut``. A match set
cut short holds only documents that match (``total_relation`` is then ``gte``, as
Elasticsearch's ``hits.total.relation``); a result whose highlights were cut, by
the deadline or by the bounds on the text read (``HIGHLIGHT_MAX_CHARS``,
``HIGHLIGHT_MAX_MATCHES``), says so with ``highlight_truncated``.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from whoosh.searching import Searcher

from index.gazetteer import Gazetteer
from index.readers import is_web_url
from index.spans import Found
from service.boost import LANGUAGE_OFFSET, Rule, gain
from service.deadline import TIME_LIMIT, Deadline
from service.docsets import DocSets, Matched, Members
from service.params import SearchParams
from service.query import BuiltQuery
from service.ranking import by_field, rank, scores_at
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


def run_search(searcher: Searcher, built: BuiltQuery, params: SearchParams, *,
               find_spans: Callable[[str], Found], gazetteer: Gazetteer, docsets: DocSets,
               prefer_lang: str | None = None, deadline: Deadline | None = None,
               snippet_chars: int = 220, snippet_fragments: int = 2) -> SearchPage:
    """Search, fall back from all words to any word if needed, and build the results.

    :param find_spans: the spans of a text to mark and whether they were cut short
        (``index.spans.SpanFinder.find``).
    :param prefer_lang: documents in this language come first, each group by score.
    :param deadline: the request's deadline (None: none); what it cut is in its cuts.
    """
    deadline = deadline or Deadline(None)
    match = "all"
    allowed = _filter_sets(params, docsets)
    matched, complete = matching(searcher, built, True, docsets, allowed, deadline)
    if not any(bits for _, _, bits in matched) and built.has_alternatives and complete:
        match = "any"
        matched, complete = matching(searcher, built, False, docsets, allowed, deadline)
    if not complete:
        deadline.cut_for_time("matching", "some terms or phrases were not looked up in "
                              "every document: the results all match, the total is a "
                              "lower bound")
    total = sum(bits.bit_count() for _, _, bits in matched)
    hits = _ranked(searcher, built, params, match == "all", docsets, matched, prefer_lang,
                   deadline) if total else []
    if deadline.expired():
        facets = facet_counts([], docsets, gazetteer)
        deadline.cut_for_time("facets", "not counted")
    else:
        facets = facet_counts(matched, docsets, gazetteer)
    # a translation left out at the deadline leaves matches out too (they only add)
    whole = complete and "expansions" not in {c.part for c in deadline.cuts if c.reason
                                              == TIME_LIMIT}
    page = SearchPage(total=total, page=params.page, per_page=params.per_page, match=match,
                      took_ms=0.0, facets=facets, total_relation="eq" if whole else "gte")
    first = (params.page - 1) * params.per_page
    for hit in hits[first:first + params.per_page]:
        stored = hit.fields()
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
        ))
    page.timed_out = deadline.timed_out
    page.took_ms = deadline.elapsed_ms()
    return page


def matching(searcher: Searcher, built: BuiltQuery, require_all: bool, docsets: DocSets,
             allowed: Callable[[Searcher], int] | None = None,
             deadline: Deadline | None = None) -> tuple[Matched, bool]:
    """Every document the query matches (within ``allowed``), per segment, as bits,
    and whether the ``deadline`` let every clause be looked up in every segment."""
    query = built.matching(require_all)
    out = []
    complete = True
    for leaf, offset in searcher.leaf_searchers():
        within = allowed(leaf) if allowed is not None else None
        if within == 0:
            out.append((leaf, offset, 0))
            continue
        evaluation = docsets.evaluate(leaf, query, within=within, deadline=deadline)
        complete = complete and evaluation.complete
        out.append((leaf, offset, evaluation.bits))
    return out, complete


#: Hits whose order the proximity bonus may change (Elasticsearch's rescore window):
#: the best this many by the other scores, or all of the requested pages if more.
RESCORE_WINDOW = 100


def _ranked(searcher: Searcher, built: BuiltQuery, params: SearchParams, require_all: bool,
            docsets: DocSets, matched: Matched, prefer_lang: str | None,
            deadline: Deadline | None = None) -> list:
    """The best ``page × per_page`` of the ``matched`` documents, scored (or by
    date), within the ``deadline`` (what it cut goes to its cuts).

    Relevance is the query without its proximity clause, scored over arrays
    (``service.ranking``), then the proximity bonus for the best ``RESCORE_WINDOW``
    hits only: evaluated at every match, the phrase clause cost over a second for
    two common words at 100,000 articles. By date, the order of the matches' dates.
    """
    limit = params.page * params.per_page
    deadline = deadline or Deadline(None)
    if params.sort != "relevance":
        return by_field(searcher, matched, "date", params.sort == "date", limit, docsets)
    rules = bonus_rules(built, docsets, prefer_lang)
    window = max(limit, RESCORE_WINDOW) if built.proximity is not None else limit
    hits, timed_out = rank(searcher, built.matching(require_all), matched, rules, window,
                           docsets, deadline)
    if timed_out:
        deadline.cut_for_time("ranking", "the order is that of the scores found by then")
    if built.proximity is not None and hits:
        if deadline.expired():
            deadline.cut_for_time("proximity", "ranked without the bonus for words "
                                  "standing close together")
        elif _add_proximity(searcher, hits, built.proximity, rules, docsets, deadline):
            deadline.cut_for_time("proximity", "the bonus for words standing close "
                                  "together was added to some of the best hits only")
    return hits[:limit]


def bonus_rules(built: BuiltQuery, docsets: DocSets, prefer_lang: str | None) -> list[Rule]:
    """The score rules of a search (``service.boost``): the focus bonus, then the
    language-first offset."""
    rules: list[Rule] = []
    if built.focus is not None:
        keys, weight = built.focus
        rules.append((lambda leaf: _any_entity(leaf, docsets, keys), 1.0 + weight, 0.0))
        for key in keys:        # and FOCUS_WEIGHT more for each focus entity it mentions
            rules.append((lambda leaf, key=key: docsets.term_bits(leaf, "entities", key),
                          1.0, weight))
    if prefer_lang:
        rules.append((lambda leaf: docsets.column_bits(leaf, "lang").get(prefer_lang, 0),
                      1.0, LANGUAGE_OFFSET))
    return rules


def _any_entity(leaf: Searcher, docsets: DocSets, keys: tuple[str, ...]) -> int:
    bits = 0
    for key in keys:
        bits |= docsets.term_bits(leaf, "entities", key)
    return bits


def _add_proximity(searcher: Searcher, hits: list, proximity, rules: list[Rule],
                   docsets: DocSets, deadline: Deadline | None = None) -> bool:
    """Add each hit's proximity score (scaled by its boost factors, as if the clause
    had been part of the scored query) and sort the hits again; True when the
    ``deadline`` stopped it before every hit had its bonus."""
    late = False
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        inside = sorted((hit for hit in hits if offset <= hit.docnum < end),
                        key=lambda hit: hit.docnum)
        if not inside:
            continue
        if deadline is not None and deadline.expired():
            late = True
            break
        docs = np.array([hit.docnum - offset for hit in inside])
        bonus = scores_at(searcher, leaf, proximity, docs, docsets, deadline)
        sets = tuple((Members(docs_for(leaf)), factor, add) for docs_for, factor, add in rules)
        for hit, docnum, score in zip(inside, docs.tolist(), bonus.tolist()):
            if score:
                hit.score += score * gain(sets, docnum)
    hits.sort(key=lambda hit: (-hit.score, hit.docnum))
    return late or (deadline is not None and deadline.expired())


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
    for leaf, _, bits in matched:
        if not bits:
            continue
        for counter, groups in ((langs, docsets.column_bits(leaf, "lang")),
                                (sources, docsets.column_bits(leaf, "source")),
                                (years, docsets.column_bits(leaf, "date", year_of)),
                                (entities, docsets.terms_bits(leaf, "entities"))):
            for value, members in groups.items():
                n = (bits & members).bit_count()
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


def _filter_sets(params: SearchParams, docsets: DocSets) -> Callable[[Searcher], int] | None:
    """The filters' documents of each segment (computed once per segment and search),
    or None when there is no filter."""
    if not _filtered(params):
        return None
    known: dict[int, int] = {}

    def allowed(leaf: Searcher) -> int:
        if id(leaf) not in known:
            known[id(leaf)] = _allowed(leaf, params, docsets)
        return known[id(leaf)]
    return allowed


def _allowed(leaf: Searcher, params: SearchParams, docsets: DocSets) -> int:
    """The documents of one segment the filters let through (bits; every filter set)."""
    bits = docsets.live(leaf)
    if params.lang:
        bits &= docsets.column_bits(leaf, "lang").get(params.lang, 0)
    if params.place:
        bits &= docsets.term_bits(leaf, "entities", params.place)
    if params.source:
        bits &= docsets.column_bits(leaf, "source").get(params.source, 0)
    if params.year:
        bits &= docsets.column_bits(leaf, "date", year_of).get(f"{params.year:04d}", 0)
    if params.date_from or params.date_to:
        low, high = params.date_from, params.date_to
        bits &= docsets.in_range(leaf, "date", low, high)
    return bits
