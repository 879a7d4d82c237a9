"""The engine interface: what the search part asks of an index, whichever engine holds it.

Fahras's own work (analysis, names, translation, the query plan, the rules of a
search, snippets) is the search part (``service.core``, ``service.search``,
``service.query``...); an engine only stores documents and answers these
questions. Two engines implement them: ``whoosh_engine`` (embedded, the default)
and ``xapian_engine``. Which one serves is what the index folder holds
(``index.store.engine_of``): the setting ``ENGINE`` decides what a build writes.

**Opening.** ``registry.open_searcher(folder, caches, options)`` gives a
``Searcher`` of the index in ``folder`` (``service.searcher.IndexHandle``, given
that opener by the app, keeps one per process and opens another when
``up_to_date()`` turns False). Its ``resources`` are those the index
was built with; ``analyzer`` analyses queries as the index analysed documents.

**Writing** goes through ``index.writer`` / ``index.xapian_writer`` (documents
analysed by ``index.terms.TermMaker``, the one term producer; one commit per
call; ``index.store.WriterBusy`` when another writer holds the index).

**Searching.** ``search(SearchRequest, deadline)`` gives a ``SearchResult``: the
total of the documents the plan matches within the filters, whether every clause
was looked up (``complete``: False when the deadline cut the matching), the best
``limit`` hits with scores (or in date order), and the facet counts (raw: values
and counts per facet). The score rules of a search (``Bonus``: the focus bonus,
the language-first order) are the engine's to apply as it can: Whoosh exactly as
``service.engines.whoosh_boost`` says, Xapian as README "Engines" describes.

**Reading.** ``stored(hit)`` and ``document(id)`` give stored fields;
``doc_frequency(field, term)``, ``doc_count()`` term statistics; ``texts_holding``
the bodies of a few documents holding a term, or all of several terms (to verify a
transliteration);
``matched_terms(hit, terms)`` which of a plan's terms a hit holds (``explain``);
``prefix_terms``, ``titles_with_prefix`` and ``corrections`` serve suggestions and
did-you-mean.

**Errors.** An engine raises only Fahras's own exceptions: ``IndexUnavailable``
(missing, unreadable or corrupt index: 503), ``index.store.WriterBusy``.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from index.resources import Resources
from service.deadline import Deadline
from service.plan import Node, Term


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to (all given ones must hold)."""

    lang: str | None = None
    place: str | None = None
    source: str | None = None
    year: int | None = None
    date_from: str | None = None
    date_to: str | None = None

    def __bool__(self) -> bool:
        return any((self.lang, self.place, self.source, self.year, self.date_from,
                    self.date_to))


@dataclass(frozen=True)
class Bonus:
    """The score rules of a search: the focus bonus and the language-first order."""

    #: documents mentioning one of these entities score ``(1 + focus) × score +
    #: focus × (how many of them it mentions)``
    focus_entities: tuple[str, ...] = ()
    focus: float = 0.0
    #: documents in this language come before the others
    prefer_lang: str | None = None


@dataclass(frozen=True)
class SearchRequest:
    """One search asked of an engine."""

    #: what must match (``BuiltQuery.matching``)
    match: Node
    #: the proximity bonus, added to the best hits' scores (None: none)
    proximity: Node | None = None
    filters: Filters = Filters()
    #: relevance, date (newest first) or oldest
    sort: str = "relevance"
    #: best hits wanted (page × per_page)
    limit: int = 10
    bonus: Bonus = Bonus()


@dataclass
class Hit:
    """A ranked document: the engine's reference to it and its score."""

    ref: object
    score: float


@dataclass
class SearchResult:
    """What an engine found."""

    total: int
    complete: bool = True
    hits: list[Hit] = field(default_factory=list)
    #: per facet (lang, source, year, entities): value -> matching documents
    facets: dict[str, Counter] = field(default_factory=dict)


#: Added to the score of documents in the preferred language (``Bonus.prefer_lang``):
#: above any relevance score, so one ranking gives the order of a sort by (language,
#: score); the answer reports the score without it.
LANGUAGE_OFFSET = 1_000_000.0

#: The facets an engine counts.
FACETS = ("lang", "source", "year", "entities")


class Searcher(Protocol):
    """An open index, as the search part uses it."""

    engine: str
    resources: Resources

    @property
    def analyzer(self): ...

    def up_to_date(self) -> bool: ...

    def close(self) -> None: ...

    def doc_count(self) -> int: ...

    def doc_frequency(self, field: str, text: str) -> int: ...

    def generation(self) -> int: ...

    def search(self, request: SearchRequest, deadline: Deadline) -> SearchResult: ...

    def shards(self) -> dict | None:
        """A cluster's shards: ``total``, ``successful``, ``failed`` (names) and each
        one's ``states``; None for an index in one place."""
        ...

    def stored(self, hit: Hit) -> dict: ...

    def document(self, doc_id: str) -> dict | None: ...

    def texts_holding(self, terms: str | tuple[str, ...], n: int) -> list[str]: ...

    def matched_terms(self, hit: Hit, terms: list[Term]) -> list[Term]: ...

    def prefix_terms(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]: ...

    def titles_with_prefix(self, prefixes: list[str], limit: int) -> list[dict]: ...

    def corrections(self, field: str, text: str, limit: int) -> list[str]: ...
