"""Turn parsed query items into a query plan (``service.plan``), with every expansion
it used.

Query text is analysed by the index's own analyzer, so query and documents agree
on normalisation, clitics, stems and gazetteer names. One word becomes::

    AnyOf(stem, "=exact form" ^ EXACT_WEIGHT, "@entity" ^ ENTITY_WEIGHT)

in the title (^ TITLE_WEIGHT) and the body, so a document with the word as typed
ranks above one matched through its stem, and both above one matched only through
another spelling of a name. Consecutive words are analysed together, so a name of
several words (ناغورنو كاراباخ, Nagorno Karabakh) is one unit: its words, or its
entity term. Units are ANDed (the caller falls back to OR when nothing matches them
all) and words standing close together in a document add a proximity bonus. A
quoted phrase is a ``Phrase`` whose slots also accept a one-word name's entity
term, so "ممر لاتشين" finds ممر لاسين.

Across languages (``service.translate``): a word or phrase with a glossary or
dictionary translation becomes ``AnyOf(its own query, Best(its translations))``, the
translations' terms weighed by GLOSSARY_WEIGHT or DICTIONARY_WEIGHT; translations of
several words are phrases. A word that
looks like a name but is in no gazetteer also searches the ``names`` field by its
cross-script consonant key (^ PHONETIC_WEIGHT). All these weights are below 1.

A document that mentions one of the archive's focus entities (``FOCUS_ENTITIES``,
the conflict's region and parties) scores ``(1 + FOCUS_WEIGHT) × score``, plus
``FOCUS_WEIGHT`` for each of them it mentions: in a Karabakh archive, a ceasefire in
Karabakh ranks above a ceasefire in another war, and a report on the war (Armenia,
Azerbaijan, Karabakh) above a football match in Baku (Azerbaijan alone).

An ambiguous name (قره باغ is also a football club, ناغورني a columnist's surname)
searches its entity only, that is the documents where context confirmed the name;
in quotes it is searched as written. A spelling that is usually something else
(تارتار is also tartare and dental tartar; its entity has ``cues`` in the gazetteer)
names the entity only when the query holds one of its cues (``Tartar district``,
``قصف جبرائيل``), and is the word it usually is otherwise.

Bounded work: translations and a name's spellings are looked up only before the
request's deadline (spellings verified before are used whatever the time), and a
query whose terms (each term of each field, a phrase's words) would pass
``MAX_QUERY_TERMS`` is built again from the words typed alone, without
translations and name keys, and says so (``query.cut``); when the words typed
alone pass it, the query is refused (``QueryTooLarge``, a 400 naming the limit),
as Elasticsearch refuses a query of more clauses than ``max_clause_count``.
"""

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace


from index.analysis import ENTITY_PREFIX
from index.lexicon import word_key
from index.normalize import normalize_word
from index.resources import Resources
from index.tokens import iter_words
from index.translit import name_key, skeletons
from service import plan
from service.deadline import TERM_LIMIT, Deadline
from service.names import NameSpellings, Spelling
from service.plan import AnyOf, Node, Phrase, Term, all_of, any_of, best_of, term_count
from service.shapes import entity_dict
from service.syntax import Item
from service.translate import GLOSSARY_SENSES as GLOSSARY_SYNONYMS
from service.translate import TranslationMatch, Translator, choose_senses

TEXT_FIELDS = ("title", "body")
NAMES_FIELD = "names"
#: How far apart (in positions) the words of a query may stand for the proximity bonus.
PROXIMITY_SLOP = 4
#: Shortest skeleton (consonant classes) that may stand for a gazetteer entity.
MIN_FUZZY_CLASSES = {"ar": 5, "latin": 4}
#: A Latin word the dictionaries know (Trump, Macron) is searched as a name first
#: when typed with a capital and its best verified transliteration is in at least
#: this many documents; its dictionary senses of one word then weigh
#: ``NAME_SENSE_FACTOR`` times less, below the name (senses of several words, idioms
#: such as the trump card's, are left out).
NAME_FIRST_DOCUMENTS = 10
NAME_SENSE_FACTOR = 0.5
#: An Arabic word whose exact form holds at least this share of its stem's documents
#: (ماكرون of ماكر's), in at least ``NAME_FIRST_DOCUMENTS``, is a name the stemmer
#: would cut: it is not translated by the stem's dictionary senses.
NAME_FORM_SHARE = 0.9
#: A Latin word typed in capitals and no longer than this is an acronym, not a name
#: to transliterate (UN is الأمم المتحدة, not اون).
MAX_ACRONYM = 3
#: A verified spelling scoring one point below a name's best weighs this much of it.
SPELLING_DECAY = 0.5


