"""Turn parsed query items into a Whoosh query, with the expansions it used.

Query text is analysed by the index's own analyzer, so query and documents agree
on normalisation, clitics, stems and gazetteer names. One word becomes::

    Or(stem, "=exact form" ^ EXACT_WEIGHT, "@entity" ^ ENTITY_WEIGHT)

in the title (^ TITLE_WEIGHT) and the body, so a document with the word as typed
ranks above one matched through its stem, and both above one matched only through
another spelling of a name. Consecutive words are analysed together, so a name of
several words (ناغورنو كاراباخ, Nagorno Karabakh) is one unit: its words, or its
entity term. Units are ANDed (the caller falls back to OR when nothing matches them
all) and words standing close together in a document add a proximity bonus. A
quoted phrase is a ``Sequence`` whose slots also accept a one-word name's entity
term, so "ممر لاتشين" finds ممر لاسين.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from whoosh import query as wq
from whoosh.analysis import Analyzer

from index.analysis import ENTITY_PREFIX
from index.resources import Resources
from service.syntax import Item

TEXT_FIELDS = ("title", "body")
#: How far apart (in positions) the words of a query may stand for the proximity bonus.
PROXIMITY_SLOP = 4


class NoSearchableWords(ValueError):
    """The query has nothing to search for (only stop words, punctuation or exclusions)."""


@dataclass(frozen=True)
class Weights:
    """Query-time weights (from the settings)."""

    title: float = 2.0
    exact: float = 0.5
    entity: float = 0.6
    phrase: float = 1.0

    @classmethod
    def from_settings(cls, settings: dict) -> "Weights":
        """Read the ``*_WEIGHT`` settings."""
        return cls(title=settings["TITLE_WEIGHT"], exact=settings["EXACT_WEIGHT"],
                   entity=settings["ENTITY_WEIGHT"],
                   phrase=settings["PHRASE_WEIGHT"])


@dataclass(frozen=True)
class Word:
    """One analysed query word: as typed, normalised, its stem and exact-form term, and
    the entity when the word alone is a gazetteer name."""

    surface: str
    norm: str
    stem: str
    exact: str | None
    pos: int
    entity: str | None = None
    ambiguous: bool = False


@dataclass(frozen=True)
class Expansion:
    """A name in the query that also searched the entity's other spellings."""

    variant: str
    entity: str
    name: str
    name_ar: str
    kind: str
    source: str
    weight: float
    ambiguous: bool
    spellings: tuple[str, ...]

    def as_dict(self) -> dict:
        """JSON form."""
        return {"variant": self.variant, "entity": self.entity, "name": self.name,
                "name_ar": self.name_ar, "kind": self.kind, "source": self.source,
                "weight": self.weight, "ambiguous": self.ambiguous,
                "spellings": list(self.spellings)}


@dataclass
class BuiltQuery:
    """The Whoosh queries for one user query, and what went into them."""

    all_units: wq.Query
    any_unit: wq.Query
    excluded: wq.Query | None
    proximity: wq.Query | None
    highlight_terms: frozenset[str]
    expansions: list[Expansion] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)

    def ranked(self, require_all: bool = True) -> wq.Query:
        """The query to run: all (or any) units, the proximity bonus, the exclusions."""
        base = self.all_units if require_all else self.any_unit
        if self.proximity is not None:
            base = wq.AndMaybe(base, self.proximity)
        if self.excluded is not None:
            base = wq.AndNot(base, self.excluded)
        return base

    @property
    def has_alternatives(self) -> bool:
        """True when an OR fallback could find more than the AND query."""
        return self.any_unit is not self.all_units


@dataclass
class _Unit:
    """A word, or the words of a gazetteer name with its entity."""

    words: list[Word]
    entity: str | None = None
    ambiguous: bool = False
    surface: str = ""


