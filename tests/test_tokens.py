"""The tokenizer: Arabic words whole, Latin words with diacritics, numbers, offsets."""

from hypothesis import given
from hypothesis import strategies as st

from index.tokens import MAX_WORD_LENGTH, iter_words


def surfaces(text):
    return [w.surface for w in iter_words(text)]


def test_haraka_inside_a_word_does_not_split_it():
    assert surfaces("عملية مُعَدّة بعناية") == ["عملية", "مُعَدّة", "بعناية"]


def test_tatweel_inside_a_word_does_not_split_it():
    assert surfaces("أذربيـــجان") == ["أذربيـــجان"]


def test_latin_words_keep_their_diacritics():
    assert surfaces("Laçın and Xankəndi") == ["Laçın", "and", "Xankəndi"]


def test_hyphen_separates_words_like_a_space():
    assert surfaces("Nagorno-Karabakh") == surfaces("Nagorno Karabakh")
    assert surfaces("ناغورنو-قرة باغ") == ["ناغورنو", "قرة", "باغ"]


def test_numbers_are_words_in_both_digit_systems():
    assert surfaces("عام 2020 و٢٠٢٠") == ["عام", "2020", "و٢٠٢٠"]


def test_arabic_punctuation_ends_a_word():
    assert surfaces("باكو، يريفان؛ موسكو؟") == ["باكو", "يريفان", "موسكو"]


def test_latin_word_inside_arabic_text_is_its_own_word():
    words = list(iter_words("في منطقة Lacin التي"))
    assert [(w.surface, w.script) for w in words] == [
        ("في", "ar"), ("منطقة", "ar"), ("Lacin", "latin"), ("التي", "ar")]


def test_inner_apostrophe_and_dot_stay_inside_latin_words():
    assert surfaces("Ag'dam News.am") == ["Ag'dam", "News.am"]


def test_overlong_words_are_skipped():
    assert surfaces("x" * (MAX_WORD_LENGTH + 1) + " كاراباخ") == ["كاراباخ"]


@given(st.text())
def test_offsets_slice_the_original_text(text):
    last = 0
    for word in iter_words(text):
        assert 0 <= word.start < word.end <= len(text)
        assert text[word.start:word.end] == word.surface
        assert word.start >= last
        last = word.end
