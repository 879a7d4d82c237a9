"""Cross-language search through the API: translations, name keys, own language first."""

from tests.support import ids, search

#: run once per engine (tests/conftest.py)
PER_ENGINE = True


def expansions(body, source):
    return [e for e in body["query"]["expansions"] if e["source"] == source]


def test_english_topic_finds_arabic_articles(client):
    body = search(client, q="peacekeepers")
    assert "004_29f6f012e7cc2442" in ids(body)        # قوات حفظ السلام الروسية
    [glossary] = expansions(body, "glossary")
    assert glossary["language"] == "ar" and "قوات حفظ السلام" in glossary["also"]
    assert 0 < glossary["weight"] < 1


def test_arabic_topic_finds_english_articles(client):
    body = search(client, q="القصف")
    assert "fx-en-stepanakert" in ids(body)            # "Shelling heard in Stepanakert"


def test_documents_in_the_querys_language_come_first(client):
    body = search(client, q="ceasefire")
    languages = [r["lang"] for r in body["results"]]
    assert languages[0] == "en" and "ar" in languages
    assert languages == sorted(languages, key=lambda lang: lang != "en")


def test_translated_words_are_highlighted(client):
    body = search(client, q="peacekeepers")
    arabic = next(r for r in body["results"] if r["id"] == "004_29f6f012e7cc2442")
    assert "<mark>" in arabic["snippet"] and "حفظ" in arabic["snippet"]


def test_name_outside_the_gazetteer_matches_across_scripts(client):
    body = search(client, q="Bayraktar")
    assert "003_4e59279048276d62" in ids(body)          # بيرقدار تي بي 2
    [phonetic] = expansions(body, "phonetic")
    assert "%aBRKTR" in phonetic["also"]
    seed = next(r for r in body["results"] if r["id"] == "003_4e59279048276d62")
    assert "<mark>بيرقدار</mark>" in seed["snippet"]


def test_names_do_not_pull_in_common_words(client):
    assert "fx-trap-feet" not in ids(search(client, q="Aghdam"))       # أقدام
    assert "fx-trap-lashin" not in ids(search(client, q="Lachin"))     # لاشين


def test_a_latin_name_query_has_no_language_to_prefer(client):
    assert search(client, q="Stepanakert")["query"]["language_first"] is None
    assert search(client, q="ceasefire")["query"]["language_first"] == "en"
    assert search(client, q="لاسين")["query"]["language_first"] == "ar"


def test_analyze_shows_translations_and_name_keys(client):
    body = client.get("/api/analyze", query_string={"text": "ceasefire Bayraktar"}).get_json()
    [translation] = body["translations"]
    assert translation["words"] == "ceasefire" and translation["source"] == "glossary"
    assert "وقف إطلاق النار" in translation["senses"]
    bayraktar = body["tokens"][1]
    assert bayraktar["name_keys"] == ["%lBRKTR"]


def test_an_expansion_can_be_removed(client):
    body = search(client, q="Stepanakert")
    [expansion] = [e for e in body["query"]["expansions"] if e["source"] == "gazetteer"]
    assert expansion["id"] == "gazetteer:stepanakert"
    without = search(client, q="Stepanakert", without=expansion["id"])
    assert "002_d16953ad185bce75" in ids(body)
    assert "002_d16953ad185bce75" not in ids(without)       # only خانكيندي / ستيباناكيرت there
    assert without["query"]["filters"]["without"] == ["gazetteer:stepanakert"]


def test_a_translation_can_be_removed(client):
    body = search(client, q="peacekeepers")
    translation = next(e for e in body["query"]["expansions"] if e["language"] == "ar")
    without = search(client, q="peacekeepers", without=translation["id"])
    assert "004_29f6f012e7cc2442" in ids(body) and "004_29f6f012e7cc2442" not in ids(without)
