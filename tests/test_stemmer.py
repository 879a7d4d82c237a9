"""The Arabic light stemmer and the English stemmer, on real news words."""

import pytest

from index.normalize import normalize_arabic
from index.stemmer import ArabicLightStemmer, proclitic_candidates, stem_english


@pytest.fixture(scope="module")
def stemmer(resources):
    return resources.arabic_stemmer


def stem(stemmer, word):
    return stemmer.stem(normalize_arabic(word))


@pytest.mark.parametrize(("word", "bare"), [
    ("لأذربيجان", "أذربيجان"),
    ("بكاراباخ", "كاراباخ"),
    ("والأرمن", "الأرمن"),
    ("ولاتشين", "لاتشين"),
    ("الاشتباكات", "اشتباكات"),
    ("للمدنيين", "المدنيين"),
    ("وبالحرب", "الحرب"),
])
def test_clitic_forms_stem_like_their_bare_forms(stemmer, word, bare):
    assert stem(stemmer, word) == stem(stemmer, bare)


def test_ministry_is_not_stemmed_to_visited(stemmer):
    assert stem(stemmer, "وزارة") != "زار"
    assert stem(stemmer, "وزارة") == stem(stemmer, "الوزارة") == stem(stemmer, "وزارات")


def test_civilians_are_not_stemmed_to_cities(stemmer):
    assert stem(stemmer, "والمدنيين") != stem(stemmer, "المدن")
    assert stem(stemmer, "والمدنيين") == stem(stemmer, "المدنيون") == stem(stemmer, "مدنية")


def test_plural_and_pronoun_suffixes(stemmer):
    assert stem(stemmer, "اشتباكاتها") == stem(stemmer, "الاشتباك")
    assert stem(stemmer, "قواتها") == stem(stemmer, "القوات")


@pytest.mark.parametrize("word", ["كتاب", "لبنان", "بلد", "فرنسا", "إيران"])
def test_radical_first_letters_are_kept(stemmer, word):
    assert stem(stemmer, word) == normalize_arabic(word)


def test_gazetteer_names_are_not_stemmed(stemmer):
    for name in ("أذربيجان", "باشينيان", "يريفان"):
        assert stem(stemmer, name) == normalize_arabic(name)


def test_numbers_are_not_stemmed(stemmer):
    assert stemmer.stem("2020") == "2020"


def test_split_returns_word_without_proclitics_and_stem():
    assert ArabicLightStemmer().split("والاشتباكات") == ("اشتباكات", "اشتباك", None)


@pytest.mark.parametrize(("word", "stem", "exact"), [
    # names the dictionaries do not know, read by the stemmer as ب + a word they know
    ("بوتين", "وتين", ("بوتين",)),
    ("بشير", "شير", ("بشير",)),
    # a real preposition: the name is found without it and as written
    ("وبقفصة", "قفص", ("قفصه", "بقفصه")),
    ("لماكرون", "ماكر", ("ماكرون", "لماكرون")),
])
def test_a_guessed_preposition_keeps_the_word_as_written(word, stem, exact):
    from index.resources import Resources

    info = Resources.load().word_info(word, "ar")
    assert (info.stem, info.exact_forms) == (stem, exact)


def test_proclitic_candidates_longest_first():
    assert proclitic_candidates("لخانكندي") == ["لخانكندي", "خانكندي"]
    assert proclitic_candidates("باكو")[0] == "باكو"


@pytest.mark.parametrize(("word", "expected"), [
    ("clashes", "clash"), ("clash", "clash"), ("violations", "violat"), ("2020", "2020"),
])
def test_stem_english(word, expected):
    assert stem_english(word) == expected


def test_stemmer_survives_pickling(stemmer):
    import pickle

    copy = pickle.loads(pickle.dumps(stemmer))
    assert copy == stemmer
    assert copy.stem("والمدنيين") == stemmer.stem("والمدنيين")
