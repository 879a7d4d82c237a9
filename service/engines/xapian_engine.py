"""The Xapian engine: the engine interface (``service.engines``) over a Xapian database.

A search is one call of Xapian's matcher: the plan as a Xapian query
(``xapian_query``), restricted by the filters (``OP_FILTER`` of boolean terms, a
value range for dates), with the score rules inside the query, the total exact
(``check_at_least`` every document), the facets counted by ``ValueCountMatchSpy``
over the facet slots of ``index.xapian_layout``, and the best ``limit`` kept by
Xapian. Ranking is Xapian's BM25 (``BM25Weight``: k1 1.2, b 0.75, as Whoosh's
BM25F), over a document's whole length rather than per field: README "Engines"
measures the difference.

The score rules (``service.engines.whoosh_boost``) as Xapian operators:

* the proximity bonus: ``OP_AND_MAYBE(match, proximity)``, scored at every match
  (Whoosh adds it to the best ``RESCORE_WINDOW`` only, which its test shows to be
  the same order there);
* the focus bonus, ``(1 + w) × score`` for a document mentioning a focus entity:
  ``OP_AND_MAYBE(q, OP_FILTER(w × q, any focus entity))``, the query scored a
  second time only where the filter holds; plus ``w`` for each focus entity
  mentioned: a ``FixedWeightPostingSource`` of ``w`` ``AND``-ed with the entity's
  boolean term, for each entity;
* the language-first order: a ``FixedWeightPostingSource`` of ``LANGUAGE_OFFSET``
  ``AND``-ed with the preferred language's boolean term, as for a focus entity (a
  ``ValueMapPostingSource`` on the language slot crashed Xapian 1.4.26 when a time
  limit stopped the match of a benchmark query early at 100,000 articles; README
  "Engines").

The deadline becomes Xapian's own time limit on the match (``set_time_limit``);
when it cuts the match, the total is the lower bound Xapian found and the answer
says so, as with Whoosh.
"""

import pickle
import string
import time
from collections import Counter
from pathlib import Path

import xapian

from index import shards
from index import xapian_layout as layout
from index.xapian_writer import revision
from index.analysis import fahras_analyzer
from service.deadline import Deadline
from service.engines import LANGUAGE_OFFSET, Bonus, Filters, Hit, SearchRequest, SearchResult
from service.engines.xapian_query import to_xapian
from service.plan import Term
from service.problems import IndexUnavailable

ENGINE = layout.ENGINE
#: Letters tried by ``corrections`` (edit distance 1): Arabic's and Latin's.
_ALPHABET = "".join(chr(c) for c in range(0x621, 0x64B)) + string.ascii_lowercase
#: A cluster's searcher is opened again after this many seconds (new commits on its
#: servers, a failed shard answering again).
CLUSTER_REFRESH = 2.0
#: How long a shard's server may take to accept a connection, and to answer.
CONNECT_TIMEOUT_MS = 500
REMOTE_TIMEOUT_MS = 5000
#: Shortest time limit given to Xapian's matcher (seconds) once a deadline is near.
_MIN_TIME_LIMIT = 0.001

Q = xapian.Query


