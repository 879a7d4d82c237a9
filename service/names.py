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

Places are also proposed by the name the other script gives them (``index.exonyms``:
Aleppo, حلب), and a Latin word as two Arabic words, read in articles holding both
(Hezbollah, حزب الله: searched and marked as a phrase). ``capitalised_share`` reads
whether English articles write a word as a name (Rice in "Secretary Rice said").

Each lookup is one analysis and one document frequency per proposed spelling (no
scan of the vocabulary), and a few stored texts per spelling found; the answers are
kept per index generation.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from index.analysis import EXACT_PREFIX, resources_of
from index.exonyms import Exonyms
from index.lexicon import word_key
from index.normalize import normalize_arabic, normalize_word
from index.stemmer import proclitic_candidates
from index.tokens import iter_words
from index.translit import arabic_skeletons, latin_skeleton
from index.transliterate import ARABIC_TO_LATIN, LATIN_TO_ARABIC, TransliterationTable

#: Spellings proposed for one word (each costs an analysis and a lookup).
PROPOSED = 200
#: Most spellings kept for one word, and proposed under one term.
MAX_SPELLINGS = 4
SPELLINGS_PER_TERM = 2
#: Fewest documents a spelling must be in to count as verified (the score margin
#: keeps a rare spelling only beside a best one that is rare too).
MIN_DOCUMENTS = 1
#: How much the log of a spelling's documents weighs against a unit of its cost.
DOCUMENTS_WEIGHT = 0.5
#: What being a word the dictionaries know costs a spelling, and how much of its
#: documents' weight it keeps.
KNOWN_COST = 1.0
KNOWN_DOCUMENTS_SHARE = 0.6
#: What a known word costs per share of all articles holding it (10% costs 1).
COMMON_WORD_COST = 10.0
#: English articles read to see whether a capitalised word the dictionaries know is
#: written as a name there, how often they must write it inside a sentence and what
#: share of those times with a capital.
ENGLISH_NAME_ARTICLES = 6
ENGLISH_NAME_OCCURRENCES = 3
ENGLISH_NAME_SHARE = 0.8
#: The Arabic article, and what writing it before a spelling that starts like it costs.
ARTICLE = "ال"
ARTICLE_COST = 0.3
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
#: Shortest part (letters) of a Latin word spelled as two Arabic words (hezb|ollah).
MIN_PART = 3
#: Shortest word (letters) tried as two (Jinping: جين بينغ).
MIN_PAIRED = 7
#: Spellings proposed for each part.
PART_PROPOSED = 16
#: What writing one word as two costs over the cost of its parts.
SPLIT_COST = 0.5
#: Two-word spellings of one word proposed, and read at most, best first.
PAIRS = 24
PAIRS_READ = 6
#: A spelling the articles read write after the same word (not a stop word) in at
#: least ``NAMED_ARTICLES`` of them, and in at least half of those writing it, is
#: used as a name there: a person's given name or title before the surname (روبرت
#: موغابي in five of six, حيدر العبادي in three, فلاديمير بوتين in four), where a
#: word (موجب "positive", الموتى "the dead") follows whatever the sentence says. It
#: scores ``NAMED_BONUS`` more, which orders the spellings kept (a name before a
#: word of its letters) but keeps no spelling the margin would leave out (عبير, a
#: given name, is no spelling of Uber's however often it is one).
NAMED_ARTICLES = 3
NAMED_BONUS = 1.5
#: Share of the sampled articles that must write the spelling itself (any proclitic
#: before it); its documents are counted at that share.
MIN_WRITTEN = 0.5
#: A spelling that the stemmer reads as a preposition and a word (بوتين as ب + وتين,
#: لابن as ل + ابن "for the son") is looked up as written; it is the word with the
#: preposition, a word the dictionaries know, unless the form as written holds at
#: least this share of the documents of the word without the letter, as written
#: (بوتين nearly all of وتين's, بنتاجون of نتاجون's, لابن 61 of ابن's 11,000).
GUESSED_NAME_SHARE = 0.5
#: How alike (``difflib`` ratio) a dictionary's sense of a spelling and the name must
#: be for the sense to be the name, doubled letters counted once and a run of
#: Latin vowels as one (tarasa, tharasa: 0.92; apar, abar: 0.75).
SAME_NAME_RATIO = 0.8
_LATIN_VOWELS_RE = re.compile("[aeiouy]+")


