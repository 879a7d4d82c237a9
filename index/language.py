"""Decide whether a text is Arabic or English: by script first, langdetect for longer text.

langdetect alone is unreliable on the short texts people search with (it labels
``Stepanakert`` Indonesian, ``ceasefire`` Romanian, ``Lacin`` Spanish), and its first
call loads its profiles (about 0.4 s), so ``warm_up()`` runs at start-up. It is
seeded once for deterministic answers and only asked to choose between ``ar`` and
``en``.
"""

import re
from typing import NamedTuple

from langdetect import DetectorFactory, LangDetectException, detect_langs

from index.chars import ARABIC_WORD_CLASS

DetectorFactory.seed = 0

_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_WORD_CLASS}]")
#: Below this many letters, or when one script has this share of the letters,
#: the script decides.
MIN_LETTERS_FOR_LANGDETECT = 40
CLEAR_SCRIPT_SHARE = 0.8
_SAMPLE_CHARS = 3000


class LanguageGuess(NamedTuple):
    """A language (``ar`` or ``en``) and how it was decided (``script`` or ``langdetect``)."""

    lang: str
    method: str


def script_counts(text: str) -> tuple[int, int]:
    """Count Arabic-script letters and other letters.

    >>> script_counts("ممر Lachin")
    (3, 6)
    """
    arabic = len(_ARABIC_LETTER_RE.findall(text))
    letters = sum(c.isalpha() for c in text)
    return arabic, letters - arabic


def guess_language(text: str) -> LanguageGuess:
    """Return ``ar`` or ``en`` for a text, with the method that decided.

    >>> guess_language("Stepanakert"), guess_language("خانكيندي")
    (LanguageGuess(lang='en', method='script'), LanguageGuess(lang='ar', method='script'))
    """
    sample = text[:_SAMPLE_CHARS]
    arabic, other = script_counts(sample)
    by_script = "ar" if arabic > other else "en"
    total = arabic + other
    if total < MIN_LETTERS_FOR_LANGDETECT or max(arabic, other) >= CLEAR_SCRIPT_SHARE * total:
        return LanguageGuess(by_script, "script")
    try:
        ranked = [c for c in detect_langs(sample) if c.lang in ("ar", "en")]
    except LangDetectException:
        ranked = []
    if ranked:
        return LanguageGuess(ranked[0].lang, "langdetect")
    return LanguageGuess(by_script, "script")


def detect_document_language(title: str, body: str) -> str:
    """Return the language of an article: langdetect among ar/en, the script when unsure.

    >>> detect_document_language("Clashes near Lachin", "Azerbaijan and Armenia said ...")
    'en'
    """
    sample = f"{title}\n{body}"[:_SAMPLE_CHARS]
    try:
        ranked = [c for c in detect_langs(sample) if c.lang in ("ar", "en")]
    except LangDetectException:
        ranked = []
    if ranked and ranked[0].prob >= 0.5:
        return ranked[0].lang
    return guess_language(sample).lang


def warm_up() -> None:
    """Load langdetect's profiles now rather than on the first request."""
    try:
        detect_langs("warm up")
    except LangDetectException:
        pass
