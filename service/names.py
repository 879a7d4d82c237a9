# SPDX-License-Identifier: GPL-3.0-or-later
"""Transliterations a query searches: the table proposes, the archive verifies.

``NameSpellings.of(norm, script)`` asks ``index.transliterate`` for the spellings a
name may take in the other script, cheapest first, analyses each as the index does
(clitics, stems, the exact form) and keeps those whose term the index holds, each
with its document count: ``Putin`` → بوتين (2,400 articles) and بوتن (12), never
بعضنا, which only shares its consonants. A spelling is scored by its cost, its
documents and whether it is also a word the dictionaries know
(``DOCUMENTS_WEIGHT × log(documents) - cost - KNOWN_COST × known``: a name's common
spelling is rarely the commonest word of its letters, مودي and not مدى for Modi);
the best and those close to it are kept, a dictionary word among them only when it
is spelled at least as faithfully as the best (قبول "acceptance" does not ride
along with كابول). The term searched is the exact form when the stemmer would cut the name
(``=ماكرون``, not ماكر "cunning").

A spelling found is then checked as written: of a few articles holding its term,
most must write the spelling itself, since a term may be the stem of other words
(بوطن analyses as ب + وطن "homeland"; مسال is the stem of المسألة "the question").

Each lookup is one analysis and one document frequency per proposed spelling (no
scan of the vocabulary), and a few stored texts per spelling found; the answers are
kept per index generation.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from index.lexicon import word_key
from index.normalize import normalize_word
from index.stemmer import proclitic_candidates
from index.tokens import iter_words
from index.translit import arabic_skeletons, latin_skeleton
from index.transliterate import ARABIC_TO_LATIN, LATIN_TO_ARABIC, TransliterationTable

#: Spellings proposed for one word (each costs an analysis and a lookup).
PROPOSED = 200
#: Most spellings kept for one word.
MAX_SPELLINGS = 4
#: Fewest documents a spelling must be in to count as verified (the score margin
#: keeps a rare spelling only beside a best one that is rare too).
MIN_DOCUMENTS = 1
#: How much the log of a spelling's documents weighs against a unit of its cost.
DOCUMENTS_WEIGHT = 0.5
#: What being a word the dictionaries know costs a spelling.
KNOWN_COST = 1.0
#: Spellings scoring within this of the best are kept too.
SCORE_MARGIN = 1.5
#: Dearest spelling proposed at all: past it a spelling is a guess, however many
#: articles hold it (Aliyev's ^a-l-i-y-e-v as الف, "thousand", costs 2.9).
MAX_COST = 2.6
#: What a spelling the dictionaries give for the word (and the table can make) is
#: spared of its cost; it pays nothing for being a word they know either.
OFFERED_BONUS = 1.0
#: Shortest word (letters) transliterated (Xi of Xi Jinping: شي).
MIN_LETTERS = 2
#: Words of each script a process remembers the spellings of.
CACHE_SIZE = 4096
#: Articles read to see how a spelling's term is written in them, and how much of
#: each: a term may be the stem of other words (بوطن is ب + وطن "homeland", مسال the
#: stem of المسألة "the question"), and those articles do not write the spelling.
SAMPLE_ARTICLES = 6
SAMPLE_CHARS = 6_000
#: Share of the sampled articles that must write the spelling itself (any proclitic
#: before it); its documents are counted at that share.
MIN_WRITTEN = 0.5


@dataclass(frozen=True)
class Spelling:
    """A verified spelling: as proposed, the term the index holds it under, the
    documents holding that term and the spelling's cost in the table."""

    text: str
    term: str
    documents: int
    cost: float
    known: bool = False

    @property
    def score(self) -> float:
        """How likely this spelling is what the press writes for the name."""
        return DOCUMENTS_WEIGHT * math.log(self.documents) - self.cost - \
            KNOWN_COST * self.known

    def as_dict(self) -> dict:
        """JSON form (in a query's expansions)."""
        return {"spelling": self.text, "term": self.term, "documents": self.documents}


