"""The Whoosh engine: the engine interface (``service.engines``) over a Whoosh index.

A search has two parts. **What matches** (the total and the facet counts) is set
algebra on cached bit sets (``service.engines.whoosh_docsets``), with no scoring. **The order**
scores those matching documents over arrays (``service.engines.whoosh_ranking``) and keeps the
best ``limit``, only when something matches, within the request's deadline; the
focus bonus and the language-first order are score rules (``service.engines.whoosh_boost``), not
a second run of the query nor a sort of every match; the proximity bonus is added
to the best ``RESCORE_WINDOW`` hits afterwards. Sorted by date, the matching
documents are ordered by their dates, cached per segment (``ranking.by_field``).
The plan becomes a Whoosh query in ``whoosh_query``; every module that reads
Whoosh's private structures (``docsets``, ``ranking``, ``phrases``, ``scoring``,
``index.segments``) is pinned to the Whoosh version by
``tests/test_whoosh_pinned.py``.
"""

from collections import Counter
from collections.abc import Callable

import numpy as np
from whoosh.index import FileIndex
from whoosh.searching import Searcher as WhooshRawSearcher

from index.analysis import resources_of
from service.deadline import Deadline
from service.engines import LANGUAGE_OFFSET, Bonus, Filters, Hit, SearchRequest, SearchResult
from service.engines.whoosh_boost import Rule, gain
from service.engines.whoosh_docsets import DocSets, Matched, Members
from service.engines.whoosh_query import to_whoosh
from service.engines.whoosh_ranking import Ranked, by_field, rank, scores_at
from service.engines.whoosh_scoring import CachedLengthsBM25F
from service.plan import Node, Term

ENGINE = "whoosh"

#: Hits whose order the proximity bonus may change (Elasticsearch's rescore window):
#: the best this many by the other scores, or all of the requested pages if more.
RESCORE_WINDOW = 100