class QueryBuilder:
    """Builds Whoosh queries with the analyzer and resources of the open index."""

    def __init__(self, analyzer: Analyzer, resources: Resources, weights: Weights) -> None:
        self.analyzer = analyzer
        self.resources = resources
        self.weights = weights

    def build(self, items: Iterable[Item]) -> BuiltQuery:
        """Build the queries for parsed items.

        :raises NoSearchableWords: when no positive item has a searchable word.
        """
        positives: list[wq.Query] = []
        negatives: list[wq.Query] = []
        used: list[_Unit] = []
        has_or = False
        for kind, members in _groups(list(items)):
            if kind == "words":
                units = self.analyse(" ".join(m.text for m in members))
                positives.extend(self._unit_query(u) for u in units)
                used.extend(units)
                continue
            alternatives = []
            for member in members:
                units = self.analyse(member.text)
                if units:
                    alternatives.append(self._item_query(member, units))
                    if kind != "not":
                        used.extend(units)
            if not alternatives:
                continue
            if kind == "not":
                negatives.extend(alternatives)
            else:
                has_or = has_or or len(alternatives) > 1
                positives.append(_or_all(alternatives))
        if not positives:
            raise NoSearchableWords("q has no word to search for "
                                    "(only stop words, punctuation or exclusions)")
        return BuiltQuery(
            all_units=positives[0] if len(positives) == 1 else wq.And(positives),
            any_unit=positives[0] if len(positives) == 1 else wq.Or(positives),
            excluded=_or_all(negatives) if negatives else None,
            proximity=None if has_or else self._proximity(used),
            highlight_terms=frozenset(t for u in used for t in _unit_terms(u)),
            expansions=self._expansions(used),
            words=[w for u in used for w in u.words],
        )

    def analyse(self, text: str) -> list[_Unit]:
        """Analyse text into units: words (with their one-word names) and names of
        several words; stop words are dropped."""
        words: dict[int, Word] = {}
        spans: list[tuple[int, int, str, bool, str]] = []
        for t in self.analyzer(text, mode="query"):
            if t.kind == "entity":
                spans.append((t.pos, t.endpos, t.entity, t.ambiguous,
                              text[t.startchar:t.endchar]))
            elif t.kind == "word":
                words[t.pos] = Word(text[t.startchar:t.endchar], t.norm, t.text, None, t.pos)
            else:
                words[t.pos] = replace(words[t.pos], exact=t.text)
        long_spans = {}
        for pos, end, key, ambiguous, surface in spans:
            if end == pos and pos in words:
                words[pos] = replace(words[pos], entity=key, ambiguous=ambiguous)
            elif end > pos and (pos not in long_spans or end > long_spans[pos][0]):
                long_spans[pos] = (end, key, ambiguous, surface)
        units: list[_Unit] = []
        covered_to = -1
        for pos in sorted(set(words) | set(long_spans)):
            if pos <= covered_to:
                continue
            if pos in long_spans:
                end, key, ambiguous, surface = long_spans[pos]
                units.append(_Unit([words[p] for p in range(pos, end + 1) if p in words],
                                   key, ambiguous, surface))
                covered_to = end
            else:
                units.append(_Unit([words[pos]]))
        return units

    def _item_query(self, item: Item, units: list[_Unit]) -> wq.Query:
        if item.phrase and sum(len(u.words) for u in units) > 1:
            return self._phrase_query(units)
        return _and_all(self._unit_query(u) for u in units)

    def _unit_query(self, unit: _Unit) -> wq.Query:
        parts = []
        for name, field_weight in self._fields():
            if not unit.ambiguous:
                parts.append(_and_all(self._word_query(name, w, field_weight)
                                      for w in unit.words))
            if unit.entity:
                parts.append(self._entity_term(name, unit.entity, field_weight))
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _phrase_query(self, units: list[_Unit]) -> wq.Query:
        words = [w for u in units for w in u.words]
        gaps = words[-1].pos - words[0].pos + 1 - len(words)
        parts = []
        for name, field_weight in self._fields():
            slots = [self._word_query(name, w, 1.0, literal=True) for w in words]
            parts.append(wq.Sequence(slots, slop=1 + gaps, boost=field_weight))
            if len(units) == 1 and units[0].entity and not units[0].ambiguous:
                parts.append(self._entity_term(name, units[0].entity, field_weight))
        return wq.Or(parts)

    def _word_query(self, field_name: str, word: Word, field_weight: float,
                    literal: bool = False) -> wq.Query:
        if word.ambiguous and not literal:
            return self._entity_term(field_name, word.entity, field_weight)
        subs = [wq.Term(field_name, word.stem, boost=field_weight)]
        if word.exact:
            subs.append(wq.Term(field_name, word.exact, boost=field_weight * self.weights.exact))
        if word.entity:
            subs.append(self._entity_term(field_name, word.entity, field_weight))
        return subs[0] if len(subs) == 1 else wq.Or(subs)

    def _entity_term(self, field_name: str, key: str, field_weight: float) -> wq.Term:
        return wq.Term(field_name, ENTITY_PREFIX + key, boost=field_weight * self.weights.entity)

    def _fields(self) -> Iterator[tuple[str, float]]:
        yield "title", self.weights.title
        yield "body", 1.0

    def _proximity(self, units: list[_Unit]) -> wq.Query | None:
        stems = [w.stem for u in units for w in u.words]
        if len(stems) < 2:
            return None
        return wq.Or([wq.Phrase(name, stems, slop=PROXIMITY_SLOP, boost=self.weights.phrase)
                      for name in TEXT_FIELDS])

    def _expansions(self, units: list[_Unit]) -> list[Expansion]:
        found = [(u.entity, u.ambiguous, u.surface) for u in units if u.entity]
        found += [(w.entity, w.ambiguous, w.surface) for u in units for w in u.words if w.entity]
        out: dict[str, Expansion] = {}
        for key, ambiguous, surface in found:
            if key in out:
                continue
            entity = self.resources.gazetteer.entities[key]
            out[key] = Expansion(
                variant=surface, entity=key, name=entity.name, name_ar=entity.name_ar,
                kind=entity.kind, source="gazetteer",
                weight=self.weights.entity,
                ambiguous=ambiguous,
                spellings=tuple(s for s in entity.spellings if s != surface),
            )
        return list(out.values())


