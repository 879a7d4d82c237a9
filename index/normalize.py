"""Orthographic normalisation of single words: pure ``str -> str`` functions.

Each function does one thing; ``ARABIC_STEPS`` and ``LATIN_STEPS`` give the order.
They run on token text inside the analysis chain (after tokenisation), so the
token's character offsets still point at the word as written.

The Arabic rules follow Lucene's ``ArabicNormalizer`` (the normaliser inside
Elasticsearch's ``arabic`` analyzer): alef forms to bare alef, alef maksura to yeh,
teh marbuta to heh, tatweel and harakat removed. Fahras differs on purpose where
news spelling needs it:

* NFKC first, so presentation forms and ligatures (ﻻ, ﻷ) become plain letters;
  Lucene leaves them to a separate filter.
* Every combining Arabic mark is removed, not only fathatan..sukun: superscript
  alef (U+0670) and Quranic signs also appear in scraped text.
* ؤ -> و and ئ -> ي: the press writes both مسؤول and مسئول, هيئة and هيأة.
  Bare hamza (ء) stays.
* Persian and Urdu letters (ی ک ۀ) fold to their Arabic forms, because names
  copied from Persian sources (GeoNames) carry them.
* Arabic-Indic and Persian digits fold to ASCII digits, so ٢٠٢٠ matches 2020.

pyarabic's ``normalize_hamza`` and ``normalize_alef`` are not used: the first turns
أ into ء, the second turns ى into ا, neither of which the press does.
"""

import re
import unicodedata
from functools import lru_cache

from index import chars
from index.tokens import iter_words

_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_TABLE = str.maketrans(chars.PERSIAN_TO_ARABIC)
_TATWEEL_TABLE = str.maketrans({chars.TATWEEL: None})
_MARKS_TABLE = str.maketrans({m: None for m in chars.MARKS})
_ALEF_TABLE = str.maketrans({a: chars.ALEF for a in chars.ALEF_FORMS})
_DIGIT_TABLE = str.maketrans(
    {d: str(i) for i, d in enumerate(chars.ARABIC_INDIC_DIGITS)}
    | {d: str(i) for i, d in enumerate(chars.PERSIAN_DIGITS)}
)


def fold_presentation_forms(word: str) -> str:
    """Replace Arabic presentation forms and ligatures by plain letters (NFKC).

    >>> fold_presentation_forms("\ufefb") == "لا"
    True
    """
    if _PRESENTATION_FORM.search(word):
        return unicodedata.normalize("NFKC", word)
    return unicodedata.normalize("NFC", word)


def fold_persian_letters(word: str) -> str:
    """Map Persian and Urdu letter forms to Arabic ones.

    >>> fold_persian_letters("خانکندی")
    'خانكندي'
    """
    return word.translate(_PERSIAN_TABLE)


def strip_tatweel(word: str) -> str:
    """Remove tatweel (kashida), the letter-stretching stroke.

    >>> strip_tatweel("أذربيـــجان")
    'أذربيجان'
    """
    return word.translate(_TATWEEL_TABLE)


def strip_harakat(word: str) -> str:
    """Remove short vowels, tanween, shadda, sukun, superscript alef and other marks.

    >>> strip_harakat("مُعَدّة")
    'معدة'
    """
    return word.translate(_MARKS_TABLE)


def fold_alef(word: str) -> str:
    """Fold alef with hamza above or below, alef madda and alef wasla to bare alef.

    >>> fold_alef("آرتساخ"), fold_alef("إيريفان")
    ('ارتساخ', 'ايريفان')
    """
    return word.translate(_ALEF_TABLE)


def fold_waw_hamza(word: str) -> str:
    """Fold waw with hamza to waw (مسؤول, مسوول and مسئول are one word).

    >>> fold_waw_hamza("مسؤول")
    'مسوول'
    """
    return word.replace(chars.WAW_HAMZA, chars.WAW)


def fold_yeh_hamza(word: str) -> str:
    """Fold yeh with hamza to yeh.

    >>> fold_yeh_hamza("هيئة")
    'هيية'
    """
    return word.replace(chars.YEH_HAMZA, chars.YEH)


def fold_alef_maksura(word: str) -> str:
    """Fold alef maksura (dotless yeh) to yeh: the press writes إلى and الي alike.

    >>> fold_alef_maksura("موسى")
    'موسي'
    """
    return word.replace(chars.DOTLESS_YEH, chars.YEH)


def fold_teh_marbuta(word: str) -> str:
    """Fold teh marbuta to heh (قرة باغ and قره باغ).

    >>> fold_teh_marbuta("قرة")
    'قره'
    """
    return word.replace(chars.TEH_MARBUTA, chars.HEH)