class NameSpellings:
    """Verified transliterations of query words, for one index generation.

    :param table: the transliteration rules.
    :param analyzer: the index's analyzer (a spelling is looked up under the terms
        the index would give it).
    :param known: ``known(text, script, name)``: whether the dictionaries know a word
        as another word than the name ``name`` (normalised) it may spell.
    """

    def __init__(self, table: TransliterationTable, analyzer,
                 known: Callable[[str, str, str], bool] = lambda text, script, name: False
                 ) -> None:
        self.table = table
        self.analyzer = analyzer
        self.known = known
        self._known: dict[tuple[str, str], tuple[Spelling, ...]] = {}

    def of(self, norm: str, script: str, frequency: Callable[[str], int],
           texts: Callable[[str, int], list[str]], offered: tuple[str, ...] = ()
           ) -> tuple[Spelling, ...]:
        """The verified spellings of a normalised word in the other script, best first.

        :param frequency: documents of the index holding a term.
        :param texts: up to ``n`` texts of articles holding a term, ``texts(term, n)``.
        :param offered: spellings a dictionary gives for the word: one that the table
            can make is proposed too, for ``OFFERED_BONUS`` less than it costs and
            nothing for being a known word.
        """
        key = (norm, script, offered)
        if key not in self._known:
            if len(self._known) >= CACHE_SIZE:
                self._known.clear()
            self._known[key] = self._verify(norm, script, frequency, texts, offered)
        return self._known[key]

    def cached(self, norm: str, script: str, offered: tuple[str, ...] = ()
               ) -> tuple[Spelling, ...] | None:
        """The spellings ``of`` found for the word already, None when not looked up."""
        return self._known.get((norm, script, offered))

    def _verify(self, norm: str, script: str, frequency: Callable[[str], int],
                texts: Callable[[str, int], list[str]], offered: tuple[str, ...] = ()
                ) -> tuple[Spelling, ...]:
        if len(norm) < MIN_LETTERS:
            return ()
        direction = ARABIC_TO_LATIN if script == "ar" else LATIN_TO_ARABIC
        other = "latin" if script == "ar" else "ar"
        held: dict[str, Spelling] = {}
        proposed = self.table.spellings(norm, direction, PROPOSED)
        for text in offered:
            cost = self.table.cost(norm, text, direction)
            if cost is not None and cost <= MAX_COST:
                proposed.append((text, max(0.0, cost - OFFERED_BONUS)))
        for text, cost in sorted(proposed, key=lambda pair: pair[1]):
            if cost > MAX_COST:
                break
            term = self.term_of(text)
            if term is None or term in held:
                continue
            documents = frequency(term)
            if documents >= MIN_DOCUMENTS:
                # a spelling the dictionary gives for this word is known as its
                # translation, not as another word: no cost for being known
                held[term] = Spelling(text, term, documents, cost,
                                      text not in offered and self.known(text, other, norm))
        # Reading articles costs most: they are read best spelling first (as if all of
        # its articles wrote it), and not at all for spellings that could no longer
        # come within the margin of the best one found written.
        found: list[Spelling] = []
        for spelling in sorted(held.values(), key=lambda s: s.score, reverse=True):
            if found and spelling.score < found[0].score - SCORE_MARGIN:
                break
            share = written_share(spelling.text, texts(spelling.term, SAMPLE_ARTICLES))
            if share >= MIN_WRITTEN:
                found.append(replace(spelling,
                                     documents=max(1, round(spelling.documents * share))))
                found.sort(key=lambda s: s.score, reverse=True)
        ranked = found
        if not ranked:
            return ()
        best = ranked[0]
        kept = [best] + [s for s in ranked[1:] if s.score >= best.score - SCORE_MARGIN
                         and (not s.known or s.cost <= best.cost)]
        return tuple(kept[:MAX_SPELLINGS])

    def term_of(self, text: str) -> str | None:
        """The term the index holds one word under: its exact form when the stemmer
        would cut it, else its stem; None for a stop word, a gazetteer name or more
        than one word."""
        stem = exact = None
        for token in self.analyzer(text, mode="query"):
            if token.kind == "entity" or stem is not None and token.kind == "word":
                return None
            if token.kind == "word":
                stem = token.text
            elif token.kind == "exact":
                exact = token.text
        return exact or stem


def written_share(spelling: str, texts: list[str]) -> float:
    """The share of ``texts`` that write ``spelling`` as a word (in Arabic after any
    proclitic and with one of ``NAME_ENDINGS``), read in their first ``SAMPLE_CHARS``
    characters.

    >>> written_share("بوتين", ["قال بوتين", "وأكد لبوتين", "في الوطن"])
    0.6666666666666666
    >>> written_share("حوثي", ["قصف الحوثيين"]), written_share("مسال", ["المسألة"])
    (1.0, 0.0)
    """
    if not texts:
        return 0.0
    script = "ar" if not spelling.isascii() else "latin"
    return sum(_writes(spelling, script, text[:SAMPLE_CHARS]) for text in texts) / len(texts)


#: Endings a name takes in Arabic news: plurals and the relative adjective
#: (الحوثيين, الحوثيون for Houthis), never the feminine ة that makes a word of a
#: stem (المسألة is no spelling of مسال).
NAME_ENDINGS = ("", "ي", "ين", "ون", "يين", "يون")


def _writes(spelling: str, script: str, text: str) -> bool:
    shortest = len(spelling)
    for word in iter_words(text):
        if word.script != script or len(word.surface) < shortest:
            continue
        norm = normalize_word(word.surface, script)
        if norm == spelling:
            return True
        if script == "ar" and any(form.startswith(spelling) and
                                  form[len(spelling):] in NAME_ENDINGS
                                  for form in proclitic_candidates(norm)):
            return True
    return False


class OtherWords:
    """``known(text, script, name)`` for ``NameSpellings``: whether the dictionaries
    know ``text`` as a word other than the name ``name`` (normalised, in the other
    script) it may spell: known, and no sense of it shares the name's consonant key
    (موصل is a connector to them; تيريزا is Teresa, so it may spell Theresa).

    :param known_words: the dictionaries' word keys (``Resources.known_words``).
    :param translator: looks the senses up (``service.translate.Translator``).
    """

    def __init__(self, known_words: frozenset[str], translator) -> None:
        self.known_words = known_words
        self.translator = translator

    def __call__(self, text: str, script: str, name: str) -> bool:
        if word_key(text, script) not in self.known_words:
            return False
        keys = set(_keys(name, "ar" if script == "latin" else "latin"))
        return not any(keys & set(_keys(normalize_word(w.surface, w.script), w.script))
                       for match in self.translator.find([(text, script)])
                       for sense in match.senses for w in iter_words(sense))


def _keys(norm: str, script: str) -> list[str]:
    """A word's consonant skeletons, short ones too (Oman: MN).

    >>> _keys("oman", "latin"), _keys("عمان", "ar")
    (['MN'], ['MN'])
    """
    return arabic_skeletons(norm) if script == "ar" else [latin_skeleton(norm)]