def _groups(items: list[Item]) -> Iterator[tuple[str, list[Item]]]:
    """Group items: runs of plain words, OR-joined alternatives, phrases, exclusions."""
    groups: list[tuple[str, list[Item]]] = []
    for item in items:
        joins_previous = item.alternative_of_previous and groups
        if joins_previous:
            kind, members = groups[-1]
            if kind == "words":
                # Only the last word of a run is an alternative of this item.
                previous = members.pop()
                if not members:
                    groups.pop()
                groups.append(("or", [previous, item]))
            else:
                members.append(item)
                groups[-1] = ("or", members)
        elif item.negated:
            groups.append(("not", [item]))
        elif item.phrase:
            groups.append(("phrase", [item]))
        elif groups and groups[-1][0] == "words":
            groups[-1][1].append(item)
        else:
            groups.append(("words", [item]))
    return iter(groups)


def _unit_terms(unit: _Unit) -> set[str]:
    out = {w.stem for w in unit.words} | {w.exact for w in unit.words if w.exact}
    out |= {ENTITY_PREFIX + w.entity for w in unit.words if w.entity}
    if unit.entity:
        out.add(ENTITY_PREFIX + unit.entity)
    return out


def _or_all(queries: Iterable[wq.Query]) -> wq.Query:
    queries = list(queries)
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _and_all(queries: Iterable[wq.Query]) -> wq.Query:
    queries = list(queries)
    return queries[0] if len(queries) == 1 else wq.And(queries)