class NoSearchableWords(ValueError):
    """The query has nothing to search for (only stop words, punctuation or exclusions)."""


class QueryTooLarge(ValueError):
    """The words typed alone make more terms than ``MAX_QUERY_TERMS``."""


@dataclass(frozen=True)
class Weights:
    """Query-time weights (from the settings)."""

    title: float = 2.0
    exact: float = 0.5
    entity: float = 0.6
    phrase: float = 1.0
    glossary: float = 0.3
    dictionary: float = 0.2
    phonetic: float = 0.3
    transliteration: float = 0.6
    focus: float = 0.0
    focus_entities: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: dict) -> "Weights":
        """Read the ``*_WEIGHT`` settings."""
        return cls(title=settings["TITLE_WEIGHT"], exact=settings["EXACT_WEIGHT"],
                   entity=settings["ENTITY_WEIGHT"], phrase=settings["PHRASE_WEIGHT"],
                   glossary=settings["GLOSSARY_WEIGHT"],
                   dictionary=settings["DICTIONARY_WEIGHT"],
                   phonetic=settings["PHONETIC_WEIGHT"],
                   transliteration=settings["TRANSLITERATION_WEIGHT"],
                   focus=settings["FOCUS_WEIGHT"],
                   focus_entities=tuple(settings["FOCUS_ENTITIES"].split()))


@dataclass(frozen=True)
class Word:
    """One analysed query word: as typed, normalised, its stem and exact-form term, and
    the entity when the word alone is a gazetteer name."""

    surface: str
    norm: str
    script: str
    stem: str
    exact: str | None
    pos: int
    entity: str | None = None
    ambiguous: bool = False
    #: typed with a capital, or after a hyphen that joins it to a capitalised word
    #: (the ``un`` of ``Kim Jong-un`` is part of a name, not the French article)
    capitalised: bool = False


@dataclass(frozen=True)
class Expansion:
    """Something the query also searched: another spelling, a translation, a name key."""

    variant: str
    source: str              # gazetteer, glossary, dictionary, phonetic, transliteration
    weight: float
    also: tuple[str, ...]
    entity: dict | None = None
    language: str | None = None
    spellings: tuple[Spelling, ...] = ()

    @property
    def id(self) -> str:
        """What a client passes as ``without`` to search again without this expansion."""
        return expansion_id(self.source, self.entity["key"] if self.entity else self.variant,
                            self.language)

    def as_dict(self) -> dict:
        """JSON form."""
        out = {"id": self.id, "variant": self.variant, "source": self.source,
               "weight": self.weight, "also": list(self.also)}
        if self.entity is not None:
            out["entity"] = self.entity
        if self.language is not None:
            out["language"] = self.language
        if self.spellings:
            out["spellings"] = [spelling.as_dict() for spelling in self.spellings]
        return out


@dataclass
class BuiltQuery:
    """The query plans of one user query, and what went into them."""

    all_units: Node
    any_unit: Node
    excluded: Node | None
    proximity: Node | None
    #: The focus entities' keys and FOCUS_WEIGHT: a document mentioning one scores
    #: ``(1 + FOCUS_WEIGHT) × score + FOCUS_WEIGHT × (focus entities it mentions)``.
    focus: tuple[tuple[str, ...], float] | None
    highlight_terms: frozenset[str]
    name_keys: frozenset[str] = frozenset()
    #: terms marked only where they stand together, in order (حزب الله for
    #: Hezbollah: الله alone is no match)
    highlight_phrases: frozenset[tuple[str, ...]] = frozenset()
    expansions: list[Expansion] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    #: True when some word belongs to a language (not only names): only then do
    #: documents in the query's language come first.
    has_language_words: bool = True
    #: The query's concepts, each unit's plan (``all_units`` is their ``All``): a
    #: document may match some of them only (``service.partial``).
    concepts: tuple[Node, ...] = ()

    @property
    def terms(self) -> int:
        """How many terms the query looks up (``term_count``)."""
        return term_count(self.any_unit if self.has_alternatives else self.all_units) + \
            term_count(self.excluded) + term_count(self.proximity)

    def matching(self, require_all: bool = True) -> Node:
        """The documents to find: all (or any) units, less the exclusions."""
        base = self.all_units if require_all else self.any_unit
        if self.excluded is not None:
            base = plan.Not(base, self.excluded)
        return base

    def ranked(self, require_all: bool = True) -> Node:
        """The query to score: ``matching`` with the proximity bonus.

        It matches exactly what ``matching`` matches. The focus bonus (``focus``) is
        applied by the engine (``service.engines.Bonus``), not as a second run of
        this query.
        """
        base = self.all_units if require_all else self.any_unit
        if self.proximity is not None:
            base = plan.Maybe(base, self.proximity)
        if self.excluded is not None:
            base = plan.Not(base, self.excluded)
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