class WhooshSearcher:
    """One open Whoosh index: a searcher with the cached document sets."""

    engine = ENGINE

    def __init__(self, ix: FileIndex, docsets: DocSets) -> None:
        self.ix = ix
        self.docsets = docsets
        #: Whoosh's own searcher (for the modules of this engine and its tests)
        self.raw: WhooshRawSearcher = ix.searcher(weighting=CachedLengthsBM25F(docsets))
        self.resources = resources_of(self.raw.schema["body"].analyzer)

    @property
    def analyzer(self):
        """The analyzer of the index's text fields (queries are analysed with it)."""
        return self.raw.schema["body"].analyzer

    def up_to_date(self) -> bool:
        """Whether the index has no newer commit than this searcher sees."""
        return self.raw.up_to_date()

    def close(self) -> None:
        self.raw.close()

    def generation(self) -> int:
        return self.ix.latest_generation()

    def doc_count(self) -> int:
        return self.raw.doc_count()

    def doc_frequency(self, field: str, text: str) -> int:
        return self.raw.doc_frequency(field, text)

    def search(self, request: SearchRequest, deadline: Deadline) -> SearchResult:
        allowed = _filter_sets(request.filters, self.docsets)
        matched, complete = matching(self.raw, request.match, self.docsets, allowed, deadline)
        total = sum(bits.bit_count() for _, _, bits in matched)
        hits = ranked(self.raw, request, self.docsets, matched, deadline) if total else []
        if deadline.expired():
            deadline.cut_for_time("facets", "not counted")
            facets: dict[str, Counter] = {}
        else:
            facets = facet_counts(matched, self.docsets)
        return SearchResult(total, complete, [Hit(h, h.score) for h in hits], facets)

    def stored(self, hit: Hit) -> dict:
        return hit.ref.fields()

    def document(self, doc_id: str) -> dict | None:
        return self.raw.document(id=doc_id)

    def shards(self) -> dict | None:
        return None                     # one index in one place

    def texts_holding(self, terms: str | tuple[str, ...], n: int) -> list[str]:
        """The bodies of the first ``n`` documents whose body holds the term (each of
        the terms, when several are given)."""
        terms = (terms,) if isinstance(terms, str) else terms
        if not all(self.raw.doc_frequency("body", term) for term in terms):
            return []
        matchers = [self.raw.postings("body", term) for term in terms]
        texts = []
        while all(m.is_active() for m in matchers) and len(texts) < n:
            ahead = max(m.id() for m in matchers)
            for m in matchers:
                if m.id() < ahead:
                    m.skip_to(ahead)
            if all(m.is_active() and m.id() == ahead for m in matchers):
                texts.append(self.raw.stored_fields(ahead).get("body", ""))
                matchers[0].next()
        return texts

    def matched_terms(self, hit: Hit, terms: list[Term]) -> list[Term]:
        docnum = hit.ref.docnum
        for leaf, offset in self.raw.leaf_searchers():
            if offset <= docnum < offset + leaf.doc_count_all():
                local = docnum - offset
                return [t for t in terms
                        if self.docsets.term_bits(leaf, t.field, t.text) >> local & 1]
        return []

    def prefix_terms(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        reader = self.raw.reader()
        out = []
        for term in reader.expand_prefix(field, prefix):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            out.append((word, reader.doc_frequency(field, word)))
            if len(out) >= limit:
                break
        return out

    def titles_with_prefix(self, prefixes: list[str], limit: int) -> list[dict]:
        from whoosh import query as wq

        query = wq.Or([wq.Prefix("title", prefix) for prefix in prefixes])
        return [{"title": hit["title"], "id": hit["id"]}
                for hit in self.raw.search(query, limit=limit)]

    def corrections(self, field: str, text: str, limit: int) -> list[str]:
        # Each segment's corrector walks its term list with an automaton; over several
        # segments Whoosh's corrector would compute the edit distance to every term of
        # the index in Python (seconds at 100,000 documents).
        out: list[str] = []
        for leaf, _ in self.raw.leaf_searchers():
            out += leaf.corrector(field).suggest(text, limit=limit, maxdist=1)
        return out


def matching(searcher: WhooshRawSearcher, node: Node, docsets: DocSets,
             allowed: Callable[[WhooshRawSearcher], int] | None = None,
             deadline: Deadline | None = None) -> tuple[Matched, bool]:
    """Every document the plan matches (within ``allowed``), per segment, as bits,
    and whether the ``deadline`` let every clause be looked up in every segment."""
    query = to_whoosh(node)
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


def ranked(searcher: WhooshRawSearcher, request: SearchRequest, docsets: DocSets,
           matched: Matched, deadline: Deadline | None = None) -> list[Ranked]:
    """The best ``request.limit`` of the ``matched`` documents, scored (or by date),
    within the ``deadline`` (what it cut goes to its cuts).

    Relevance is the plan without its proximity clause, scored over arrays
    (``service.engines.whoosh_ranking``), then the proximity bonus for the best ``RESCORE_WINDOW``
    hits only: evaluated at every match, the phrase clause cost over a second for
    two common words at 100,000 articles. By date, the order of the matches' dates.
    """
    limit = request.limit
    deadline = deadline or Deadline(None)
    if request.sort != "relevance":
        return by_field(searcher, matched, "date", request.sort == "date", limit, docsets)
    rules = bonus_rules(request.bonus, docsets)
    window = max(limit, RESCORE_WINDOW) if request.proximity is not None else limit
    hits, timed_out = rank(searcher, to_whoosh(request.match), matched, rules, window,
                           docsets, deadline)
    if timed_out:
        deadline.cut_for_time("ranking", "the order is that of the scores found by then")
    if request.proximity is not None and hits:
        if deadline.expired():
            deadline.cut_for_time("proximity", "ranked without the bonus for words "
                                  "standing close together")
        elif _add_proximity(searcher, hits, to_whoosh(request.proximity), rules, docsets,
                            deadline):
            deadline.cut_for_time("proximity", "the bonus for words standing close "
                                  "together was added to some of the best hits only")
    return hits[:limit]


def bonus_rules(bonus: Bonus, docsets: DocSets) -> list[Rule]:
    """The score rules of a search (``service.engines.whoosh_boost``): the focus bonus, then the
    language-first offset."""
    rules: list[Rule] = []
    if bonus.focus_entities and bonus.focus > 0:
        keys, weight = bonus.focus_entities, bonus.focus
        rules.append((lambda leaf: _any_entity(leaf, docsets, keys), 1.0 + weight, 0.0))
        for key in keys:        # and FOCUS_WEIGHT more for each focus entity it mentions
            rules.append((lambda leaf, key=key: docsets.term_bits(leaf, "entities", key),
                          1.0, weight))
    if bonus.prefer_lang:
        lang = bonus.prefer_lang
        rules.append((lambda leaf: docsets.column_bits(leaf, "lang").get(lang, 0),
                      1.0, LANGUAGE_OFFSET))
    return rules


def _any_entity(leaf: WhooshRawSearcher, docsets: DocSets, keys: tuple[str, ...]) -> int:
    bits = 0
    for key in keys:
        bits |= docsets.term_bits(leaf, "entities", key)
    return bits


def _add_proximity(searcher: WhooshRawSearcher, hits: list, proximity, rules: list[Rule],
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


def year_of(date: str) -> str:
    """The year of an ISO date (the key of the year facet).

    >>> year_of("2020-10-04")
    '2020'
    """
    return date[:4]


def facet_counts(matched: Matched, docsets: DocSets) -> dict[str, Counter]:
    """Counts of the matching documents by language, source, year and entity."""
    counts = {name: Counter() for name in ("lang", "source", "year", "entities")}
    for leaf, _, bits in matched:
        if not bits:
            continue
        for name, groups in (("lang", docsets.column_bits(leaf, "lang")),
                             ("source", docsets.column_bits(leaf, "source")),
                             ("year", docsets.column_bits(leaf, "date", year_of)),
                             ("entities", docsets.terms_bits(leaf, "entities"))):
            for value, members in groups.items():
                n = (bits & members).bit_count()
                if n:
                    counts[name][value] += n
    return counts


def _filter_sets(filters: Filters, docsets: DocSets
                 ) -> Callable[[WhooshRawSearcher], int] | None:
    """The filters' documents of each segment (computed once per segment and search),
    or None when there is no filter."""
    if not filters:
        return None
    known: dict[int, int] = {}

    def allowed(leaf: WhooshRawSearcher) -> int:
        if id(leaf) not in known:
            known[id(leaf)] = _allowed(leaf, filters, docsets)
        return known[id(leaf)]
    return allowed


def _allowed(leaf: WhooshRawSearcher, filters: Filters, docsets: DocSets) -> int:
    """The documents of one segment the filters let through (bits; every filter set)."""
    bits = docsets.live(leaf)
    if filters.lang:
        bits &= docsets.column_bits(leaf, "lang").get(filters.lang, 0)
    if filters.place:
        bits &= docsets.term_bits(leaf, "entities", filters.place)
    if filters.source:
        bits &= docsets.column_bits(leaf, "source").get(filters.source, 0)
    if filters.year:
        bits &= docsets.column_bits(leaf, "date", year_of).get(f"{filters.year:04d}", 0)
    if filters.date_from or filters.date_to:
        bits &= docsets.in_range(leaf, "date", filters.date_from, filters.date_to)
    return bits

