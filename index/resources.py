"""The linguistic resources of the analysis chain, loaded once from ``config/``.

``Resources.load(config_dir)`` reads the gazetteer, the stop-word lists, the
stemmer exceptions and the page-furniture markers, validates them (file:line errors) and computes a fingerprint.
The fingerprint is stored with the index (inside its pickled analyzer), so a change
to any of these files, or to ``ANALYSIS_VERSION``, marks the index as stale.
"""

import hashlib
from dataclasses import MISSING, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from index.furniture import Furniture
from index.gazetteer import Gazetteer
from index.glossary import Glossary
from index.lexicon import Lexicon, word_key
from index.normalize import normalize_arabic, normalize_latin, normalize_word
from index.stemmer import (ArabicLightStemmer, accusative, proclitic_candidates, radical_al,
                           stem_english)
from index.translit import name_key, skeletons
from index.wordlists import check_word_list, read_lines, read_sections

#: Raise when the analysis code or the schema's fields change what an index holds.
ANALYSIS_VERSION = "8"

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
GAZETTEER_FILE = "gazetteer.txt"
STOPWORDS_AR_FILE = "stopwords_ar.txt"
STOPWORDS_EN_FILE = "stopwords_en.txt"
STEM_EXCEPTIONS_AR_FILE = "stem_exceptions_ar.txt"
FURNITURE_FILE = "furniture.txt"
GLOSSARY_FILE = "glossary.txt"
_FILES = (GAZETTEER_FILE, STOPWORDS_AR_FILE, STOPWORDS_EN_FILE, STEM_EXCEPTIONS_AR_FILE,
          FURNITURE_FILE, GLOSSARY_FILE)


#: Memoised methods, rebuilt after unpickling rather than pickled with an index.
_MEMOISED = ("split", "name_keys", "_spellings")


class WordInfo(NamedTuple):
    """One word as the text fields' analysis chain sees it: normalised form, form
    without proclitics and stem (None for a stop word), whether a gazetteer name
    may start at it, and the form with the preposition the stemmer guessed off
    (بوتين for وتين; None when it guessed none)."""

    norm: str
    bare: str | None
    stem: str | None
    may_start: bool
    whole: str | None = None

    @property
    def exact_forms(self) -> tuple[str, ...]:
        """The forms indexed as ``=`` exact terms beside the stem: the form without
        proclitics where it differs from the stem, and the form with a guessed
        preposition kept (بقفصة: قفصه and بقفصه; بوتين: بوتين), so that a name the
        guess cuts is still found as written. The one place of this rule.

        >>> WordInfo("بقفصه", "قفصه", "قفص", False, "بقفصه").exact_forms
        ('قفصه', 'بقفصه')
        """
        if self.stem is None:
            return ()
        forms = (self.bare,) if self.bare != self.stem else ()
        return forms + (self.whole,) if self.whole else forms


