"""The linguistic resources of the analysis chain, loaded once from ``config/``.

``Resources.load(config_dir)`` reads the gazetteer, the stop-word lists, the
stemmer exceptions and the page-furniture markers, validates them (file:line errors) and computes a fingerprint.
The fingerprint is stored with the index (inside its pickled analyzer), so a change
to any of these files, or to ``ANALYSIS_VERSION``, marks the index as stale.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from index.furniture import Furniture
from index.gazetteer import Gazetteer
from index.normalize import normalize_arabic, normalize_latin
from index.stemmer import ArabicLightStemmer, stem_english
from index.wordlists import check_word_list, read_lines, read_sections

#: Raise when the analysis code or the schema's fields change what an index holds.
ANALYSIS_VERSION = "1"

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
GAZETTEER_FILE = "gazetteer.txt"
STOPWORDS_AR_FILE = "stopwords_ar.txt"
STOPWORDS_EN_FILE = "stopwords_en.txt"
STEM_EXCEPTIONS_AR_FILE = "stem_exceptions_ar.txt"
FURNITURE_FILE = "furniture.txt"
_FILES = (GAZETTEER_FILE, STOPWORDS_AR_FILE, STOPWORDS_EN_FILE, STEM_EXCEPTIONS_AR_FILE,
          FURNITURE_FILE)


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

    @classmethod
    def load(cls, config_dir: Path | str = CONFIG_DIR) -> "Resources":
        """Load and validate every resource file of ``config_dir``.

        :raises ConfigError: naming the file and line of the first mistake.
        """
        config_dir = Path(config_dir)
        gazetteer = Gazetteer.load(config_dir / GAZETTEER_FILE)
        stop_ar = check_word_list(config_dir / STOPWORDS_AR_FILE,
                                  read_lines(config_dir / STOPWORDS_AR_FILE), normalize_arabic)
        stop_en = check_word_list(config_dir / STOPWORDS_EN_FILE,
                                  read_lines(config_dir / STOPWORDS_EN_FILE), normalize_latin)
        exceptions_path = config_dir / STEM_EXCEPTIONS_AR_FILE
        sections = read_sections(exceptions_path, ("keep", "waw"))
        keep = check_word_list(exceptions_path, sections["keep"], normalize_arabic)
        waw = check_word_list(exceptions_path, sections["waw"], normalize_arabic)
        names = gazetteer.protected_words
        digest = hashlib.sha256(ANALYSIS_VERSION.encode())
        for name in _FILES:
            digest.update(name.encode() + b"\0" + (config_dir / name).read_bytes())
        return cls(
            gazetteer=gazetteer,
            stopwords_ar=stop_ar,
            stopwords_en=stop_en,
            arabic_stemmer=ArabicLightStemmer(protected=names | keep, waw_words=waw),
            fingerprint=digest.hexdigest()[:16],
            furniture=Furniture.load(config_dir / FURNITURE_FILE),
            protected_latin=frozenset(n for n in names if n.isascii()),
        )

    def split(self, word: str, script: str) -> tuple[str, str]:
        """Return (word without clitics, stem) of a normalised word; names are left alone.

        >>> r = Resources.load()
        >>> r.split("الاشتباكات", "ar"), r.split("clashes", "latin")
        (('اشتباكات', 'اشتباك'), ('clashes', 'clash'))
        """
        if script == "ar":
            return self.arabic_stemmer.split(word)
        if word in self.protected_latin:
            return word, word
        return word, stem_english(word)

    def stem(self, word: str, script: str) -> str:
        """Return the stem of a normalised word.

        >>> Resources.load().stem("goris", "latin")
        'goris'
        """
        return self.split(word, script)[1]

    def is_stopword(self, word: str, script: str) -> bool:
        """Tell whether a normalised word is a stop word of its script's language."""
        return word in (self.stopwords_ar if script == "ar" else self.stopwords_en)
