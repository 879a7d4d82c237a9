"""Bilingual lookup tables built once from the FreeDict dictionaries, and the word keys.

``Lexicon.build(dictionary_dir)`` reads ``freedict-eng-ara`` and ``freedict-ara-eng``
(Debian packages ``dict-freedict-eng-ara`` and ``dict-freedict-ara-eng``, GPL-2+)
and makes two tables from *word keys* (below) to senses, plus the set of known
words of both languages; ``save``/``load`` keep them as one pickle (built by
``python -m index lexicon`` at set-up, a fraction of a second to load), so nothing is
parsed per request or at each start.

A word key is the normalised word, light-stemmed by the stemmers with no
configuration (no protected names, no exception lists), so the tables do not depend
on ``config/`` and query words find dictionary headwords across inflection
(``clashes`` and ``clash``, ``الاشتباكات`` and ``اشتباك``). A small fixed list of
function words is left out of keys (``prisoners of war`` → ``prison war``); it is a
subset of both stop-word lists, so query words (stop words removed) meet the same keys.

``known`` holds the keys of every single word the dictionaries know, on either
side; a word outside it looks like a name (``index.translit``).
"""

import hashlib
import logging
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.dictd import read_dictd
from index.normalize import normalize_word
from index.stemmer import plain_stem, stem_english
from index.tokens import iter_words

log = logging.getLogger(__name__)

LEXICON_VERSION = "1"
DICTIONARY_DIR = Path("/usr/share/dictd")
LEXICON_PATH = Path(__file__).resolve().parent.parent / "var" / "lexicon.pickle"
_LOADED: dict[str, "Lexicon"] = {}
EN_AR = "freedict-eng-ara"
AR_EN = "freedict-ara-eng"
#: Function words left out of keys: in both stop-word lists of config/.
FUNCTION_WORDS = frozenset("a an the of to in on at for by with from and or".split()
                           + "في من علي الي عن مع و ب ل".split())


@lru_cache(maxsize=1 << 16)
def word_key(norm: str, script: str) -> str:
    """The key of one normalised word: its stem by the unconfigured stemmers.

    >>> word_key("الاشتباكات", "ar"), word_key("clashes", "latin")
    ('اشتباك', 'clash')
    """
    return plain_stem(norm) if script == "ar" else stem_english(norm)


def text_key(text: str, skip: frozenset[str] = FUNCTION_WORDS) -> tuple[str, ...]:
    """The key of a word or phrase: word keys, function words (``skip``) left out.

    >>> text_key("Prisoners of War"), text_key("وقف إطلاق النار")
    (('prison', 'war'), ('وقف', 'اطلاق', 'نار'))
    """
    out = []
    for word in iter_words(text):
        norm = normalize_word(word.surface, word.script)
        if norm not in skip:
            out.append(word_key(norm, word.script))
    return tuple(out)


@dataclass
class Lexicon:
    """Dictionary senses by key, both directions, and the keys of known words."""

    en_ar: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    ar_en: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    known: frozenset[str] = frozenset()
    digest: str = "none"

    @classmethod
    def build(cls, dictionary_dir: Path | str = DICTIONARY_DIR) -> "Lexicon":
        """Read both dictionaries of ``dictionary_dir``.

        :raises FileNotFoundError: when a dictionary is not installed.
        """
        directory = Path(dictionary_dir)
        digest = hashlib.sha256(LEXICON_VERSION.encode())
        tables = {}
        known: set[str] = set()
        for name in (EN_AR, AR_EN):
            index_path, dict_path = directory / f"{name}.index", directory / f"{name}.dict.dz"
            digest.update(index_path.read_bytes() + dict_path.read_bytes())
            tables[name] = _table(read_dictd(index_path, dict_path), known)
        return cls(tables[EN_AR], tables[AR_EN], frozenset(known), digest.hexdigest()[:16])

    @classmethod
    def load_or_build(cls, cache: Path | str = LEXICON_PATH,
                      dictionary_dir: Path | str = DICTIONARY_DIR) -> "Lexicon":
        """Load the prebuilt lexicon, building (and saving) it when missing or outdated.

        Once loaded, a lexicon is kept for the process (``shared``). Without the
        dictionaries installed, an empty lexicon is returned (and a warning logged):
        translation then comes from the glossary alone.
        """
        cache = Path(cache)
        if str(cache) in _LOADED:
            return _LOADED[str(cache)]
        lexicon = None
        if cache.exists():
            try:
                lexicon = cls.load(cache)
            except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError):
                log.warning("rebuilding the unreadable or outdated lexicon cache %s", cache)
        if lexicon is None:
            try:
                lexicon = cls.build(dictionary_dir)
                lexicon.save(cache)
            except FileNotFoundError as error:
                log.warning("no bilingual dictionaries (%s); install dict-freedict-eng-ara "
                            "and dict-freedict-ara-eng (scripts/setup does)", error)
                lexicon = cls()
        _LOADED[str(cache)] = lexicon
        return lexicon

    @classmethod
    def shared(cls, digest: str) -> "Lexicon":
        """A lexicon with this digest that the process loaded, else the default one."""
        for lexicon in _LOADED.values():
            if lexicon.digest == digest:
                return lexicon
        return cls.load_or_build()

    def save(self, path: Path | str) -> None:
        """Write the lexicon as one pickle (atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            pickle.dump((LEXICON_VERSION, self.en_ar, self.ar_en, self.known, self.digest),
                        handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> "Lexicon":
        """Read a lexicon written by ``save``.

        :raises ValueError: when it was written by another version of this code.
        """
        with open(path, "rb") as handle:
            version, en_ar, ar_en, known, digest = pickle.load(handle)
        if version != LEXICON_VERSION:
            raise ValueError(f"lexicon version {version}, expected {LEXICON_VERSION}")
        return cls(en_ar, ar_en, known, digest)


def _table(entries: Iterable[tuple[str, list[str]]], known: set[str]
           ) -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], list[str]] = {}
    for headword, senses in entries:
        key = text_key(headword)
        if not key or not senses:
            continue
        merged = table.setdefault(key, [])
        merged.extend(s for s in senses if s not in merged)
        for text in [headword, *senses]:
            key_words = text_key(text)
            if len(key_words) == 1:
                known.add(key_words[0])
    return {key: tuple(senses) for key, senses in table.items()}