def expansion_id(source: str, subject: str, language: str | None = None) -> str:
    """The id of an expansion: ``gazetteer:stepanakert``, ``glossary:ceasefire:ar``.

    >>> expansion_id("phonetic", "Bayraktar")
    'phonetic:bayraktar'
    """
    parts = [source, subject.casefold()] + ([language] if language else [])
    return ":".join(parts)


class QueryBuilder:
    """Builds query plans with the analyzer and resources of the open index.

    :param analyzer: the index's analyzer (``index.analysis.fahras_analyzer``), called
        as ``analyzer(text, mode="query")``.

    :param frequency: document frequency of a term in the body field (to choose
        dictionary senses); without it every sense counts as present.
    :param without: ids of expansions the user removed (``Expansion.id``).
    :param deadline: translations and spellings are looked up only before it; its
        cuts get what was left out (None: no deadline).
    :param max_terms: most terms the query may look up (``MAX_QUERY_TERMS``; None:
        no bound).
    :param names: the verified transliterations of the open index (None: none).
    :param documents: documents in the index (to weigh rare spellings like common ones).
    :param articles: documents whose body holds a term (what a transliteration
        reports); default ``frequency``.
    :param texts: ``texts(term, n)``: bodies of up to n documents holding a term (to
        see a transliteration written in them).
    """

    def __init__(self, analyzer, resources: Resources, weights: Weights, *,
                 translator: Translator | None = None,
                 frequency: Callable[[str], int] | None = None,
                 without: frozenset[str] = frozenset(),
                 deadline: Deadline | None = None, max_terms: int | None = None,
                 names: NameSpellings | None = None, documents: int = 0,
                 articles: Callable[[str], int] | None = None,
                 texts: Callable[[str, int], list[str]] | None = None) -> None:
        self.analyzer = analyzer
        self.resources = resources
        self.weights = weights
        self.translator = translator
        self.frequency = frequency or (lambda term: 1)
        self.without = without
        self.deadline = deadline or Deadline(None)
        self.max_terms = max_terms or None
        self.names = names
        self.documents = documents
        self.articles = articles or self.frequency
        self.texts = texts or (lambda term, n: [])
        self._plain = False         # the words typed only: no translations, no name keys
        self._memo: dict[tuple, object] = {}   # per word: spellings, cut names
        self._expansions: dict[tuple, Expansion] = {}
        self._terms: set[str] = set()
        self._phrases: set[tuple[str, ...]] = set()
        self._name_keys: set[str] = set()

    def build(self, items: Iterable[Item]) -> BuiltQuery:
        """Build the queries for parsed items, within ``max_terms``.

        :raises NoSearchableWords: when no positive item has a searchable word.
        :raises QueryTooLarge: when the words typed alone pass ``max_terms``.
        """
        items = list(items)
        built = self._build(items)
        if self.max_terms is None or built.terms <= self.max_terms:
            return built
        expanded = built.terms
        self._plain = True
        self._expansions, self._terms, self._name_keys = {}, set(), set()
        self._phrases = set()
        built = self._build(items)
        if built.terms > self.max_terms:
            raise QueryTooLarge(f"q makes {built.terms} terms to look up, more than "
                                f"MAX_QUERY_TERMS ({self.max_terms}): use fewer words")
        self.deadline.cut("expansions", TERM_LIMIT,
                          f"translations and name keys left out: with them the query made "
                          f"{expanded} terms, more than MAX_QUERY_TERMS ({self.max_terms})")
        return built

    def _build(self, items: list[Item]) -> BuiltQuery:
        positives: list[Node] = []
        negatives: list[Node] = []
        words: list[Word] = []
        language_words: list[Word] = []
        has_or = False
        for kind, members in _groups(list(items)):
            alternatives = []
            for member in members:
                units = self.analyse(member.text)
                if not units:
                    continue
                if kind == "not":
                    alternatives.append(_and_all(self._unit_query(u, expand=False)
                                                 for u in units))
                    continue
                words.extend(w for u in units for w in u.words)
                language_words += [w for u in units if not u.entity for w in u.words]
                if member.phrase and sum(len(u.words) for u in units) > 1:
                    alternatives.append(self._phrase_with_translation(units))
                elif kind == "words":
                    positives.extend(self._translated(units))
                else:
                    alternatives.append(_and_all(self._translated(units)))
            if kind == "not":
                negatives.extend(alternatives)
            elif alternatives:
                has_or = has_or or len(alternatives) > 1
                positives.append(_or_all(alternatives))
        if not positives:
            raise NoSearchableWords("q has no word to search for "
                                    "(only stop words, punctuation or exclusions)")
        return BuiltQuery(
            all_units=plan.all_of(positives),
            any_unit=plan.any_of(positives),
            concepts=tuple(positives),
            excluded=_or_all(negatives) if negatives else None,
            proximity=None if has_or else self._proximity(words),
            focus=self._focus(),
            highlight_terms=frozenset(self._terms),
            name_keys=frozenset(self._name_keys),
            highlight_phrases=frozenset(self._phrases),
            expansions=list(self._expansions.values()),
            words=words,
            has_language_words=any(self._is_language_word(w) for w in language_words),
        )

    def _is_language_word(self, word: Word) -> bool:
        """A word of a language, as opposed to a name (Stepanakert is not English)."""
        return not word.entity and not self.resources.name_skeletons(
            word.norm, word.script) and not self._name_first(word)

    def _romanised_article(self, token, text: str) -> bool:
        """Whether a Latin word is the Arabic article of a romanised name, written
        before a hyphen (the ``ez`` of ``Deir ez-Zor``: الزور holds it already)."""
        articles = self.names.table.articles if self.names is not None else ()
        return (token.script == "latin" and token.norm in articles
                and text[token.endchar:token.endchar + 1] == "-"
                and text[token.endchar + 1:token.endchar + 2].isalpha())

    def analyse(self, text: str) -> list[_Unit]:
        """Analyse text into units: words (with their one-word names) and names of
        several words; stop words are dropped."""
        words: dict[int, Word] = {}
        spans: list[tuple[int, int, str, bool, str]] = []
        for t in self.analyzer(text, mode="query"):
            if t.kind == "entity" and expansion_id("gazetteer", t.entity) in self.without:
                continue
            if t.kind == "entity":
                spans.append((t.pos, t.endpos, t.entity, t.ambiguous,
                              text[t.startchar:t.endchar]))
            elif t.kind == "word" and self._romanised_article(t, text):
                continue
            elif t.kind == "word":
                surface = text[t.startchar:t.endchar]
                before = words.get(t.pos - 1)
                hyphened = (before is not None and before.capitalised
                            and text[t.startchar - 1:t.startchar] == "-")
                words[t.pos] = Word(surface, t.norm, t.script, t.text, None, t.pos,
                                    capitalised=surface[:1].isupper() or hyphened)
            else:
                words[t.pos] = replace(words[t.pos], exact=t.text)
        long_spans = {}
        for pos, end, key, ambiguous, surface in spans:
            if ambiguous:
                reading = self._ambiguous_reading(key, pos, end, words)
                if reading is None:
                    continue            # the word it usually is: no entity
                ambiguous = reading
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

    def _ambiguous_reading(self, key: str, pos: int, end: int,
                           words: dict[int, Word]) -> bool | None:
        """How a query reads an ambiguous spelling of an entity, at words ``pos`` to
        ``end``: still ambiguous (True: its entity's confirmed documents), the entity
        (False) when the entity has cues (``Gazetteer.query_cues``) and another word
        of the query is one, or the word it usually is (None) when it has cues and
        the query holds none (``Tartar`` alone is the sauce's word, ``Tartar
        district`` the place)."""
        cues = self.resources.gazetteer.query_cues(key)
        if cues is None:
            return True
        others = [w for p, w in words.items() if not pos <= p <= end]
        if any(w.norm in cues or w.stem in cues for w in others):
            return False
        return None

    # -- one unit, one phrase ------------------------------------------------------

    def _unit_query(self, unit: _Unit, scale: float = 1.0, expand: bool = True) -> Node:
        parts = []
        for name, field_weight in self._fields(scale):
            if not unit.ambiguous:
                parts.append(_and_all(self._word_query(name, w, field_weight, expand=expand)
                                      for w in unit.words))
            if unit.entity:
                parts.append(self._entity_term(name, unit.entity, field_weight))
        if unit.entity and expand:
            self._note_entity(unit.entity, unit.ambiguous, unit.surface)
        if expand and len(unit.words) == 1 and not unit.entity:
            word = unit.words[0]
            if not word.entity:
                # verified spellings replace the consonant key (which also matches
                # words that only share its consonants); without any, the key stays
                parts.extend(self._transliteration_terms(word, scale)
                             or self._name_key_terms(word, scale))
            elif not word.ambiguous:
                parts.extend(self._entity_spelling_terms(word, scale))
        return any_of(parts)

    def _phrase_query(self, units: list[_Unit], scale: float = 1.0) -> Node:
        words = [w for u in units for w in u.words]
        gaps = words[-1].pos - words[0].pos + 1 - len(words)
        parts = []
        for name, field_weight in self._fields(scale):
            slots = [self._word_query(name, w, 1.0, literal=True) for w in words]
            parts.append(Phrase(name, tuple(slots), slop=1 + gaps, boost=field_weight))
            if len(units) == 1 and units[0].entity and not units[0].ambiguous:
                parts.append(self._entity_term(name, units[0].entity, field_weight))
        return AnyOf(tuple(parts))

    def _word_query(self, field_name: str, word: Word, field_weight: float, *,
                    literal: bool = False, expand: bool = True) -> Node:
        if word.ambiguous and not literal:
            return self._entity_term(field_name, word.entity, field_weight)
        if word.exact and self._cut_name(word):
            # a name the stemmer would cut: its exact form only (ماكرون, not ماكر)
            self._terms.add(word.exact)
            return Term(field_name, word.exact, boost=field_weight)
        subs = [Term(field_name, word.stem, boost=field_weight)]
        self._terms.add(word.stem)
        if word.exact:
            subs.append(Term(field_name, word.exact, boost=field_weight * self.weights.exact))
            self._terms.add(word.exact)
        if word.entity:
            subs.append(self._entity_term(field_name, word.entity, field_weight))
            if expand:
                self._note_entity(word.entity, word.ambiguous, word.surface)
        return any_of(subs)

    def _entity_term(self, field_name: str, key: str, field_weight: float) -> Term:
        self._terms.add(ENTITY_PREFIX + key)
        return Term(field_name, ENTITY_PREFIX + key, boost=field_weight * self.weights.entity)

    def _name_key_terms(self, word: Word, scale: float) -> list[Node]:
        """Terms for a word that looks like a name but is in no gazetteer entry.

        Its skeleton searches the names written in the other script (and, for a Latin
        word, other Latin spellings too); a skeleton equal to that of one gazetteer
        spelling (ستيباناكرت, Kelbajar) also searches that entity.
        """
        if self._plain:
            return []
        found = self.resources.name_skeletons(word.norm, word.script)
        if not found or expansion_id("phonetic", word.surface) in self.without:
            return []
        weight = self.weights.phonetic * scale
        scripts = ("ar", "latin") if word.script != "ar" else ("latin",)
        keys = [name_key(s, script) for s in found for script in scripts]
        self._name_keys.update(keys)
        self._note(Expansion(word.surface, "phonetic", weight, tuple(keys)))
        terms: list[Node] = [Term(NAMES_FIELD, key, boost=weight) for key in keys]
        gazetteer = self.resources.gazetteer
        for skeleton in found:
            key = gazetteer.skeleton_keys.get(skeleton)
            if key and len(skeleton) >= MIN_FUZZY_CLASSES[word.script] and \
                    expansion_id("phonetic", key) not in self.without:
                for name, field_weight in self._fields(weight):
                    terms.append(Term(name, ENTITY_PREFIX + key, boost=field_weight))
                self._terms.add(ENTITY_PREFIX + key)
                self._note_entity(key, False, word.surface, source="phonetic", weight=weight)
        return terms

    def _spellings(self, word: Word) -> tuple[Spelling, ...]:
        """The verified transliterations of a word that may be a name, else ``()``
        (asked several times per word by one build: worked out once).

        A Latin word may be a name unless the dictionaries know it and it is typed in
        lower case (``trump`` is the card game's word, ``Trump`` a name first) or it
        is an acronym (``UN``); an Arabic one unless the dictionaries know it as
        written (روحاني "spiritual" stays a word; the Latin ``Rouhani`` still finds it).
        """
        if self._plain or self.names is None or word.ambiguous:
            return ()
        key = ("spellings", word.surface, word.norm, word.script)
        if key not in self._memo:
            self._memo[key] = self._verified(word)
        return self._memo[key]

    def _verified(self, word: Word) -> tuple[Spelling, ...]:
        other = "en" if word.script == "ar" else "ar"
        if expansion_id("transliteration", word.surface, other) in self.without:
            return ()
        known = word_key(word.norm, word.script) in self.resources.known_words
        if word.script == "ar":
            if known and not self._cut_name(word):
                return ()
        elif known and not word.capitalised:
            return ()
        elif word.surface.isupper() and len(word.surface) <= MAX_ACRONYM:
            return ()             # an acronym is read letter by letter (UN, EU, BBC)
        offered = self._offered(word) if known else ()
        pairs = " " not in word.surface          # one typed word, not two tried joined
        found = self.names.cached(word.norm, word.script, offered, pairs)
        if found is not None:
            return found
        if self.deadline.expired():
            # looking spellings up reads the index: not past the request's deadline
            self.deadline.cut_for_time("expansions", "some names were searched without "
                                       "their transliterations")
            return ()
        return self.names.of(word.norm, word.script, self.articles, self.texts, offered,
                             self.documents, pairs)

    def _offered(self, word: Word) -> tuple[str, ...]:
        """The dictionaries' one-word senses of a word, in the other script's normal
        form: a dictionary that knows a name gives its press spelling (Aden: عدن)."""
        if self.translator is None:
            return ()
        other = "latin" if word.script == "ar" else "ar"
        offered = []
        for match in self.translator.find([(word.norm, word.script)]):
            for sense in match.senses:
                words = list(iter_words(sense))
                if len(words) == 1 and words[0].script == other:
                    offered.append(normalize_word(words[0].surface, other))
        return tuple(dict.fromkeys(offered))

    def _name_first(self, word: Word) -> bool:
        """Whether a word is searched as a name before its dictionary senses: an
        Arabic word the stemmer would cut though the archive writes it whole; a
        capitalised Latin word whose verified spelling is in ``NAME_FIRST_DOCUMENTS``
        articles, or that the English articles write capitalised inside their
        sentences (Rice of "Secretary Rice said")."""
        if word.script == "ar":
            return self._cut_name(word)
        spellings = self._spellings(word)
        if spellings and spellings[0].documents >= NAME_FIRST_DOCUMENTS:
            return True
        return self._capitalised_in_english(word)

    def _capitalised_in_english(self, word: Word) -> bool:
        """Whether the articles holding a capitalised Latin word the dictionaries
        know write it with a capital inside a sentence (``NameSpellings.capitalised_in``,
        kept per index generation; read before the deadline only)."""
        if self._plain or self.names is None or not word.capitalised or \
                word.surface.isupper() or \
                word_key(word.norm, word.script) not in self.resources.known_words:
            return False
        if self.deadline.expired() and not self.names.capitalised_known(word.norm, word.stem):
            return False            # reading articles: not past the request's deadline
        return self.names.capitalised_in(word.norm, word.stem, self.texts)

    def _cut_name(self, word: Word) -> bool:
        """An Arabic word the stemmer would cut though the archive writes it whole:
        its exact form holds nearly all of its stem's documents (ماكرون of ماكر)."""
        if word.script != "ar" or not word.exact:
            return False
        key = ("cut", word.exact, word.stem)
        if key not in self._memo:
            whole = self.frequency(word.exact)
            self._memo[key] = whole >= NAME_FIRST_DOCUMENTS and \
                whole >= NAME_FORM_SHARE * self.frequency(word.stem)
        return self._memo[key]

    def _transliteration_terms(self, word: Word, scale: float) -> list[Node]:
        """Terms of a word's verified spellings in the other script.

        Each spelling is weighed so that its rarity does not lift it above the
        commonest one (a misspelling in 12 articles would otherwise outscore the
        spelling of 2,400): its weight is scaled by the best spelling's idf over
        its own, and by ``SPELLING_DECAY`` to the power of its score's distance
        below the best one's.
        """
        spellings = self._spellings(word)
        if word.entity:
            # A gazetteer name: its own spellings are searched through the entity
            # already, and the others must also share its consonant key and be no
            # dictionary word (its traps: لاشين is not Lachin, أقدام "feet" not Aghdam).
            listed = self.resources.gazetteer.entities[word.entity].spellings
            written = {normalize_word(w.surface, w.script) for s in listed
                       for w in iter_words(s)}
            other = "latin" if word.script == "ar" else "ar"
            keys = set(skeletons(word.norm, word.script))
            spellings = tuple(s for s in spellings if s.text not in written and not s.known
                              and keys & set(skeletons(s.text, other)))
        if not spellings:
            return []
        weight = self.weights.transliteration * scale
        if word.script == "latin" and not word.entity and not self._name_first(word) and \
                word_key(word.norm, word.script) in self.resources.known_words:
            # a capitalised word of the language that the archive does not show to be
            # a name (Movement of "Amal Movement": موفمنت is in one article): its
            # spellings stay below its senses, as a name's senses stay below it
            weight = min(weight, self.weights.dictionary * scale) * NAME_SENSE_FACTOR
        best = _idf(spellings[0].documents, self.documents)
        terms: list[Node] = []
        for spelling in spellings:
            share = min(1.0, best / _idf(spelling.documents, self.documents))
            # a less likely spelling counts less, so the articles of the likeliest
            # come first (غزة before جزاء for Gaza)
            share *= SPELLING_DECAY ** (spellings[0].score - spelling.score)
            for name, field_weight in self._fields(weight * share):
                if spelling.terms:
                    # a name one language writes as one word, the other as two
                    terms.append(Phrase(name, tuple(Term(name, t) for t in spelling.terms),
                                        boost=field_weight))
                else:
                    terms.append(Term(name, spelling.term, boost=field_weight))
            if spelling.terms:
                self._phrases.add(spelling.terms)
            else:
                self._terms.add(spelling.term)
        self._note(Expansion(word.surface, "transliteration", weight,
                             tuple(s.text for s in spellings),
                             language="en" if word.script == "ar" else "ar",
                             spellings=spellings))
        return terms

    def _entity_spelling_terms(self, word: Word, scale: float) -> list[Node]:
        """Spellings of a gazetteer name in the other script that the gazetteer lacks
        (غوريس for Goris) still match, below the listed ones: its verified
        transliterations or, when none is verified, its name keys."""
        if self._plain:
            return []
        verified = self._transliteration_terms(word, scale)
        if verified:
            return verified
        other = "ar" if word.script != "ar" else "latin"
        keys = [name_key(s, other) for s in skeletons(word.norm, word.script)]
        self._name_keys.update(keys)
        return [Term(NAMES_FIELD, key, boost=self.weights.phonetic * scale) for key in keys]

    def _fields(self, scale: float) -> Iterator[tuple[str, float]]:
        yield "title", self.weights.title * scale
        yield "body", scale

    # -- translation ---------------------------------------------------------------

    def _translated(self, units: list[_Unit]) -> list[Node]:
        """Unit queries, each run of units with a translation ORed with it."""
        matches = {m.start: m for m in self._translate(units)}
        out: list[Node] = []
        i = 0
        while i < len(units):
            joined = self._joined_name(units, i)
            if joined:
                # two Latin words the other script writes as one (New York: نيويورك)
                own = _and_all(self._unit_query(u) for u in units[i:i + 2])
                out.append(AnyOf((own, *joined)))
                i += 2
                continue
            match = matches.get(i)
            if match is None:
                out.append(self._unit_query(units[i]))
                i += 1
                continue
            own = _and_all(self._unit_query(u) for u in units[match.start:match.end])
            alternatives = self._translation_queries(units[match.start:match.end], match)
            out.append(AnyOf((own, best_of(alternatives))) if alternatives else own)
            i = match.end
        return out

    def _joined_name(self, units: list[_Unit], i: int) -> list[Node]:
        """The verified transliterations of units ``i`` and ``i + 1`` written as one
        word, when both are single Latin words outside the gazetteer and the joined
        spelling, no word the dictionaries know, is in at least
        ``NAME_FIRST_DOCUMENTS`` articles, else ``[]`` (the
        pair then goes its own way, translations included)."""
        pair = units[i:i + 2]
        if len(pair) < 2 or any(u.entity or len(u.words) != 1 or u.words[0].entity
                                or u.words[0].script == "ar" for u in pair):
            return []
        first, second = pair[0].words[0], pair[1].words[0]
        word = Word(f"{first.surface} {second.surface}", first.norm + second.norm,
                    first.script, first.stem + second.stem, None, first.pos,
                    capitalised=first.capitalised)
        spellings = self._spellings(word)
        if not spellings or spellings[0].documents < NAME_FIRST_DOCUMENTS or \
                spellings[0].known:
            # a word the dictionaries know is no name joined (Deir ez: درس "lesson")
            return []
        return self._transliteration_terms(word, 1.0)

    def _phrase_with_translation(self, units: list[_Unit]) -> Node:
        phrase = self._phrase_query(units)
        matches = self._translate(units)
        if len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(units)):
            alternatives = self._translation_queries(units, matches[0])
            if alternatives:
                return AnyOf((phrase, best_of(alternatives)))
        return phrase

    def _translate(self, units: list[_Unit]) -> list[TranslationMatch]:
        if self.translator is None or self._plain:
            return []
        if self.deadline.expired():
            self.deadline.cut_for_time("expansions", "some words were searched without "
                                       "their translations")
            return []
        words = [None if u.entity or len(u.words) != 1 or u.words[0].entity
                 or self._cut_name(u.words[0])
                 else (u.words[0].norm, u.words[0].script) for u in units]
        return self.translator.find(words)

    def _translation_queries(self, units: list[_Unit], match: TranslationMatch
                             ) -> list[Node]:
        weight = self.weights.glossary if match.source == "glossary" else self.weights.dictionary
        name_first = match.source == "dictionary" and all(
            self._name_first(w) for u in units for w in u.words)
        if name_first:
            weight *= NAME_SENSE_FACTOR
        surface = " ".join(w.surface for u in units for w in u.words)
        queries = []
        for senses, language in ((choose_senses(match, self._sense_frequency), match.target),
                                 (self._present(match.synonyms), _other(match.target))):
            if expansion_id(match.source, surface, language) in self.without:
                continue
            if name_first:
                # a name's dictionary senses stay below it, as words: a sense that
                # is a phrase (Trump: فاز بلعب الورقة الرابحة) is an idiom, not the news
                senses = [sense for sense in senses if len(sense.split()) == 1]
            chosen = [s for s in senses if self._add_text_query(queries, s, weight)]
            if chosen:
                self._note(Expansion(surface, match.source, weight, tuple(chosen),
                                     language=language))
        return queries

    def _add_text_query(self, queries: list[Node], text: str, weight: float) -> bool:
        """Add the query for a translation or synonym; False when it has no words."""
        units = self.analyse(text)
        if not units:
            return False
        length = sum(len(u.words) for u in units)
        if length > 1:
            # A phrase scores the sum of its words: divide, so that a translation of
            # three words does not outweigh one of one word.
            queries.append(self._phrase_query(units, scale=weight / length))
            self._terms.update(w.stem for u in units for w in u.words)
        else:
            queries.append(self._unit_query(units[0], scale=weight, expand=False))
        return True

    def _present(self, texts: tuple[str, ...]) -> list[str]:
        """The first glossary synonyms that occur in the index."""
        return [t for t in texts[:GLOSSARY_SYNONYMS] if self._sense_frequency(t) > 0]

    def _sense_frequency(self, sense: str) -> int:
        stems = [w.stem for u in self.analyse(sense) for w in u.words]
        return min((self.frequency(s) for s in stems), default=0)

    # -- reporting -----------------------------------------------------------------

    def _note_entity(self, key: str, ambiguous: bool, surface: str, *,
                     source: str = "gazetteer", weight: float | None = None) -> None:
        entity = self.resources.gazetteer.entities[key]
        self._note(Expansion(
            surface, source, self.weights.entity if weight is None else weight,
            tuple(s for s in entity.spellings if s != surface),
            entity=entity_dict(entity, ambiguous=ambiguous),
        ))

    def _note(self, expansion: Expansion) -> None:
        key = (expansion.source, expansion.variant, (expansion.entity or {}).get("key"))
        self._expansions.setdefault(key, expansion)

    def _focus(self) -> tuple[tuple[str, ...], float] | None:
        """The entities the archive is about (documents mentioning one get the bonus),
        and the bonus."""
        keys = tuple(k for k in self.weights.focus_entities
                     if k in self.resources.gazetteer.entities)
        if not keys or self.weights.focus <= 0:
            return None
        return keys, self.weights.focus

    def _proximity(self, words: list[Word]) -> Node | None:
        stems = [w.stem for w in words]
        if len(stems) < 2:
            return None
        return AnyOf(tuple(Phrase(name, tuple(Term(name, stem) for stem in stems),
                                  slop=PROXIMITY_SLOP, boost=self.weights.phrase)
                           for name in TEXT_FIELDS))


