"""Light stemming for normalised words: Arabic clitics and suffixes, English Porter.

The Arabic stemmer is a guarded variant of Larkey's light10 (Larkey, Ballesteros &
Connell 2007), the basis of Lucene's ``ArabicStemmer``. Whoosh's own
``StemFilter(lang="ar")`` is the ISRI *root* stemmer, which conflates far too much
for retrieval (الاشتباكات -> شبك, والمدنيين -> دني). Differences from light10, each
against an over-stemming seen in news text:

* The conjunction و is stripped only when the rest is at least three letters and
  is not a word that itself begins with و (``config/stem_exceptions_ar.txt``), so
  وزارة stays وزار and does not become زار ("visited").
* The prepositions ب ك ل (and ف) are stripped only before the article, before a
  protected name (a gazetteer spelling), or when the dictionaries know the rest but
  not the whole word: لأذربيجان -> اذربيجان, بكاراباخ -> كاراباخ, بخرق -> خرق,
  but كتاب, لبنان and بلد keep their first letter.
* Tanween fath written on a final alef marks the accusative: انتهاكاً -> انتهاك.
* At most one plural or feminine suffix is removed (after an optional ها/هم
  pronoun), and the nisba ي is never removed: والمدنيين -> مدني, not مدن ("cities").
* ان is removed only when four letters remain, so that names such as إيران,
  لبنان, عمان keep their ending.
* Normalisation folds أ إ آ into ا, which makes ألغام ("mines"), ألمانيا and التزام
  look like article + word. Where the word as written has a hamza on that alef
  (``radical_al``), the ال is kept: ألغام and الألغام both stem to الغام.
"""

from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

from index.normalize import strip_harakat, strip_tatweel

_ARTICLES = ("فال", "بال", "كال", "لل", "ال")
_PREPOSITIONS = ("ب", "ك", "ل", "ف")
_CONJUNCTION = "و"
# (suffix, letters that must remain) tried longest first; at most one is removed.
_PRONOUN_SUFFIXES = (("هما", 3), ("ها", 3), ("هم", 3))
_SUFFIXES = (("ات", 3), ("ون", 3), ("ين", 3), ("ان", 4), ("ه", 3))
_CACHE_SIZE = 1 << 16


class ArabicLightStemmer:
    """Strip Arabic clitics and one inflectional suffix from a normalised word.

    :param protected: normalised names that are never stemmed (gazetteer spellings);
        a word that is a protected name after clitic removal stems to that name.
    :param waw_words: normalised words whose initial و is part of the word; their
        inflected forms (وزارات for وزارة) are recognised by their suffix-free stem.
    :param al_words: normalised words whose initial ال is part of the word (التزام),
        recognised the same way.
    :param known: keys (``plain_stem``) of the words the dictionaries know: a
        preposition ب ك ل ف is stripped from a word the dictionaries do not know when
        what is left is a word they know (بخرق → خرق, but كتاب stays). That reading
        is a guess (بوتين is no ب + وتين "aorta", بشير no ب + شير): ``split`` also
        gives the word with the letter kept, so that it can be found as written.
    """

    def __init__(self, protected: frozenset[str] = frozenset(),
                 waw_words: frozenset[str] = frozenset(),
                 al_words: frozenset[str] = frozenset(),
                 known: frozenset[str] = frozenset()) -> None:
        self.protected = frozenset(protected)
        self.waw_words = frozenset(waw_words)
        self.al_words = frozenset(al_words)
        self.known = known
        self._waw_stems = frozenset(self._strip_suffixes(w) for w in self.waw_words)
        self._al_stems = frozenset(self._strip_suffixes(w) for w in self.al_words)
        self.split = lru_cache(maxsize=_CACHE_SIZE)(self._split)

    def __getstate__(self) -> dict:
        # ``known`` is restored by its owner (``Resources``), not pickled.
        return {"protected": self.protected, "waw_words": self.waw_words,
                "al_words": self.al_words}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["protected"], state["waw_words"], state.get("al_words", frozenset()))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ArabicLightStemmer)
                and self.protected == other.protected
                and self.waw_words == other.waw_words
                and self.al_words == other.al_words)

    def stem(self, word: str, radical_al: bool = False, accusative: bool = False) -> str:
        """Return the stem of one normalised Arabic word.

        >>> s = ArabicLightStemmer(protected=frozenset({"كاراباخ"}))
        >>> s.stem("الاشتباكات"), s.stem("بكاراباخ"), s.stem("والمدنيين")
        ('اشتباك', 'كاراباخ', 'مدني')
        """
        return self.split(word, radical_al, accusative)[1]

    def _split(self, word: str, radical_al: bool = False,
               accusative: bool = False) -> tuple[str, str, str | None]:
        """Return (word without proclitics, stem, the word with the preposition it
        guessed off, or None) for one normalised word.

        :param radical_al: the ال after any proclitic is part of the word (see
            ``radical_al``), not the article.
        :param accusative: the word was written with tanween fath (انتهاكاً): its
            final alef is the case ending.

        >>> s = ArabicLightStemmer()
        >>> s.split("والمدنيين"), s.split("الغام", radical_al=True), s.split("الالغام")
        (('مدنيين', 'مدني', None), ('الغام', 'الغام', None), ('الغام', 'الغام', None))
        >>> s.split("انتهاكا", accusative=True)
        ('انتهاك', 'انتهاك', None)
        >>> ArabicLightStemmer(known=frozenset({"خرق"})).split("وبخرق")
        ('خرق', 'خرق', 'بخرق')
        """
        if word.isdigit() or word in self.protected:
            return word, word, None
        name = self.strip_to_protected(word)
        if name:
            return name, name, None
        if accusative and word.endswith("ا") and len(word) > 3:
            word = word[:-1]
        al_at = self._al_word_at(word)
        if radical_al or al_at is not None:
            at = al_at if al_at is not None else word.find("ال")
            bare = word[at:] if 0 <= at <= 4 else word
        else:
            whole = self._strip_prefixes(word)
            bare = self._strip_known_preposition(whole)
            if bare != whole:
                return bare, self._strip_suffixes(bare), whole
        return bare, self._strip_suffixes(bare), None

    def _strip_known_preposition(self, word: str) -> str:
        if (self.known and word[:1] in _PREPOSITIONS and len(word) >= 4
                and plain_stem(word) not in self.known and plain_stem(word[1:]) in self.known):
            return word[1:]
        return word

    def strip_to_protected(self, word: str) -> str:
        """Return the protected name left after removing clitics, or ``""``.

        >>> ArabicLightStemmer(frozenset({"اذربيجان"})).strip_to_protected("لاذربيجان")
        'اذربيجان'
        """
        for candidate in proclitic_candidates(word):
            if candidate in self.protected:
                return candidate
        return ""

    def _strip_prefixes(self, word: str) -> str:
        if (word.startswith(_CONJUNCTION) and len(word) >= 4
                and not self._is_waw_word(word)):
            word = word[1:]
        for article in _ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= 2:
                return word[len(article):]
        return word

    def _al_word_at(self, word: str) -> int | None:
        """Where a word whose ال belongs to it (التزام) starts, after any article or
        proclitic (الالتزام, بالتزام, وبالالتزام), or None."""
        if not self._al_stems:
            return None
        for at in range(0, min(len(word) - 3, 5)):
            candidate = word[at:]
            if candidate.startswith("ال") and self._strip_suffixes(candidate) in self._al_stems:
                return at
        return None

    def _is_waw_word(self, word: str) -> bool:
        return self._strip_suffixes(word) in self._waw_stems

    @staticmethod
    def _strip_suffixes(word: str) -> str:
        for suffix, keep in _PRONOUN_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                word = word[: -len(suffix)]
                break
        for suffix, keep in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                return word[: -len(suffix)]
        return word


