"""GET /api/suggest and "did you mean"."""

from tests.support import assert_error_envelope
from tests.support import search

#: run once per engine (tests/conftest.py)
PER_ENGINE = True


def suggestions(client, q):
    response = client.get("/api/suggest", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()["suggestions"]


def test_a_latin_prefix_offers_the_entity_and_its_arabic_name(client):
    [first, *_] = suggestions(client, "Step")
    assert first["entity"]["key"] == "stepanakert" and first["text"] == "Stepanakert"
    assert "ستيباناكيرت" in first["also"]


def test_a_prefix_without_hamza_finds_the_hamza_spelling(client):
    keys = [s["entity"]["key"] for s in suggestions(client, "اذرب") if s["kind"] == "entity"]
    assert "azerbaijan" in keys


def test_words_from_the_index_are_suggested_by_frequency(client):
    words = [s for s in suggestions(client, "اشتب") if s["kind"] == "word"]
    assert words and words[0]["text"].startswith("اشتباك")
    assert words == sorted(words, key=lambda s: -s["documents"])


def test_titles_are_suggested(client):
    titles = [s for s in suggestions(client, "Shelling") if s["kind"] == "title"]
    assert titles[0]["id"] == "fx-en-stepanakert"


def test_suggest_without_q_gets_400(client):
    assert_error_envelope(client.get("/api/suggest"), 400)


def test_did_you_mean_fixes_a_confused_letter(client):
    body = search(client, q="الذخيره")           # ذ
    assert body["query"]["did_you_mean"] is None  # found: no correction
    wrong = search(client, q="الزخيرة")           # ز for ذ
    assert wrong["total"] == 0 and wrong["query"]["did_you_mean"] == "الذخيره"


def test_did_you_mean_fixes_a_typo_by_edit_distance(client):
    body = search(client, q="اشتباكت")
    assert body["total"] == 0 and body["query"]["did_you_mean"] == "اشتباكات"


def test_did_you_mean_over_several_segments_asks_each_segment(tmp_path, resources, make_app,
                                                              monkeypatch):
    # (Whoosh's corrector over several segments computes the edit distance to every
    # term of the index; a build in two processes leaves two segments.)
    from whoosh.reading import MultiReader

    from index import store
    from index.readers import read_documents
    from index.writer import build_index
    from tests.support import FIXTURES, SEEDS

    build_index(read_documents([SEEDS, FIXTURES]), tmp_path / "ix", resources, procs=2)
    assert len(store.open_index(tmp_path / "ix")._segments()) == 2

    def every_term(*args, **kwargs):
        raise AssertionError("edit distance to every term of the index")

    monkeypatch.setattr(MultiReader, "terms_within", every_term)
    client = make_app(INDEX_DIR=str(tmp_path / "ix")).test_client()
    body = search(client, q="اشتباكت")
    assert body["total"] == 0 and body["query"]["did_you_mean"] == "اشتباكات"
    assert search(client, q="الزخيرة")["query"]["did_you_mean"] == "الذخيره"