@dataclass
class Resources:
    """Gazetteer, stop words, stemmers and furniture markers: the data behind the analysis."""

    gazetteer: Gazetteer
    stopwords_ar: frozenset[str]
    stopwords_en: frozenset[str]
    arabic_stemmer: ArabicLightStemmer
    fingerprint: str
    furniture: Furniture = field(default_factory=Furniture)
    protected_latin: frozenset[str] = field(default_factory=frozenset)
    glossary: Glossary = field(default_factory=Glossary)
    #: Word keys of everything the dictionaries and the glossary know: not names.
    known_words: frozenset[str] = field(default_factory=frozenset)
    lexicon_digest: str = "none"

    @classmethod
    def load(cls, config_dir: Path | str = CONFIG_DIR, *,
             lexicon: Lexicon | None = None) -> "Resources":
        """Load and validate every resource file of ``config_dir``.

        :param lexicon: the dictionaries' lexicon (default: the prebuilt one at
            ``LEXICON_PATH``, built on first use).
        :raises ConfigError: naming the file and line of the first mistake.
        """
        config_dir = Path(config_dir)
        lexicon = lexicon if lexicon is not None else Lexicon.load_or_build()
        gazetteer = Gazetteer.load(config_dir / GAZETTEER_FILE)
        stop_ar = check_word_list(config_dir / STOPWORDS_AR_FILE,
                                  read_lines(config_dir / STOPWORDS_AR_FILE), normalize_arabic)
        stop_en = check_word_list(config_dir / STOPWORDS_EN_FILE,
                                  read_lines(config_dir / STOPWORDS_EN_FILE), normalize_latin)
        exceptions_path = config_dir / STEM_EXCEPTIONS_AR_FILE
        sections = read_sections(exceptions_path, ("keep", "waw", "al"))
        keep = check_word_list(exceptions_path, sections["keep"], normalize_arabic)
        waw = check_word_list(exceptions_path, sections["waw"], normalize_arabic)
        al = check_word_list(exceptions_path, sections["al"], normalize_arabic)
        names = gazetteer.protected_words
        glossary = Glossary.load(config_dir / GLOSSARY_FILE, stop_ar | stop_en)
        known = lexicon.known | glossary.words
        digest = hashlib.sha256(ANALYSIS_VERSION.encode())
        for name in _FILES:
            digest.update(name.encode() + b"\0" + (config_dir / name).read_bytes())
        digest.update(lexicon.digest.encode())
        return cls(
            gazetteer=gazetteer,
            stopwords_ar=stop_ar,
            stopwords_en=stop_en,
            arabic_stemmer=ArabicLightStemmer(protected=names | keep, waw_words=waw,
                                              al_words=al, known=known),
            fingerprint=digest.hexdigest()[:16],
            furniture=Furniture.load(config_dir / FURNITURE_FILE),
            protected_latin=frozenset(n for n in names if n.isascii()),
            glossary=glossary,
            known_words=known,
            lexicon_digest=lexicon.digest,
        )

    @classmethod
    def from_settings(cls, settings: dict) -> "Resources":
        """Load with the ``CONFIG_DIR``, ``LEXICON_PATH`` and ``DICTIONARY_DIR`` settings."""
        lexicon = Lexicon.load_or_build(settings["LEXICON_PATH"], settings["DICTIONARY_DIR"])
        return cls.load(settings["CONFIG_DIR"], lexicon=lexicon)

    def __post_init__(self) -> None:
        # Memoised per word: news text is Zipfian, most words repeat.
        self.split = lru_cache(maxsize=1 << 16)(self._split)
        self.name_keys = lru_cache(maxsize=1 << 16)(self._name_keys)

    def __getstate__(self) -> dict:
        # The known words (the dictionaries' vocabulary, about 66,000 keys) are not
        # pickled into every index commit: they come back from the process's lexicon.
        state = {k: v for k, v in self.__dict__.items() if k not in _MEMOISED}
        state["known_words"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        # Fields added since an index was written take their defaults; such an index
        # reads as stale (its fingerprint differs) and is rebuilt.
        for name, spec in self.__dataclass_fields__.items():
            if name not in state and spec.default_factory is not MISSING:
                state[name] = spec.default_factory()
            elif name not in state and spec.default is not MISSING:
                state[name] = spec.default
        self.__dict__.update(state)
        self.known_words = Lexicon.shared(self.lexicon_digest).known | self.glossary.words
        self.arabic_stemmer.known = self.known_words
        self.__post_init__()

    def _split(self, word: str, script: str, surface: str = "") -> tuple[str, str, str | None]:
        """Return (word without clitics, stem, the word with a guessed preposition
        kept or None: ``ArabicLightStemmer.split``) of a normalised word; names are
        left alone.

        :param surface: the word as written, which tells a radical ال (ألغام) from
            the article.

        >>> r = Resources.load()
        >>> r.split("الاشتباكات", "ar"), r.split("clashes", "latin"), r.split("الغام", "ar", "ألغام")
        (('اشتباكات', 'اشتباك', None), ('clashes', 'clash', None), ('الغام', 'الغام', None))
        """
        if script == "ar":
            if not surface:
                return self.arabic_stemmer.split(word)
            return self.arabic_stemmer.split(word, radical_al(surface), accusative(surface))
        if word in self.protected_latin:
            return word, word, None
        return word, stem_english(word), None

    def word_info(self, surface: str, script: str) -> "WordInfo":
        """What the text fields' analysis chain makes of one word as written,
        gazetteer names apart (a word's ``names`` keys are ``name_keys(norm, script,
        surface, require_capital=True)``).

        Every filter but the gazetteer's looks at one word at a time, so this depends
        on the word alone (``index.spans`` and ``index.terms`` use it to find a
        text's terms without the chain, each keeping the answer per spelling).

        >>> Resources.load().word_info("والاشتباكات", "ar")
        WordInfo(norm='والاشتباكات', bare='اشتباكات', stem='اشتباك', may_start=False, whole=None)
        """
        norm = normalize_word(surface, script)
        may_start = self.gazetteer.may_start(norm)
        if self.is_stopword(norm, script):
            return WordInfo(norm, None, None, may_start)
        bare, stem, whole = self.split(norm, script, surface)
        return WordInfo(norm, bare, stem, may_start, whole)

    def stem(self, word: str, script: str) -> str:
        """Return the stem of a normalised word.

        >>> Resources.load().stem("goris", "latin")
        'goris'
        """
        return self.split(word, script)[1]

    def is_stopword(self, word: str, script: str) -> bool:
        """Tell whether a normalised word is a stop word of its script's language."""
        return word in (self.stopwords_ar if script == "ar" else self.stopwords_en)

    def name_skeletons(self, norm: str, script: str, surface: str = "", *,
                       require_capital: bool = False) -> list[str]:
        """Cross-script consonant skeletons of a word that looks like a name, else ``[]``.

        A word looks like a name when it is not a stop word, not a gazetteer name (the
        gazetteer handles those), not known to the dictionaries or the glossary in
        any clitic-free form, and, for Latin words in documents, capitalised. An
        Arabic word gives the skeletons of its clitic-free forms too (the ب of بيرقدار
        might be a preposition).

        >>> r = Resources.load()
        >>> r.name_skeletons("وبيرقدار", "ar"), r.name_skeletons("اقدام", "ar")
        (['BRKTR', 'RKTR'], [])
        """
        if norm.isdigit() or self.is_stopword(norm, script):
            return []
        if script == "ar":
            forms = proclitic_candidates(norm)
            if any(f in self.arabic_stemmer.protected for f in forms) or \
                    any(word_key(f, script) in self.known_words for f in forms):
                return []
        else:
            if require_capital and not surface[:1].isupper():
                return []
            if norm in self.protected_latin or word_key(norm, script) in self.known_words:
                return []
            forms = [norm]
        found: list[str] = []
        for form in forms:
            found.extend(k for k in skeletons(form, script) if k not in found)
        return found

    def _name_keys(self, norm: str, script: str, surface: str = "", *,
                   require_capital: bool = False) -> list[str]:
        """The indexed name keys of a word (its skeletons, tagged with its script)."""
        return [name_key(s, script) for s in self.name_skeletons(
            norm, script, surface, require_capital=require_capital)]
