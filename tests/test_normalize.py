"""One test per character class of the orthographic rules, plus properties."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import chars
from index.normalize import (
    ARABIC_STEPS, fold_alef, fold_alef_maksura, fold_digits, fold_persian_letters,
    fold_presentation_forms, fold_teh_marbuta, fold_waw_hamza, fold_yeh_hamza,
    normalize_arabic, normalize_latin, strip_harakat, strip_tatweel,
)


def check(function, raw, expected):
    assert function(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("أرمينيا", "ارمينيا"),      # alef with hamza above
    ("إيريفان", "ايريفان"),      # alef with hamza below
    ("آرتساخ", "ارتساخ"),        # alef with madda
    ("ٱلحرب", "الحرب"),          # alef wasla
])
def test_fold_alef_forms_to_bare_alef(raw, expected):
    check(fold_alef, raw, expected)


def test_fold_alef_keeps_bare_hamza():
    check(fold_alef, "جزء", "جزء")


def test_fold_alef_maksura_to_yeh():
    check(fold_alef_maksura, "إلى", "إلي")


def test_fold_teh_marbuta_to_heh():
    check(fold_teh_marbuta, "قرة باغ", "قره باغ")


def test_fold_waw_hamza_to_waw():
    check(fold_waw_hamza, "مسؤول", "مسوول")


def test_fold_yeh_hamza_to_yeh():
    check(fold_yeh_hamza, "مسئول", "مسيول")


@pytest.mark.parametrize(("raw", "expected"), [
    ("مُعَدّة", "معدة"),          # damma, fatha, shadda
    ("جنديًا", "جنديا"),          # fathatan (tanween)
    ("أبلغْ", "أبلغ"),            # sukun
    ("هٰذا", "هذا"),              # superscript alef U+0670
    ("كتابٌ", "كتاب"),            # dammatan
])
def test_strip_harakat(raw, expected):
    check(strip_harakat, raw, expected)


def test_strip_tatweel():
    check(strip_tatweel, "أذربيـــجان", "أذربيجان")


@pytest.mark.parametrize(("raw", "expected"), [
    ("\ufefb", "لا"),             # lam-alef ligature
    ("\ufef7", "لأ"),             # lam-alef with hamza above
    ("\ufe8d\ufedf", "ال"),       # isolated alef, initial lam presentation forms
])
def test_fold_presentation_forms(raw, expected):
    check(fold_presentation_forms, raw, expected)


def test_fold_presentation_forms_composes_combining_hamza():
    assert fold_presentation_forms("ا\u0654") == "أ"


@pytest.mark.parametrize(("raw", "expected"), [
    ("خانکندی", "خانكندي"),      # keheh, farsi yeh
    ("ۀ", "ه"),                   # heh with yeh above
])
def test_fold_persian_letters(raw, expected):
    check(fold_persian_letters, raw, expected)


@pytest.mark.parametrize(("raw", "expected"), [
    ("٢٠٢٠", "2020"),             # Arabic-Indic
    ("۱۹۹۴", "1994"),             # Persian
])
def test_fold_digits(raw, expected):
    check(fold_digits, raw, expected)


@pytest.mark.parametrize(("raw", "expected"), [
    ("الأَذْرِيّة", "الاذريه"),
    ("أذربيـجان", "اذربيجان"),
    ("اذربيجان", "اذربيجان"),
    ("قرة", "قره"),
    ("٢٠٢٠", "2020"),
])
def test_normalize_arabic_applies_every_step(raw, expected):
    check(normalize_arabic, raw, expected)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Laçın", "lacin"),
    ("Xankəndi", "xankendi"),
    ("Stepʻanakert", "stepanakert"),
    ("Ag'dam", "agdam"),
    ("Şuşa", "susa"),
    ("Lac\u0327in", "lacin"),      # combining cedilla
    ("Armenia's", "armenia"),
    ("ＫＡＲＡＢＡＫＨ", "karabakh"),  # full-width
])
def test_normalize_latin(raw, expected):
    check(normalize_latin, raw, expected)


def test_pyarabic_hamza_and_alef_rules_are_not_used():
    # pyarabic's normalize_hamza turns أ into ء and normalize_alef turns ى into ا.
    assert normalize_arabic("أ") == "ا"
    assert normalize_arabic("ى") == "ي"


arabic_text = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
                      | st.sampled_from(list(chars.MARKS) + [chars.TATWEEL]), max_size=30)


@given(arabic_text)
def test_normalize_arabic_is_idempotent(word):
    once = normalize_arabic(word)
    assert normalize_arabic(once) == once


@given(arabic_text)
def test_no_harakat_or_tatweel_survive(word):
    out = normalize_arabic(word)
    assert not set(out) & (chars.MARKS | {chars.TATWEEL})


@given(st.text(alphabet=st.characters(max_codepoint=0x05FF, exclude_categories=("Cs",))))
def test_text_without_arabic_is_unchanged_by_arabic_steps(text):
    text = unicodedata.normalize("NFC", text)
    for step in ARABIC_STEPS[1:]:
        assert step(text) == text


@given(arabic_text)
def test_normalize_arabic_never_lengthens_text_without_ligatures(word):
    assert len(normalize_arabic(word)) <= len(unicodedata.normalize("NFC", word))


@given(st.text())
def test_normalizers_never_raise(text):
    normalize_arabic(text)
    normalize_latin(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
                                  st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
                                  st.sampled_from("aé 0٣۴")), max_size=20))
def test_one_table_does_what_the_steps_do_one_by_one(word):
    expected = word
    for step in ARABIC_STEPS:
        expected = step(expected)
    assert normalize_arabic(word) == expected


def test_the_table_covers_every_character_an_arabic_word_can_hold():
    import re

    word_char = re.compile(f"[{chars.ARABIC_WORD_CLASS}]")
    for code in range(0x110000):
        char = chr(code)
        if word_char.match(char):
            expected = char
            for step in ARABIC_STEPS:
                expected = step(expected)
            assert normalize_arabic(char) == expected, hex(code)
