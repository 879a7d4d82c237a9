"""``index.terms.TermMaker`` makes exactly the terms the two Whoosh chains index.

The build writer indexes ``title``, ``body`` and ``names`` from TermMaker, so these
tests hold it to what ``Positions.word_values`` (text fields) and
``Frequency.word_values`` (``names``) collect from the chains: every term, its
positions, its weight and the field length, on the seed, fixture and evaluation
articles and on random mixed-script text.
"""

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.formats import Frequency, Positions

from index.analysis import names_analyzer
from index.terms import TermMaker
from tests.support import FIXTURES, ROOT, SEEDS


def _articles() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for path in (FIXTURES, ROOT / "tests" / "eval" / "articles.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts += [record["title"], record["body"], f"{record['title']}\n{record['body']}"]
    return texts


ARTICLES = _articles()


def _chain_text(analyzer, text):
    values = {w: (f, wt, v) for w, f, wt, v in Positions().word_values(text, analyzer,
                                                                        mode="index")}
    return values, sum(f for f, _, _ in values.values())


def _fast_text(maker, text):
    terms = maker.text_terms(text)
    return ({w: (len(p), float(len(p)), Positions().encode(p))
             for w, p in terms.positions.items()}, terms.length)


def _chain_names(names, text):
    return {w: f for w, f, _, _ in Frequency().word_values(text, names, mode="index")}


def test_same_terms_positions_and_lengths_as_the_chain_on_articles(resources, analyzer):
    maker = TermMaker(resources)
    names = names_analyzer(resources)
    kinds = set()
    for text in ARTICLES:
        assert _fast_text(maker, text) == _chain_text(analyzer, text)
        assert maker.name_terms(text) == _chain_names(names, text)
        kinds |= {t[0] for t in maker.text_terms(text).positions if t[0] in "=@"}
    assert kinds == {"=", "@"}         # exact forms and entities both occurred


def test_entities_are_the_gazetteer_keys_of_the_text(resources):
    maker = TermMaker(resources)
    terms = maker.text_terms("اشتباكات في ستيباناكيرت ولاتشين")
    assert terms.entities == {"stepanakert", "lachin"}
    assert terms.positions["@stepanakert"] == [2] and terms.positions["@lachin"] == [3]


def test_a_name_repeated_has_each_position_once_and_in_order(resources):
    terms = TermMaker(resources).text_terms("لاتشين ثم ممر لاتشين ثم لاتشين")
    assert terms.positions["@lachin"] == [0, 3, 5]


def test_recent_texts_are_answered_from_memory(resources):
    maker = TermMaker(resources)
    first = maker.text_terms("قصف خانكندي")
    assert maker.text_terms("قصف خانكندي") is first
    for i in range(10):
        maker.text_terms(f"نص {i}")
    assert maker.text_terms("قصف خانكندي") is not first
    assert maker.text_terms("قصف خانكندي") == first


_WORDS = ["خانكندي", "والاشتباكات", "في", "ناغورني", "كاراباخ", "لاتشين", "ممر", "Lachin",
          "Stepanakert", "the", "clashes", "Bayraktar", "بيرقدار", "مُعَدّة", "ألغام", "٢٠٢٠",
          "Laçın", "Xankəndi", "Line", "of", "Contact", "اللجنة", "الدولية", "للصليب", "الأحمر",
          "x" * 70, "News.am", "Ag'dam", "و", "كلاشينكوف"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25),
       st.lists(st.sampled_from([" ", "  ", "\n", ", ", "-", "."]), min_size=25, max_size=25))
def test_same_terms_as_the_chains_on_random_text(resources, analyzer, words, gaps):
    text = "".join(w + g for w, g in zip(words, gaps))
    maker = TermMaker(resources)
    assert _fast_text(maker, text) == _chain_text(analyzer, text)
    assert maker.name_terms(text) == _chain_names(names_analyzer(resources), text)


def test_the_names_field_is_answered_from_the_recent_title_and_body(resources, monkeypatch):
    maker = TermMaker(resources)
    title, body = "Bayraktar over Lachin", "طائرات بيرقدار فوق لاتشين\nBayraktar Kalbajar"
    maker.text_terms(title)
    maker.text_terms(body)
    analysed = []
    monkeypatch.setattr(maker, "_text_terms", analysed.append)
    names = maker.name_terms(f"{title}\n{body}")
    assert analysed == []
    assert names == _chain_names(names_analyzer(resources), f"{title}\n{body}")
    assert names["%lBRKTR"] == 2
