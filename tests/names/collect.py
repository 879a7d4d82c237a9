# SPDX-License-Identifier: GPL-3.0-or-later
"""Count, for each name of ``names.tsv``, the real-news articles that hold each of its spellings.

``python -m tests.names.collect`` reads the names and the two corpora and prints one line per
spelling with the number of articles holding it; it exits 1 with ``names.tsv:LINE: message``
when a listed spelling is found in fewer than ``MIN_ARTICLES`` articles.

The judging is deliberately independent of the system it judges: the normaliser and the
matcher below are small and written here, not imported from ``index``. A spelling matches a
whole token of the title or body after normalisation, with the Arabic proclitics و ف, ب ل ك
and the article ال (and their combinations: وال, بال, فلل, ...) allowed before its first word;
a spelling of several words matches those tokens in sequence. The Latin form a reader types
matches too (case-folded whole words), since an article quoting "Trump" in Latin letters is
about him as much as one writing ترامب.
"""

import argparse
import gzip
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

NAMES_DIR = Path(__file__).resolve().parent
NAMES_PATH = NAMES_DIR / "names.tsv"
# The shared corpora sit beside the checkout (../shared/data/corpora); a checkout elsewhere
# names them with FAHRAS_CORPORA_DIR.
CORPORA_DIR = Path(os.environ.get("FAHRAS_CORPORA_DIR")
                   or NAMES_DIR.parents[2] / "shared" / "data" / "corpora")
CORPUS_PATHS = (
    CORPORA_DIR / "ant_corpus" / "ant_corpus.jsonl.gz",
    CORPORA_DIR / "saudinewsnet" / "saudinewsnet.jsonl.gz",
)
HEADER = ("latin", "kind", "region", "arabic", "note")
KINDS = ("person", "place", "org")
MIN_ARTICLES = 5

_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")
_ALEF_RE = re.compile("[\u0622\u0623\u0625\u0671]")
_YEH_RE = re.compile("[\u0649\u06cc]")
_FINAL_TEH_MARBUTA_RE = re.compile("\u0629(?!\\w)")
_WORD_RE = re.compile(r"\w+")
_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")

# Proclitics in the order they stack: a conjunction, a preposition, the article. ل before
# ال is written لل (للموصل), which is why the preposition and article are listed together.
_CONJUNCTIONS = ("", "و", "ف")
_PREFIXES = ("", "ب", "ل", "ك", "ال", "بال", "لل", "كال")


class NamesError(ValueError):
    """A malformed line in names.tsv, reported as ``names.tsv:LINE: message``."""


@dataclass(frozen=True)
class Name:
    """One name: what a reader types, what it is, and the Arabic spellings the press used."""

    latin: str
    kind: str
    region: str
    arabic: tuple[str, ...]
    note: str = ""
    line: int = 0


def strip_marks(text: str) -> str:
    """Remove harakat, the superscript alef and tatweel (U+064B-U+065F, U+0670, U+0640).

    The hamza marks U+0654 and U+0655 are in that range, so a decomposed أ comes out as ا,
    the same as a precomposed one after ``fold_alef``.

    >>> strip_marks("مُحَمَّـد")
    'محمد'
    """
    return _MARKS_RE.sub("", text)


def fold_alef(text: str) -> str:
    """Write alef with hamza above or below, alef madda and alef wasla as bare alef.

    >>> fold_alef("أإآٱ")
    'اااا'
    """
    return _ALEF_RE.sub("\u0627", text)


def fold_yeh(text: str) -> str:
    """Write alef maksura and the Persian yeh as yeh.

    >>> fold_yeh("مصطفى ی")
    'مصطفي ي'
    """
    return _YEH_RE.sub("\u064a", text)


def fold_final_teh_marbuta(text: str) -> str:
    """Write teh marbuta at the end of a word as heh.

    >>> fold_final_teh_marbuta("الحديدة")
    'الحديده'
    """
    return _FINAL_TEH_MARBUTA_RE.sub("\u0647", text)