def fold_digits(word: str) -> str:
    """Replace Arabic-Indic and Persian digits by ASCII digits.

    >>> fold_digits("٢٠٢٠")
    '2020'
    """
    return word.translate(_DIGIT_TABLE)


# Order matters: NFKC first, since it turns ligatures into letters and marks that
# the later steps fold; Persian letters before the yeh and heh folds they feed;
# marks are stripped before alef folding so that alef + combining hamza (composed
# by NFC into أ) and a bare alef carrying harakat both end as ا.
ARABIC_STEPS = (
    fold_presentation_forms,
    fold_persian_letters,
    strip_tatweel,
    strip_harakat,
    fold_alef,
    fold_waw_hamza,
    fold_yeh_hamza,
    fold_alef_maksura,
    fold_teh_marbuta,
    fold_digits,
)


#: The Arabic blocks (Arabic, Supplement, Extended-A, presentation forms): every
#: character an Arabic word can hold (``index.chars.ARABIC_WORD_CLASS``) is here.
_ARABIC_BLOCKS = (range(0x0600, 0x0900), range(0xFB50, 0xFF00))


def _composed(steps) -> dict[int, str]:
    """One ``str.translate`` table doing ``steps`` in order, each of which maps or
    drops single characters: every character of the Arabic blocks put through all."""
    table = {}
    for code in (c for block in _ARABIC_BLOCKS for c in block):
        out = chr(code)
        for step in steps:
            out = step(out)
        if out != chr(code):
            table[code] = out
    return table


#: ``ARABIC_STEPS`` after the first as one table (``tests/test_normalize.py`` holds
#: it to the steps one by one).
_ARABIC_TABLE = _composed(ARABIC_STEPS[1:])


def normalize_arabic(word: str) -> str:
    """Apply every Arabic orthographic rule, in ``ARABIC_STEPS`` order: the first
    (Unicode normalisation), then the others, which map or drop single characters,
    in one ``str.translate``.

    >>> normalize_arabic("الأَذْرِيّة")
    'الاذريه'
    """
    return fold_presentation_forms(word).translate(_ARABIC_TABLE)


_LATIN_SPECIAL = str.maketrans({
    "ə": "e", "Ə": "e", "ǝ": "e", "ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ħ": "h", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe",
    "Œ": "oe", "þ": "th", "ð": "d",
})
# Apostrophes and modifier letters used in transliteration (Stepʻanakert, Ag'dam).
_APOSTROPHES = "'’ʼʻʹ`´"
_APOSTROPHE_TABLE = str.maketrans({a: None for a in _APOSTROPHES})


def strip_possessive(word: str) -> str:
    """Remove an English possessive ending ('s), so Armenia's matches Armenia.

    >>> strip_possessive("Armenia’s")
    'Armenia'
    """
    if len(word) > 2 and word[-1] in "sS" and word[-2] in _APOSTROPHES:
        return word[:-2]
    return word


def strip_latin_diacritics(word: str) -> str:
    """Remove diacritics and fold letters without a decomposition (ə, ı, ø).

    >>> strip_latin_diacritics("Laçın"), strip_latin_diacritics("Xankəndi")
    ('Lacin', 'Xankendi')
    """
    decomposed = unicodedata.normalize("NFKD", word.translate(_LATIN_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strip_apostrophes(word: str) -> str:
    """Remove apostrophes inside transliterated names.

    >>> strip_apostrophes("Stepʻanakert")
    'Stepanakert'
    """
    return word.translate(_APOSTROPHE_TABLE)


def casefold(word: str) -> str:
    """Case-fold (lowercase, with the Unicode special cases).

    >>> casefold("KARABAKH")
    'karabakh'
    """
    return word.casefold()


LATIN_STEPS = (strip_possessive, strip_latin_diacritics, strip_apostrophes, casefold)


def normalize_latin(word: str) -> str:
    """Apply every rule for non-Arabic words, in ``LATIN_STEPS`` order.

    >>> normalize_latin("Laçın's")
    'lacin'
    """
    for step in LATIN_STEPS:
        word = step(word)
    return word


@lru_cache(maxsize=1 << 16)
def normalize_word(surface: str, script: str) -> str:
    """Normalise one word by its script (``ar`` or ``latin``, as the tokenizer tags it).

    Memoised: news text is Zipfian, most words repeat.

    >>> normalize_word("أرْمينيا", "ar"), normalize_word("Şuşa", "latin")
    ('ارمينيا', 'susa')
    """
    return normalize_arabic(surface) if script == "ar" else normalize_latin(surface)


def normalize_text(text: str) -> list[str]:
    """Split a text into words and normalise each one.

    >>> normalize_text("ناغورنو-قرة باغ")
    ['ناغورنو', 'قره', 'باغ']
    """
    return [normalize_word(w.surface, w.script) for w in iter_words(text)]
