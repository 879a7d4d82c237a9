"""The curated English–Arabic glossary of news and conflict vocabulary (``config/glossary.txt``).

One entry a line, ``english | alternatives = arabic | alternatives``; the first item
of each side is the preferred translation. The glossary wins over the FreeDict
dictionaries: it covers what they lack (peacekeepers) or get wrong for news (shell
→ يقشر). Both directions come from the same line. Entries are keyed like the
dictionaries (``index.lexicon.text_key``), so inflected query words find them.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from index.lexicon import FUNCTION_WORDS, text_key
from index.normalize import normalize_text
from index.stemmer import proclitic_candidates
from index.tokens import iter_words
from index.wordlists import ConfigError, read_lines


@dataclass(frozen=True)
class GlossaryEntry:
    """One line: English and Arabic alternatives, preferred first."""

    english: tuple[str, ...]
    arabic: tuple[str, ...]
    line: int


@dataclass
class Glossary:
    """Glossary entries by key, in both directions."""

    entries: list[GlossaryEntry] = field(default_factory=list)
    digest: str = "none"
    #: Words left out of keys: the stop words (queries lose them before lookup).
    skip: frozenset[str] = FUNCTION_WORDS
    en_ar: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    ar_en: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: Same-language alternatives of an entry (truce for ceasefire, خرق for انتهاك).
    synonyms: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: The normalised Arabic phrases of each key, as written in the glossary.
    arabic_forms: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for source, targets, table in ((entry.english, entry.arabic, self.en_ar),
                                           (entry.arabic, entry.english, self.ar_en)):
                for phrase in source:
                    key = text_key(phrase, self.skip)
                    _merge(table, key, targets)
                    _merge(self.synonyms, key,
                           [p for p in source if text_key(p, self.skip) != key])
            for phrase in entry.arabic:
                key = text_key(phrase, self.skip)
                form = " ".join(w for w in normalize_text(phrase) if w not in self.skip)
                self.arabic_forms[key] = self.arabic_forms.get(key, frozenset()) | {form}

    def is_listed(self, words: list[str], key: tuple[str, ...]) -> bool:
        """Tell whether normalised Arabic words are an entry's phrase as written (clitics
        aside), not only a word that shares its stem (مُعَدّة is not معدات)."""
        forms = self.arabic_forms.get(key, frozenset())
        rest = " ".join(words[1:])
        return any((f"{first} {rest}" if rest else first) in forms
                   for first in proclitic_candidates(words[0]))

    @classmethod
    def load(cls, path: Path | str, stopwords: frozenset[str] = FUNCTION_WORDS) -> "Glossary":
        """Read and validate a glossary file; ``stopwords`` are left out of keys.

        :raises ConfigError: for a line without exactly one ``=``, an empty side or
            alternative, a side in the wrong script, or a phrase with no words.
        """
        path = Path(path)
        entries = []
        for number, line in read_lines(path):
            if line.count("=") != 1:
                raise ConfigError(path, number, "expected 'english = arabic' with one '='")
            left, right = (side.strip() for side in line.split("="))
            english = _alternatives(path, number, left, "latin", "English")
            arabic = _alternatives(path, number, right, "ar", "Arabic")
            entries.append(GlossaryEntry(english, arabic, number))
        return cls(entries, hashlib.sha256(path.read_bytes()).hexdigest()[:16],
                   FUNCTION_WORDS | stopwords)

    @property
    def words(self) -> set[str]:
        """Keys of the single words the glossary knows (they are not names)."""
        return {key[0] for table in (self.en_ar, self.ar_en) for key in table if len(key) == 1}


def _merge(table: dict, key: tuple[str, ...], items) -> None:
    merged = list(table.get(key, ()))
    merged.extend(i for i in items if i not in merged)
    table[key] = tuple(merged)


def _alternatives(path: Path, number: int, side: str, script: str, language: str
                  ) -> tuple[str, ...]:
    items = tuple(item.strip() for item in side.split("|"))
    if not side or any(not item for item in items):
        raise ConfigError(path, number, f"empty {language} alternative (stray '|'?)")
    for item in items:
        words = list(iter_words(item))
        if not words:
            raise ConfigError(path, number, f"{item!r} has no words")
        if any(word.script != script for word in words):
            raise ConfigError(path, number, f"{item!r} is not all {language}: the English "
                              "side comes first, then '=', then the Arabic side")
        if not text_key(item):
            raise ConfigError(path, number, f"{item!r} has only function words")
    return items