# The marks go first so that a haraka after a final ة does not hide the word's end.
STEPS = (strip_marks, fold_alef, fold_yeh, fold_final_teh_marbuta, str.casefold)


def normalize(text: str) -> str:
    """Apply ``STEPS`` in order: Arabic orthographic variants folded, Latin case-folded.

    >>> normalize("إنّ المُوصِلَ الجديدةَ ـ أمريكى")
    'ان الموصل الجديده  امريكي'
    >>> normalize("Kim Jong-Un")
    'kim jong-un'
    """
    for step in STEPS:
        text = step(text)
    return text


def tokens(text: str) -> list[str]:
    """Split normalised text into its word tokens.

    >>> tokens("وبالموصل، كيم جونغ-أون")
    ['وبالموصل', 'كيم', 'جونغ', 'اون']
    """
    return _WORD_RE.findall(normalize(text))


def clitic_forms(word: str) -> set[str]:
    """Return the surface forms of a normalised Arabic word with the proclitics it may carry.

    A word written with the article (الموصل) keeps it after a preposition, or as لل after ل.

    >>> sorted(clitic_forms("الموصل"))[:4]
    ['الموصل', 'بالموصل', 'فالموصل', 'فبالموصل']
    >>> "للموصل" in clitic_forms("الموصل") and "لموصل" not in clitic_forms("الموصل")
    True
    >>> len(clitic_forms("ترامب"))
    24
    """
    if not _ARABIC_RE.search(word):
        return {word}
    if word.startswith("ال"):
        core = word[2:]
        return {c + p + core for c in _CONJUNCTIONS for p in ("ال", "بال", "لل", "كال")}
    return {c + p + word for c in _CONJUNCTIONS for p in _PREFIXES}


class Matcher:
    """Find which spellings of which names a text holds, as whole tokens."""

    def __init__(self, names: Sequence[Name], *, latin: bool = True) -> None:
        """Index every spelling (and, with ``latin``, every Latin form) by its first token."""
        self._first: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        for number, name in enumerate(names):
            spellings = list(name.arabic) + ([name.latin] if latin else [])
            for spelling in spellings:
                words = tuple(tokens(spelling))
                for form in clitic_forms(words[0]):
                    self._first.setdefault(form, []).append((number, spelling, words[1:]))

    def spellings_in(self, text: str) -> set[tuple[int, str]]:
        """Return the (name number, spelling) pairs found in text."""
        words = tokens(text)
        found: set[tuple[int, str]] = set()
        for first in self._first.keys() & set(words):
            for number, spelling, rest in self._first[first]:
                if not rest or any(tuple(words[i + 1:i + 1 + len(rest)]) == rest
                                   for i, word in enumerate(words) if word == first):
                    found.add((number, spelling))
        return found


def read_names(path: Path = NAMES_PATH) -> list[Name]:
    """Read names.tsv: a header line, ``#`` comments, tab-separated fields, Arabic split on ``|``.

    :raises NamesError: on a bad header, field count, kind, empty field or repeated name.
    """
    names: list[Name] = []
    seen: set[str] = set()
    header_seen = False
    with path.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = [field.strip() for field in line.split("\t")]
            where = f"{path.name}:{lineno}"
            if not header_seen:
                if tuple(fields) not in (HEADER, HEADER[:4]):
                    raise NamesError(f"{where}: header must be {' '.join(HEADER)}")
                header_seen = True
                continue
            names.append(_parse_name(fields, where, lineno, seen))
    if not header_seen:
        raise NamesError(f"{path.name}: no header line")
    return names


