"""Query translation: lookup order, phrases, senses."""

from index.lexicon import Lexicon
from index.glossary import Glossary
from index.normalize import normalize_word
from service.translate import TranslationMatch, Translator, choose_senses


def words(*items):
    return [(normalize_word(w, "ar" if "\u0600" <= w[0] <= "\u06ff" else "latin"),
             "ar" if "\u0600" <= w[0] <= "\u06ff" else "latin") for w in items]


def make(tmp_path, glossary_text, en_ar=None, ar_en=None):
    path = tmp_path / "glossary.txt"
    path.write_text(glossary_text, encoding="utf-8")
    return Translator(Lexicon(en_ar=en_ar or {}, ar_en=ar_en or {}), Glossary.load(path))


def test_glossary_wins_over_the_dictionary(tmp_path):
    translator = make(tmp_path, "shelling = قصف\n", en_ar={("shell",): ("يقشر",)})
    [match] = translator.find(words("shelling"))
    assert (match.source, match.senses) == ("glossary", ("قصف",))


def test_english_is_stemmed_before_lookup(tmp_path):
    translator = make(tmp_path, "clash = اشتباكات\n")
    [match] = translator.find(words("clashes"))
    assert match.senses == ("اشتباكات",) and match.target == "ar"


def test_longest_phrase_wins(tmp_path):
    translator = make(tmp_path, "war = حرب\nprisoners of war = أسرى الحرب\n")
    [match] = translator.find(words("prisoners", "war"))
    assert (match.start, match.end, match.senses) == (0, 2, ("أسرى الحرب",))


def test_arabic_words_translate_to_english(tmp_path):
    translator = make(tmp_path, "blockade = حصار\n")
    [match] = translator.find(words("الحصار"))
    assert (match.target, match.senses) == ("en", ("blockade",))


def test_a_name_breaks_a_phrase(tmp_path):
    translator = make(tmp_path, "prisoners of war = أسرى الحرب\n")
    assert translator.find([words("prisoners")[0], None, words("war")[0]]) == []


def test_dictionary_senses_are_chosen_by_frequency_in_the_index():
    match = TranslationMatch(0, 1, "dictionary", "ar", ("يقشر", "قوقعة", "قصف", "قذائف"))
    counts = {"يقشر": 0, "قوقعة": 1, "قصف": 40, "قذائف": 7}
    assert choose_senses(match, counts.get) == ["قصف", "قذائف"]


def test_glossary_alternatives_are_kept_in_order_when_present():
    match = TranslationMatch(0, 1, "glossary", "ar", ("طائرة مسيرة", "مسيرة", "درون"))
    counts = {"طائرة مسيرة": 3, "مسيرة": 5, "درون": 0}
    assert choose_senses(match, counts.get) == ["طائرة مسيرة", "مسيرة"]