def _groups(items: list[Item]) -> Iterator[tuple[str, list[Item]]]:
    """Group items: runs of plain words, OR-joined alternatives, phrases, exclusions."""
    groups: list[tuple[str, list[Item]]] = []
    for item in items:
        if item.alternative_of_previous and groups:
            kind, members = groups[-1]
            if kind == "words":
                # Only the last word of a run is an alternative of this item.
                previous = members.pop()
                if not members:
                    groups.pop()
                groups.append(("or", [previous, item]))
            else:
                groups[-1] = ("or", members + [item])
        elif item.negated:
            groups.append(("not", [item]))
        elif item.phrase:
            groups.append(("phrase", [item]))
        elif groups and groups[-1][0] == "words":
            groups[-1][1].append(item)
        else:
            groups.append(("words", [item]))
    # A run of plain words is analysed as one text, so names of several words are found.
    merged = []
    for kind, members in groups:
        if kind == "words":
            members = [Item(" ".join(m.text for m in members))]
        merged.append((kind, members))
    return iter(merged)


def _idf(documents: int, total: int) -> float:
    """An inverse document frequency (above 0 for any count).

    >>> _idf(10, 1000) > _idf(100, 1000) > 0
    True
    """
    return math.log(1 + max(total, documents) / max(documents, 1)) + 1e-9


def _other(language: str) -> str:
    return "en" if language == "ar" else "ar"


def _or_all(queries: Iterable[Node]) -> Node:
    return any_of(list(queries))


def _and_all(queries: Iterable[Node]) -> Node:
    return all_of(list(queries))
