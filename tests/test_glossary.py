"""The glossary: file:line errors, both directions, synonyms."""

import pytest

from tests.support import ROOT
from index.glossary import Glossary
from index.lexicon import text_key
from index.wordlists import ConfigError


def load(tmp_path, text):
    path = tmp_path / "glossary.txt"
    path.write_text(text, encoding="utf-8")
    return Glossary.load(path)


def test_the_project_glossary_has_150_entries_or_more():
    assert len(Glossary.load(ROOT / "config" / "glossary.txt").entries) >= 150


def test_one_line_serves_both_directions(tmp_path):
    glossary = load(tmp_path, "peacekeepers | peacekeeper = قوات حفظ السلام | حفظ السلام\n")
    assert glossary.en_ar[text_key("peacekeeper")] == ("قوات حفظ السلام", "حفظ السلام")
    assert glossary.ar_en[text_key("قوات حفظ السلام")] == ("peacekeepers", "peacekeeper")


def test_same_side_alternatives_are_synonyms(tmp_path):
    glossary = load(tmp_path, "violation | breach = انتهاك | خرق\n")
    assert glossary.synonyms[text_key("خرق")] == ("انتهاك",)
    assert glossary.synonyms[text_key("breach")] == ("violation",)


def test_listed_forms_are_told_from_stem_collisions(tmp_path):
    glossary = load(tmp_path, "military equipment = معدات عسكرية | معدات\n")
    key = text_key("معدات")
    assert glossary.is_listed(["المعدات"], key)
    assert not glossary.is_listed(["معده"], key)      # مُعَدّة shares the stem only


def test_stop_words_are_left_out_of_keys(tmp_path):
    path = tmp_path / "glossary.txt"
    path.write_text("NGO = منظمة غير حكومية\n", encoding="utf-8")
    glossary = Glossary.load(path, stopwords=frozenset({"غير"}))
    assert glossary.ar_en[text_key("منظمة حكومية")] == ("NGO",)


@pytest.mark.parametrize(("text", "message"), [
    ("truce\n", "glossary.txt:1: expected 'english = arabic'"),
    ("a = b = ج\n", "glossary.txt:1: expected 'english = arabic'"),
    ("truce = \n", "glossary.txt:1: empty Arabic alternative"),
    ("truce | = هدنة\n", "glossary.txt:1: empty English alternative"),
    ("# c\n\nهدنة = truce\n", "glossary.txt:3: 'هدنة' is not all English"),
    ("the = هدنة\n", "glossary.txt:1: 'the' has only function words"),
])
def test_mistakes_are_reported_with_file_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        load(tmp_path, text)