def _parse_name(fields: list[str], where: str, lineno: int, seen: set[str]) -> Name:
    """Check one data line's fields and return its Name."""
    if len(fields) not in (4, 5):
        raise NamesError(f"{where}: expected 4 or 5 tab-separated fields, got {len(fields)}")
    latin, kind, region, arabic, *note = fields
    spellings = tuple(s.strip() for s in arabic.split("|") if s.strip())
    if not latin or not region:
        raise NamesError(f"{where}: latin and region must not be empty")
    if kind not in KINDS:
        raise NamesError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not spellings:
        raise NamesError(f"{where}: {latin}: no Arabic spelling")
    if any(not _ARABIC_RE.search(s) for s in spellings):
        raise NamesError(f"{where}: {latin}: every spelling must be in Arabic script")
    if latin.casefold() in seen:
        raise NamesError(f"{where}: {latin} is listed twice")
    seen.add(latin.casefold())
    return Name(latin, kind, region, spellings, note[0] if note else "", lineno)


def read_corpora(paths: Iterable[Path] = CORPUS_PATHS) -> Iterator[dict[str, str]]:
    """Yield every article of the corpora as a dict with id, title, body and lang.

    :raises FileNotFoundError: naming the corpus file that is missing.
    """
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"corpus file missing: {path} (the shared real-news corpora)")
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                article = json.loads(line)
                yield {"id": article["id"], "title": article["title"] or "",
                       "body": article["body"] or "", "lang": article.get("lang") or "ar"}


def find_spellings(names: Sequence[Name],
                   articles: Iterable[Mapping[str, str]]) -> dict[str, set[tuple[int, str]]]:
    """Return, for each article holding any spelling, the (name number, spelling) pairs it holds."""
    matcher = Matcher(names)
    found: dict[str, set[tuple[int, str]]] = {}
    for article in articles:
        pairs = matcher.spellings_in(article["title"] + "\n" + article["body"])
        if pairs:
            found[article["id"]] = pairs
    return found


def relevant(names: Sequence[Name], articles: Iterable[Mapping[str, str]]) -> dict[str, set[str]]:
    """Return, for each name's Latin form, the ids of the articles holding any of its spellings.

    >>> name = Name("Mosul", "place", "mideast", ("الموصل",))
    >>> found = relevant([name], [{"id": "a", "title": "", "body": "وصلت القوات للموصل"},
    ...                           {"id": "b", "title": "الموصلات", "body": "Mosul"},
    ...                           {"id": "c", "title": "", "body": "موصل"}])
    >>> sorted(found["Mosul"])
    ['a', 'b']
    """
    ids: dict[str, set[str]] = {name.latin: set() for name in names}
    for article_id, pairs in find_spellings(names, articles).items():
        for number, _spelling in pairs:
            ids[names[number].latin].add(article_id)
    return ids


def count_spellings(names: Sequence[Name],
                    articles: Iterable[Mapping[str, str]]) -> dict[tuple[int, str], int]:
    """Return the number of articles holding each (name number, spelling) pair."""
    counts: dict[tuple[int, str], int] = {}
    for pairs in find_spellings(names, articles).values():
        for pair in pairs:
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """Print the article count of every spelling; return 1 if one is under MIN_ARTICLES."""
    parser = argparse.ArgumentParser(prog="python -m tests.names.collect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=Path, default=NAMES_PATH, help="the names file")
    args = parser.parse_args(argv)
    try:
        names = read_names(args.names)
        counts = count_spellings(names, read_corpora())
    except (NamesError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 1
    failures = 0
    for number, name in enumerate(names):
        cells = [f"{s}={counts.get((number, s), 0)}" for s in (*name.arabic, name.latin)]
        print(f"{name.latin}\t{name.kind}\t{name.region}\t" + "  ".join(cells))
        for spelling in name.arabic:
            if counts.get((number, spelling), 0) < MIN_ARTICLES:
                print(f"{args.names.name}:{name.line}: {name.latin}: {spelling} is found in "
                      f"{counts.get((number, spelling), 0)} articles (fewer than {MIN_ARTICLES})",
                      file=sys.stderr)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