class XapianSearcher:
    """One open Xapian database and the resources it was built with."""

    engine = ENGINE

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.layout = shards.read_layout(self.folder)
        self.shard_states: list[dict] = []
        self._opened = time.monotonic()
        if self.layout is None:
            self._revision = revision(self.folder)
            self.db = xapian.Database(str(self.folder))
        else:
            self.db = self._open_cluster()
            self._revision = self.db.get_doccount()
        #: several databases searched as one (shards): see ``search``
        self._several = self.layout is not None or shards.shard_dirs(self.folder) is not None
        with open(self.folder / layout.RESOURCES_FILE, "rb") as handle:
            self.resources = pickle.load(handle)
        self._analyzer = None
        self._sources: list = []        # posting sources of the running search (kept alive)

    @property
    def analyzer(self):
        """The analyzer of the resources the database was built with (cached)."""
        if self._analyzer is None:
            self._analyzer = fahras_analyzer(self.resources)
        return self._analyzer

    def up_to_date(self) -> bool:
        """Whether no commit happened since this searcher opened the database (any of
        its shards, for a sharded index: ``index.shards``); a cluster's searcher is
        opened again every ``CLUSTER_REFRESH`` seconds (its servers may have new
        commits, and a shard that failed may answer again)."""
        if self.layout is not None:
            return time.monotonic() - self._opened < CLUSTER_REFRESH
        return revision(self.folder) == self._revision

    def _open_cluster(self) -> xapian.Database:
        """All shards of the layout as one database: each shard's first copy that
        answers within ``CONNECT_TIMEOUT_MS``; a shard no copy of which answers is
        left out and its state says so.

        :raises IndexUnavailable: when no shard answers.
        """
        db = xapian.Database()
        self.shard_states = []
        for shard in self.layout:
            state = {"shard": shard.name, "state": "failed", "copy": None, "documents": 0,
                     "copies": [f"{host}:{port}" for host, port in shard.copies]}
            for host, port in shard.copies:
                try:
                    sub = xapian.remote_open(host, port, REMOTE_TIMEOUT_MS, CONNECT_TIMEOUT_MS)
                    documents = sub.get_doccount()
                except xapian.NetworkError:
                    continue
                db.add_database(sub)
                state.update(state="ok", copy=f"{host}:{port}", documents=documents)
                break
            self.shard_states.append(state)
        if not any(state["state"] == "ok" for state in self.shard_states):
            raise IndexUnavailable(f"no shard of the cluster at {self.folder} answers")
        return db

    def shards(self) -> dict | None:
        """For a cluster: how many shards, how many answered, which did not (as
        Elasticsearch's ``_shards``) and each one's state; None for one database."""
        if self.layout is None:
            return None
        failed = [s["shard"] for s in self.shard_states if s["state"] != "ok"]
        return {"total": len(self.shard_states), "successful": len(self.shard_states) -
                len(failed), "failed": failed, "states": self.shard_states}

    def close(self) -> None:
        self.db.close()

    def generation(self) -> int:
        return self._revision

    def doc_count(self) -> int:
        return self.db.get_doccount()

    def doc_frequency(self, field: str, text: str) -> int:
        return self.db.get_termfreq(layout.field_term(field, text))

    def search(self, request: SearchRequest, deadline: Deadline,
               retried: bool = False) -> SearchResult:
        self._sources = []
        query = self._scored(request)
        query = self._filtered(query, request.filters)
        enquire = xapian.Enquire(self.db)
        enquire.set_query(query)
        enquire.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
        if request.sort != "relevance":
            keys = xapian.MultiValueKeyMaker()
            newest = request.sort == "date"
            # documents without a date come last either way
            keys.add_value(layout.DATE_SLOT, newest, "" if newest else "\x7f")
            enquire.set_sort_by_key(keys, False)
        if deadline.at is not None:
            enquire.set_time_limit(max(deadline.at - deadline.clock(), _MIN_TIME_LIMIT))
        spies = [xapian.ValueCountMatchSpy(slot)
                 for slot in (layout.FACETS_SLOT, *layout.ENTITY_SLOTS)]
        everyone = max(1, self.db.get_doccount())
        # Over several databases (shards), Xapian 1.4.26 crashed (SIGSEGV) on a weighted
        # match asked to look at every document (`rates` on the 100k shards): the
        # weighted pass then only ranks, and a boolean pass over the same query counts
        # the total and the facets.
        counter = enquire
        if self._several:
            counter = xapian.Enquire(self.db)
            counter.set_query(query)
            counter.set_weighting_scheme(xapian.BoolWeight())
            if deadline.at is not None:
                counter.set_time_limit(max(deadline.at - deadline.clock(), _MIN_TIME_LIMIT))
        for spy in spies:
            counter.add_matchspy(spy)
        try:
            if counter is enquire:
                mset = enquire.get_mset(0, max(request.limit, 0), everyone)
                counted = mset
            else:
                counted = counter.get_mset(0, 0, everyone)
                mset = enquire.get_mset(0, max(request.limit, 0), 0)
        except xapian.NetworkError as error:
            if self.layout is None:
                raise
            if retried:
                raise IndexUnavailable(f"the cluster's shards stopped answering: "
                                       f"{error.get_msg()}") from None
            # a server stopped answering: the shards' other copies, once
            self.db = self._open_cluster()
            self._opened = 0.0              # and open afresh on the next request
            return self.search(request, deadline, retried=True)
        low, high = counted.get_matches_lower_bound(), counted.get_matches_upper_bound()
        complete = low == high
        facets = _facets(spies[0], spies[1:])
        hits = [Hit(item.docid, item.weight if request.sort == "relevance" else 0.0)
                for item in mset]
        self._sources = []
        if not complete:
            deadline.cut_for_time("ranking", "the order is that of the scores found by then")
        return SearchResult(low, complete, hits, facets)

    def _scored(self, request: SearchRequest) -> xapian.Query:
        """The plan with the proximity bonus and the score rules inside."""
        query = to_xapian(request.match)
        if request.sort != "relevance":
            return query
        if request.proximity is not None:
            query = Q(Q.OP_AND_MAYBE, query, to_xapian(request.proximity))
        return self._with_bonus(query, request.bonus)

    def _with_bonus(self, query: xapian.Query, bonus: Bonus) -> xapian.Query:
        if bonus.focus_entities and bonus.focus > 0:
            keys = [layout.term(layout.ENTITY_PREFIX, key) for key in bonus.focus_entities]
            mentions = Q(Q.OP_OR, [Q(key) for key in keys])
            extra = Q(Q.OP_FILTER, Q(Q.OP_SCALE_WEIGHT, query, bonus.focus), mentions)
            parts = [extra]
            for key in keys:
                source = xapian.FixedWeightPostingSource(bonus.focus)
                self._sources.append(source)
                parts.append(Q(Q.OP_AND, Q(source), Q(Q.OP_SCALE_WEIGHT, Q(key), 0.0)))
            query = Q(Q.OP_AND_MAYBE, query, Q(Q.OP_OR, parts))
        if bonus.prefer_lang:
            source = xapian.FixedWeightPostingSource(LANGUAGE_OFFSET)
            self._sources.append(source)
            lang = Q(layout.term(layout.LANG_PREFIX, bonus.prefer_lang))
            query = Q(Q.OP_AND_MAYBE, query,
                      Q(Q.OP_AND, Q(source), Q(Q.OP_SCALE_WEIGHT, lang, 0.0)))
        return query

    @staticmethod
    def _filtered(query: xapian.Query, filters: Filters) -> xapian.Query:
        if not filters:
            return query
        terms = []
        if filters.lang:
            terms.append(Q(layout.term(layout.LANG_PREFIX, filters.lang)))
        if filters.place:
            terms.append(Q(layout.term(layout.ENTITY_PREFIX, filters.place)))
        if filters.source:
            terms.append(Q(layout.term(layout.SOURCE_PREFIX, filters.source)))
        if filters.year:
            terms.append(Q(layout.term(layout.YEAR_PREFIX, f"{filters.year:04d}")))
        if filters.date_from and filters.date_to:
            terms.append(Q(Q.OP_VALUE_RANGE, layout.DATE_SLOT, filters.date_from,
                           filters.date_to))
        elif filters.date_from:
            terms.append(Q(Q.OP_VALUE_GE, layout.DATE_SLOT, filters.date_from))
        elif filters.date_to:
            terms.append(Q(Q.OP_VALUE_LE, layout.DATE_SLOT, filters.date_to))
        return Q(Q.OP_FILTER, query, Q(Q.OP_AND, terms))

    def stored(self, hit: Hit) -> dict:
        return layout.load_data(self.db.get_document(hit.ref).get_data())

    def document(self, doc_id: str) -> dict | None:
        for posting in self.db.postlist(layout.term(layout.ID_PREFIX, doc_id)):
            return layout.load_data(self.db.get_document(posting.docid).get_data())
        return None

    def texts_holding(self, terms: str | tuple[str, ...], n: int) -> list[str]:
        """The bodies of the first ``n`` documents whose body holds the term (each of
        the terms, when several are given)."""
        terms = (terms,) if isinstance(terms, str) else terms
        if len(terms) == 1:
            docids = (posting.docid for posting in
                      self.db.postlist(layout.field_term("body", terms[0])))
        else:
            enquire = xapian.Enquire(self.db)
            enquire.set_query(Q(Q.OP_AND, [Q(layout.field_term("body", t)) for t in terms]))
            enquire.set_weighting_scheme(xapian.BoolWeight())
            enquire.set_docid_order(xapian.Enquire.ASCENDING)
            docids = (match.docid for match in enquire.get_mset(0, n))
        texts = []
        for docid in docids:
            if len(texts) >= n:
                break
            texts.append(layout.load_data(self.db.get_document(docid).get_data())
                         .get("body", ""))
        return texts

    def matched_terms(self, hit: Hit, terms: list[Term]) -> list[Term]:
        held = set()
        wanted = {layout.field_term(t.field, t.text) for t in terms}
        for item in self.db.termlist(hit.ref):
            term = item.term.decode("utf-8")
            if term in wanted:
                held.add(term)
        return [t for t in terms if layout.field_term(t.field, t.text) in held]

    def prefix_terms(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        full = layout.field_term(field, prefix)
        out = []
        for item in self.db.allterms(full):
            out.append((layout.unprefixed(layout.FIELD_PREFIX[field], item.term.decode("utf-8")),
                        item.termfreq))
            if len(out) >= limit:
                break
        return out

    def titles_with_prefix(self, prefixes: list[str], limit: int) -> list[dict]:
        parts = [Q(Q.OP_WILDCARD, layout.field_term("title", prefix)) for prefix in prefixes
                 if prefix]
        if not parts:
            return []
        enquire = xapian.Enquire(self.db)
        enquire.set_query(Q(Q.OP_OR, parts))
        out = []
        for item in enquire.get_mset(0, limit):
            stored = layout.load_data(item.document.get_data())
            out.append({"title": stored["title"], "id": stored["id"]})
        return out

    def corrections(self, field: str, text: str, limit: int) -> list[str]:
        """Terms of ``field`` one edit from ``text`` (a letter changed, added, removed
        or two swapped), the most frequent first: each candidate is one lookup in the
        term dictionary."""
        found = []
        for candidate in _edits(text):
            n = self.db.get_termfreq(layout.field_term(field, candidate))
            if n:
                found.append((n, candidate))
        found.sort(key=lambda item: (-item[0], item[1]))
        return [candidate for _, candidate in found[:limit]]


def _facets(spy: xapian.ValueCountMatchSpy,
            entity_spies: list[xapian.ValueCountMatchSpy]) -> dict[str, Counter]:
    """Each facet's counts from the spies of ``FACETS_SLOT`` (a value per distinct
    language, source and year among the matches) and ``ENTITY_SLOTS`` (a value per
    distinct group of keys)."""
    out = {name: Counter() for name in ("lang", "source", "year", "entities")}
    for item in spy.values():
        n = item.termfreq
        for name, value in zip(("lang", "source", "year"),
                               layout.split_facets(item.term.decode("utf-8"))):
            if value:
                out[name][value] += n
    entities = out["entities"]
    for entity_spy in entity_spies:
        for item in entity_spy.values():
            n = item.termfreq
            for key in item.term.decode("utf-8").split():
                entities[key] += n
    return out


def _edits(word: str) -> set[str]:
    """Every string one edit from ``word``, ``word`` itself left out; a leading ``=``
    or ``@`` (a term's kind) is kept as it is.

    >>> sorted(_edits("=ab"))[:3], "=ab" in _edits("=ab"), "=ba" in _edits("=ab")
    (['=a', '=aa', '=aab'], False, True)
    """
    head = word[:1] if word[:1] in "=@" else ""
    body = word[len(head):]
    out = set()
    for i in range(len(body) + 1):
        left, right = body[:i], body[i:]
        if right:
            out.add(left + right[1:])
            if len(right) > 1:
                out.add(left + right[1] + right[0] + right[2:])
        for letter in _ALPHABET:
            out.add(left + letter + right)
            if right:
                out.add(left + letter + right[1:])
    out.discard(body)
    return {head + candidate for candidate in out if candidate}