def plain_stem(word: str) -> str:
    """The stem by an unconfigured stemmer (no names, no exception lists, no lexicon).

    >>> plain_stem("الاشتباكات")
    'اشتباك'
    """
    return _PLAIN.stem(word)


_PLAIN = ArabicLightStemmer()
_HAMZA_ALEF_LAM = ("أل", "إل", "آل")


def accusative(surface: str) -> bool:
    """Tell whether a word as written ends in tanween fath on or before a final alef.

    >>> accusative("انتهاكاً"), accusative("جنديًا"), accusative("روسيا")
    (True, True, False)
    """
    text = strip_tatweel(surface)
    return text.endswith(("اً", "ًا"))


def radical_al(surface: str) -> bool:
    """Tell whether a word as written starts (after proclitics) with hamza-alef + lam.

    >>> radical_al("ألغام"), radical_al("وبألمانيا"), radical_al("الألغام"), radical_al("الحرب")
    (True, True, False, False)
    """
    text = strip_tatweel(strip_harakat(surface))
    if text[:1] in ("و", "ف") and (text[1:3] in _HAMZA_ALEF_LAM
                                   or text[1:2] in ("ب", "ك", "ل") and text[2:4] in _HAMZA_ALEF_LAM):
        text = text[1:]
    if text[:1] in ("ب", "ك", "ل") and text[1:3] in _HAMZA_ALEF_LAM:
        text = text[1:]
    return text[:2] in _HAMZA_ALEF_LAM


def proclitic_candidates(word: str) -> list[str]:
    """Return ``word`` and the forms left by removing conjunction, preposition and article.

    Each candidate keeps at least two letters; the longest comes first.

    >>> proclitic_candidates("وبالحرب")
    ['وبالحرب', 'بالحرب', 'الحرب', 'حرب']
    >>> proclitic_candidates("للاتحاد")
    ['للاتحاد', 'الاتحاد', 'اتحاد']
    """
    out = [word]
    rest = word
    if rest[:1] in ("و", "ف") and len(rest) > 3:
        rest = rest[1:]
        out.append(rest)
    if rest.startswith("لل") and len(rest) > 3:
        # لل is ل + ال with the alef dropped: للاتحاد is ل + الاتحاد.
        out.extend(("ال" + rest[2:], rest[2:]))
        return out
    if rest[:1] in _PREPOSITIONS and len(rest) > 3:
        rest = rest[1:]
        out.append(rest)
    if rest.startswith("ال") and len(rest) > 3:
        out.append(rest[2:])
    return out


@lru_cache(maxsize=_CACHE_SIZE)
def stem_english(word: str) -> str:
    """Porter-stem an ASCII word; other words (digits, other scripts) pass through.

    >>> stem_english("clashes"), stem_english("peacekeepers"), stem_english("2020")
    ('clash', 'peacekeep', '2020')
    """
    if word.isascii() and word.isalpha():
        return _porter_stem(word)
    return word