@dataclass(frozen=True)
class Spelling:
    """A verified spelling: as proposed, the term the index holds it under, the
    documents holding that term and the spelling's cost in the table."""

    text: str
    term: str
    documents: int
    cost: float
    known: bool = False
    #: the terms of its words, for a spelling of two words (حزب الله for Hezbollah)
    terms: tuple[str, ...] = ()
    #: the share of all the index's articles that hold it
    share: float = 0.0
    #: whether the articles read use it as a name (``NAMED_ARTICLES``)
    named: bool = False

    @property
    def score(self) -> float:
        """The spelling's rank among those kept: ``base``, and ``NAMED_BONUS`` for a
        spelling the articles use as a name."""
        return self.base + NAMED_BONUS if self.named else self.base

    @property
    def base(self) -> float:
        """How likely this spelling is what the press writes for the name: the
        documents of a word the dictionaries know say less, most of them are the
        word's, and the commoner the word the less it is a name (حالي "current" is in
        one article of ten, هيلي, Haley, in 91 of 72,000)."""
        if not self.known:
            return DOCUMENTS_WEIGHT * math.log(self.documents) - self.cost
        return DOCUMENTS_WEIGHT * KNOWN_DOCUMENTS_SHARE * math.log(self.documents) - \
            self.cost - KNOWN_COST - COMMON_WORD_COST * self.share

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
    :param exonyms: the names places have in the other script (``index.exonyms``):
        proposed at their own cost beside the table's, and a place's own name pays
        nothing for being a word the dictionaries know (حمص is also "chickpeas").
    """

    def __init__(self, table: TransliterationTable, analyzer,
                 known: Callable[[str, str, str], bool] = lambda text, script, name: False,
                 exonyms: Exonyms | None = None) -> None:
        self.table = table
        self.analyzer = analyzer
        self.known = known
        self.exonyms = exonyms or Exonyms()
        self.resources = resources_of(analyzer)
        self._known: dict[tuple, object] = {}     # spellings, capitals: per generation

    def of(self, norm: str, script: str, frequency: Callable[[str], int],
           texts: Callable[[str | tuple[str, ...], int], list[str]], offered: tuple[str, ...] = (),
           total: int = 0, pairs: bool = True) -> tuple[Spelling, ...]:
        """The verified spellings of a normalised word in the other script, best first.

        :param frequency: documents of the index holding a term.
        :param texts: up to ``n`` texts of articles holding a term, ``texts(term, n)``.
        :param offered: spellings a dictionary gives for the word: one that the table
            can make is proposed too, for ``OFFERED_BONUS`` less than it costs and
            nothing for being a known word.
        :param total: the index's articles (a known word's share of them counts
            against it; 0: not counted).
        :param pairs: whether a Latin word may be two Arabic words (not for two
            typed words tried joined: each has its own spellings).
        """
        key = (norm, script, offered, pairs)
        if key not in self._known:
            if len(self._known) >= CACHE_SIZE:
                self._known.clear()
            self._known[key] = self._verify(norm, script, frequency, texts, offered, total,
                                            pairs)
        return self._known[key]

    def capitalised_in(self, norm: str, term: str,
                       texts: Callable[[str | tuple[str, ...], int], list[str]]) -> bool:
        """Whether the articles holding a Latin word's ``term`` write it with a capital
        inside their sentences, at least ``ENGLISH_NAME_SHARE`` of
        ``ENGLISH_NAME_OCCURRENCES`` or more times (read in ``ENGLISH_NAME_ARTICLES``
        of them; the answer is kept for the index generation, like the spellings)."""
        key = ("capitalised", norm, term)
        if key not in self._known:
            inside, share = capitalised_share(norm, texts(term, ENGLISH_NAME_ARTICLES))
            self._known[key] = inside >= ENGLISH_NAME_OCCURRENCES and \
                share >= ENGLISH_NAME_SHARE
        return self._known[key]

    def capitalised_known(self, norm: str, term: str) -> bool:
        """Whether ``capitalised_in`` answered for this word already."""
        return ("capitalised", norm, term) in self._known

    def cached(self, norm: str, script: str, offered: tuple[str, ...] = (),
               pairs: bool = True) -> tuple[Spelling, ...] | None:
        """The spellings ``of`` found for the word already, None when not looked up."""
        return self._known.get((norm, script, offered, pairs))

    def _verify(self, norm: str, script: str, frequency: Callable[[str], int],
                texts: Callable[[str | tuple[str, ...], int], list[str]],
                offered: tuple[str, ...] = (), total: int = 0, pairs: bool = True
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
        # a place's own names in the other script (the dearer ones name other places)
        given = self.exonyms.spellings(norm, script)
        proposed.extend(given)
        free = set(offered) | {text for text, cost in given if cost == 0}
        # a spelling that starts as the article does loses its first letters to the
        # analysis (اليزيه is ال + يزيه): with the article written, it keeps them
        # (الاليزيه, the Elysee)
        proposed.extend((ARTICLE + text, cost + ARTICLE_COST) for text, cost in list(proposed)
                        if script != "ar" and text.startswith(ARTICLE))
        # Two spellings under one term are both kept, cheapest first: one may be
        # written where the other is not (الرمادي, Ramadi's own name, is in fewer of
        # رمادي's articles than رمادي without the article).
        per_term: dict[str, int] = {}
        for text, cost in sorted(proposed, key=lambda pair: pair[1]):
            if cost > MAX_COST:
                break
            if text in held:
                continue
            terms = tuple(self.term_of(word) for word in text.split())
            term = " ".join(terms) if all(terms) else None
            if term is None or per_term.get(term, 0) >= SPELLINGS_PER_TERM:
                continue
            per_term[term] = per_term.get(term, 0) + 1
            documents = min(frequency(t) for t in terms)
            if documents >= MIN_DOCUMENTS:
                # a spelling the dictionary gives for this word is known as its
                # translation, not as another word (a place's own name likewise): no
                # cost for being known
                known = text not in free and (self.known(text, other, norm) or
                                              self._preposition_and_word(text, documents,
                                                                         frequency))
                held[text] = Spelling(text, term, documents, cost, known,
                                      terms=terms if len(terms) > 1 else (),
                                      share=documents / total if total else 0.0)
        if script != "ar" and pairs:
            for spelling in self._two_words(norm, frequency):
                held.setdefault(spelling.text, spelling)
        # Reading articles costs most: they are read best spelling first (as if all of
        # its articles wrote it), and not at all for spellings that could no longer
        # come within the margin of the best one found written.
        found: list[Spelling] = []
        read: dict[str, list[str]] = {}
        pairs_read = 0
        for spelling in sorted(held.values(), key=lambda s: s.base, reverse=True):
            if found and spelling.base < max(f.base for f in found) - SCORE_MARGIN:
                break
            if any(f.term == spelling.term for f in found):
                continue
            if spelling.terms and pairs_read >= PAIRS_READ:
                continue
            pairs_read += bool(spelling.terms) and spelling.term not in read
            if spelling.term not in read:
                # two words are read in articles holding both (حزب alone is many parties')
                read[spelling.term] = texts(spelling.terms or spelling.term, SAMPLE_ARTICLES)
            share = written_share(spelling.text, read[spelling.term])
            if share >= MIN_WRITTEN:
                found.append(replace(spelling,
                                     documents=max(1, round(spelling.documents * share)),
                                     named=not spelling.terms and self._named(
                                         spelling.text, read[spelling.term])))
                found.sort(key=lambda s: s.score, reverse=True)
        ranked = found
        if not ranked:
            return ()
        top = max(s.base for s in ranked)
        best, *within = [s for s in ranked if s.base >= top - SCORE_MARGIN]
        kept = [best] + [s for s in within if not s.known or s.named or s.cost <= best.cost]
        return tuple(kept[:MAX_SPELLINGS])

    def _two_words(self, norm: str, frequency: Callable[[str], int]) -> list[Spelling]:
        """Spellings of a Latin word as two Arabic words (Hezbollah: حزب الله,
        Pyongyang: بيونغ يانغ), counted as the rarer word's documents: a word of
        ``MIN_PAIRED`` letters or more is cut in two at each place leaving
        ``MIN_PART`` letters or more on each side, each part spelled as a word
        (``PART_PROPOSED`` spellings), and the pairs whose words the index holds kept
        (the ``PAIRS`` best scored as if all the rarer word's articles wrote them,
        ``SPLIT_COST`` dearer than their parts). Whether the articles write the two
        words together is for the caller to read (``PAIRS_READ`` pairs at most)."""
        if len(norm) < MIN_PAIRED:
            return []
        parts: dict[str, list[tuple[str, str, int, float]]] = {}

        def spelled(part: str) -> list[tuple[str, str, int, float]]:
            if part not in parts:
                parts[part] = []
                for text, cost in self.table.spellings(part, LATIN_TO_ARABIC,
                                                       PART_PROPOSED):
                    term = self.term_of(text) if cost <= MAX_COST else None
                    documents = frequency(term) if term else 0
                    if documents >= MIN_DOCUMENTS:
                        parts[part].append((text, term, documents, cost))
            return parts[part]

        pairs = []
        for cut in range(MIN_PART, len(norm) - MIN_PART + 1):
            for left, left_term, left_documents, left_cost in spelled(norm[:cut]):
                for right, right_term, right_documents, right_cost in spelled(norm[cut:]):
                    cost = left_cost + right_cost + SPLIT_COST
                    if cost <= MAX_COST:
                        pairs.append(Spelling(f"{left} {right}", f"{left_term} {right_term}",
                                              min(left_documents, right_documents),
                                              round(cost, 3), terms=(left_term, right_term)))
        pairs.sort(key=lambda spelling: spelling.score, reverse=True)
        return pairs[:PAIRS]

    def _named(self, spelling: str, texts: list[str]) -> bool:
        """Whether ``texts`` use a one-word spelling as a name (``NAMED_ARTICLES``)."""
        return named_in(spelling, texts, self.resources.is_stopword)

    def _preposition_and_word(self, text: str, documents: int,
                              frequency: Callable[[str], int]) -> bool:
        """Whether an Arabic spelling of one word is, by the archive, a preposition
        and a word the stemmer guessed (``GUESSED_NAME_SHARE``)."""
        if " " in text or text.isascii():
            return False
        info = self.resources.word_info(text, "ar")
        if info.whole is None or info.stem is None:
            return False
        # the word without the letter, as written (نتاجون of بنتاجون, not نتاج "output")
        rest = info.stem if info.bare == info.stem else EXACT_PREFIX + info.bare
        return documents < GUESSED_NAME_SHARE * frequency(rest)

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
    """The share of ``texts`` that write ``spelling`` as a word, or its words in a
    row (in Arabic the first after any proclitic, the last with one of
    ``NAME_ENDINGS``), read in their first ``SAMPLE_CHARS`` characters.

    >>> written_share("بوتين", ["قال بوتين", "وأكد لبوتين", "في الوطن"])
    0.6666666666666666
    >>> written_share("حوثي", ["قصف الحوثيين"]), written_share("مسال", ["المسألة"])
    (1.0, 0.0)
    >>> written_share("حزب الله", ["قال حزب الله", "وقال الحزب إن الله"])
    0.5
    """
    if not texts:
        return 0.0
    script = "ar" if not spelling.isascii() else "latin"
    words = tuple(spelling.split())
    return sum(_may_write(words, text[:SAMPLE_CHARS], script) and
               _writes(words, _words(text[:SAMPLE_CHARS], script), script)
               for text in texts) / len(texts)


def named_in(spelling: str, texts: list[str],
             is_stopword: Callable[[str, str], bool] = lambda word, script: False) -> bool:
    """Whether ``texts`` write a one-word spelling after the same word, not a stop
    word, in ``NAMED_ARTICLES`` of them or more and in half of those writing it at
    least (in their first ``SAMPLE_CHARS`` characters).

    >>> named_in("موغابي", ["قال روبرت موغابي", "أعلن روبرت موغابي", "زار روبرت موغابي"])
    True
    >>> named_in("موجب", ["سفك الدم موجب للغضب", "بلا موجب قانوني", "عدد موجب", "قيل موجب"])
    False
    """
    script = "ar" if not spelling.isascii() else "latin"
    before: dict[str, int] = {}
    writing = 0
    for text in texts:
        words = _words(text[:SAMPLE_CHARS], script)
        at = [i for i, word in enumerate(words) if _is_written(spelling, word, script)]
        writing += bool(at)
        for word in {words[i - 1] for i in at if i and not is_stopword(words[i - 1], script)}:
            before[word] = before.get(word, 0) + 1
    most = max(before.values(), default=0)
    return most >= NAMED_ARTICLES and 2 * most >= writing


def capitalised_share(norm: str, texts: list[str]) -> tuple[int, float]:
    """How often ``texts`` write a Latin word inside a sentence (not after ., !, ?,
    : or a quotation mark, nor at a text's or a line's start), and the share of
    those written with a capital (Rice in "Secretary Rice said", not "rice
    prices"), in their first ``SAMPLE_CHARS`` characters.

    >>> capitalised_share("rice", ["Secretary Rice said so. Rice left.", "the rice prices"])
    (2, 0.5)
    """
    inside = capital = 0
    pattern = re.compile(rf"(?<![\w-]){re.escape(norm)}(?![\w-])", re.IGNORECASE)
    for text in texts:
        text = text[:SAMPLE_CHARS]
        for found in pattern.finditer(text):
            before = text[:found.start()].rstrip(" \t")
            if not before or before[-1] in SENTENCE_ENDS:
                continue
            inside += 1
            capital += text[found.start()].isupper()
    return inside, capital / inside if inside else 0.0


#: What ends a sentence, or starts one, before a word (a capital after them says
#: nothing).
SENTENCE_ENDS = ".!?:\"“”«»\n"


def _may_write(words: tuple[str, ...], text: str, script: str) -> bool:
    """False when a text cannot write the words: one of them is nowhere in it, even
    inside another word (a folding of the whole text: no tokenizing)."""
    if script != "ar":
        return True
    folded = normalize_arabic(text)
    return all(word in folded for word in words)


#: Endings a name takes in Arabic news: the relative adjective and its plurals
#: (الحوثي, الحوثيين for Houthis), never the feminine ة that makes a word of a
#: stem (المسألة is no spelling of مسال).
NAME_ENDINGS = ("", "ي", "يين", "يون")
#: The plural endings, on a spelling that is a relative adjective already (حوثي:
#: الحوثيين); after any other letter they make another word (تايفون, Typhoon, is no
#: spelling of تايف, Taif).
PLURAL_ENDINGS = ("ين", "ون")


@lru_cache(maxsize=256)
def _words(text: str, script: str) -> tuple[str, ...]:
    """The normalised words of one script in a text (a text is read for several
    spellings of a name)."""
    return tuple(normalize_word(word.surface, script) for word in iter_words(text)
                 if word.script == script)


def _writes(spellings: tuple[str, ...], norms: tuple[str, ...], script: str) -> bool:
    """Whether the words ``norms`` hold the spelling's words in a row."""
    first, last = spellings[0], len(spellings) - 1
    for start, norm in enumerate(norms[:len(norms) - last]):
        if first in norm and _is_written(first, norm, script) and (
                not last or norms[start + 1:start + last] == spellings[1:last]
                and _is_written(spellings[last], norms[start + last], script)):
            return True
    return False


@lru_cache(maxsize=1 << 16)
def _is_written(spelling: str, norm: str, script: str) -> bool:
    """Whether a normalised word is the spelling, in Arabic after any proclitic and
    with any of the name's endings."""
    if norm == spelling:
        return True
    return script == "ar" and any(form.startswith(spelling) and
                                  _is_name_ending(spelling, form[len(spelling):])
                                  for form in proclitic_candidates(norm))


def _is_name_ending(spelling: str, ending: str) -> bool:
    """Whether ``spelling + ending`` is the name ``spelling`` with an ending.

    >>> _is_name_ending("حوثي", "ين"), _is_name_ending("تايف", "ون")
    (True, False)
    """
    return ending in NAME_ENDINGS or spelling.endswith("ي") and ending in PLURAL_ENDINGS


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
        name_script = "ar" if script == "latin" else "latin"
        keys = set(_keys(name, name_script))
        return not any(_same_name(name, normalize_word(w.surface, w.script), keys)
                       for match in self.translator.find([(text, script)])
                       for sense in match.senses for w in iter_words(sense)
                       if w.script == name_script)


def _same_name(name: str, sense: str, keys: set[str]) -> bool:
    """Whether a dictionary sense (normalised, in the name's script) is the name itself
    as that script writes it: the same consonant skeleton and nearly the same letters,
    doubled letters counted once and Latin vowels as one (Teresa for Theresa, Amman for
    Oman, Missy for Messi; not Aper, a sense of ابر "needles", for Uber: the skeleton
    folds p and b, the letters do not).
    """
    if not keys & set(_keys(sense, "latin" if sense.isascii() else "ar")):
        return False
    folded = [_LATIN_VOWELS_RE.sub("a", re.sub(r"(.)\1", r"\1", word))
              for word in (name, sense)]
    return SequenceMatcher(None, *folded).ratio() >= SAME_NAME_RATIO


def _keys(norm: str, script: str) -> list[str]:
    """A word's consonant skeletons, short ones too (Oman: MN).

    >>> _keys("oman", "latin"), _keys("عمان", "ar")
    (['MN'], ['MN'])
    """
    return arabic_skeletons(norm) if script == "ar" else [latin_skeleton(norm)]
