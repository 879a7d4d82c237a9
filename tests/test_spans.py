"""``index.spans.term_spans`` marks exactly what running the analysis chains marks.

Snippets no longer run the Whoosh chains over each result; these tests hold the
fast path to the chains' answer on the seed, fixture and evaluation articles (with
query terms drawn from the articles themselves, so stems, exact forms, entities and
name keys all occur) and on random text.
"""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import names_analyzer
from index.resources import Resources
from index.spans import SpanFinder, term_spans
from index.tokens import SURFACE_RE as SPELLING_RE
from tests.support import FIXTURES, ROOT, SEEDS, chain_spans


def _articles() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for path in (FIXTURES, ROOT / "tests" / "eval" / "articles.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts += [record["title"], record["body"]]
    return texts


ARTICLES = _articles()


@pytest.fixture(scope="module")
def names(resources):
    return names_analyzer(resources)


def _chains(text, analyzer, names, terms, keys):
    return chain_spans(text, [(analyzer, terms), (names, keys)])


def test_the_corpus_has_every_kind_of_term(analyzer, names):
    terms = {t.text for text in ARTICLES for t in analyzer(text, mode="index")}
    keys = {t.text for text in ARTICLES for t in names(text, mode="index")}
    assert len(ARTICLES) > 90
    assert any(t.startswith("@") for t in terms) and any(t.startswith("=") for t in terms)
    assert keys


@pytest.mark.parametrize("seed", range(5))
def test_same_spans_as_the_chains_on_real_articles(resources, analyzer, names, seed):
    rng = random.Random(seed)
    vocabulary = sorted({t.text for text in ARTICLES for t in analyzer(text, mode="index")})
    key_vocabulary = sorted({t.text for text in ARTICLES for t in names(text, mode="index")})
    for text in ARTICLES:
        terms = set(rng.sample(vocabulary, 40))
        keys = set(rng.sample(key_vocabulary, 10))
        # and some terms of this very text, so that most articles have matches
        own = [t.text for t in analyzer(text, mode="index")]
        terms |= set(rng.sample(own, min(5, len(own))))
        assert term_spans(text, resources, terms, keys) == \
            _chains(text, analyzer, names, terms, keys), text[:80]


@pytest.mark.parametrize("seed", range(3))
def test_one_finder_over_many_articles_gives_the_chains_spans(resources, analyzer, names,
                                                               seed):
    # a finder remembers each spelling's answer across texts, as for a page of results
    rng = random.Random(seed)
    vocabulary = sorted({t.text for text in ARTICLES for t in analyzer(text, mode="index")})
    key_vocabulary = sorted({t.text for text in ARTICLES for t in names(text, mode="index")})
    terms = set(rng.sample(vocabulary, 200)) | {"@nagorno_karabakh"} if seed else set()
    terms |= set(rng.sample(vocabulary, 200))
    keys = set(rng.sample(key_vocabulary, 20)) if seed != 1 else set()
    find = SpanFinder(resources, terms, keys)
    marked = 0
    for text in ARTICLES + ARTICLES[::-1]:
        spans = find(text)
        assert spans == _chains(text, analyzer, names, terms, keys), text[:80]
        marked += bool(spans)
    assert marked > len(ARTICLES)


WORDS = ("ناغورني كاراباخ لاتشين ولاتشين ممر والاشتباكات في من Stepanakert Lachin "
         "corridor the Bayraktar مُعَدّة ألغام قره باغ Karabakh Nagorno-Karabakh خانكندي "
         "بايراكتار كالباجار Kalbajar و ال").split()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=30),
       st.sets(st.sampled_from(["@nagorno_karabakh", "@lachin", "@stepanakert", "لاتشين",
                                "=اشتباكات", "اشتباك", "corridor", "lachin", "=معده"]),
               max_size=4))
def test_same_spans_as_the_chains_on_random_text(resources, analyzer, names, words, terms):
    text = " ".join(words)
    keys = {t.text for t in names(text, mode="index")}
    assert term_spans(text, resources, terms, keys) == \
        _chains(text, analyzer, names, terms, keys)


SEPARATORS = [" ", "", "'", ".", "-", "\n", "\t", "\u0301", "\u064e", "،", "«", "x", "و"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=25),
       st.sets(st.sampled_from(["@nagorno_karabakh", "@lachin", "لاتشين", "=اشتباكات",
                                "اشتباك", "corridor", "lachin", "ال", "=معده", "karabakh"]),
               max_size=4))
def test_words_found_in_text_glued_by_any_character_are_the_chains(resources, analyzer, names,
                                                                    words, terms):
    # a spelling found by str.find inside a longer word, after an apostrophe or a
    # combining mark, is no word of the text: only whole words are marked
    text = "".join(word + sep for word, sep in words)
    keys = {t.text for t in names(text, mode="index")}
    assert term_spans(text, resources, terms, keys) == \
        _chains(text, analyzer, names, terms, keys)


def test_a_text_without_breaks_is_read_whole(resources, analyzer, names):
    # no space or line break near a find: the finder reads the text word by word
    text = "،".join(["والاشتباكات", "لاتشين", "corridor's"] * 60)
    terms = {"=اشتباكات", "لاتشين", "corridor"}
    spans = term_spans(text, resources, terms)
    assert len(spans) == 180
    assert spans == _chains(text, analyzer, names, terms, set())


def test_spellings_are_decided_once_per_process_and_start_afresh_when_full(resources,
                                                                           monkeypatch):
    import index.spans
    first = SpanFinder(resources, {"=اشتباكات"})
    text = "القتال في ناغورني كاراباخ والاشتباكات"
    assert first(text)
    second = SpanFinder(resources, {"قتال"})
    assert second.spellings is first.spellings and "والاشتباكات" in second.spellings.known
    assert [text[s:e] for s, e in second(text)] == ["القتال"]
    monkeypatch.setattr(index.spans, "SPELLINGS", len(first.spellings.known))
    third = SpanFinder(resources, {"قتال"})
    assert third.spellings is not first.spellings and not third.spellings.known
    assert [text[s:e] for s, e in third(text)] == ["القتال"]
    assert "_spellings" not in resources.__getstate__()


@pytest.fixture
def fresh(resources, monkeypatch):
    # a Spellings of the test's own, so that nothing is learnt before it
    monkeypatch.delitem(resources.__dict__, "_spellings", raising=False)
    return resources


@pytest.mark.parametrize("seed", range(3))
def test_a_query_without_names_learns_only_what_may_match(fresh, analyzer, names, seed):
    # such a query learns an Arabic spelling only when one of its stems or exact
    # forms is inside the spelling's normal form: the marks are still the chains'
    rng = random.Random(seed)
    vocabulary = sorted({t.text for text in ARTICLES for t in analyzer(text, mode="index")
                         if not t.text.startswith("@")})
    ruled_out = 0
    for text in ARTICLES:
        own = [t.text for t in analyzer(text, mode="index") if not t.text.startswith("@")]
        terms = set(rng.sample(vocabulary, 30)) | set(rng.sample(own, min(5, len(own))))
        find = SpanFinder(fresh, terms)
        assert find(text) == _chains(text, analyzer, names, terms, set()), text[:80]
        ruled_out += len(find._ruled_out)
    assert ruled_out > 1000
    assert len(SpanFinder(fresh, ()).spellings.known) < len(
        {s for text in ARTICLES for s in SPELLING_RE.findall(text)})


def test_a_name_after_lil_is_learnt_though_not_inside_the_word(fresh):
    # ل + الله written للله stems to the protected name الله, which is not inside it
    assert fresh.word_info("للله", "ar").stem == "الله"
    text = "الحمد للله والشكر"
    find = SpanFinder(fresh, {"الله"})
    assert [text[s:e] for s, e in find(text)] == ["للله"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS + ["للله", "للاتحاد", "الله"]),
                          st.sampled_from(SEPARATORS)), max_size=25),
       st.sets(st.sampled_from(["لاتشين", "=اشتباكات", "اشتباك", "corridor", "lachin",
                                "=معده", "karabakh", "الله", "اتحاد", "=الاتحاد"]),
               max_size=4))
def test_a_query_without_names_marks_what_the_chains_mark_on_random_text(
        resources, analyzer, names, words, terms):
    resources.__dict__.pop("_spellings", None)
    text = "".join(word + sep for word, sep in words)
    assert term_spans(text, resources, terms) == _chains(text, analyzer, names, terms, set())


def test_words_too_long_to_index_are_left_out_of_the_names_word_sequence(resources, analyzer,
                                                                         names):
    # the gazetteer's word numbers skip a 70-letter word, as iter_words does
    text = "ب" * 70 + " القتال في ناغورني كاراباخ " + "x" * 80 + " ولاتشين"
    terms = {"@nagorno_karabakh", "@lachin", "قتال"}
    spans = term_spans(text, resources, terms)
    assert [text[s:e] for s, e in spans] == ["القتال", "ناغورني كاراباخ", "ولاتشين"]
    assert spans == _chains(text, analyzer, names, terms, set())


# -- bounded work per text (HIGHLIGHT_MAX_CHARS, HIGHLIGHT_MAX_MATCHES) -------------

BOUNDED_TERMS = {"@nagorno_karabakh", "@lachin", "لاتشين", "=اشتباكات", "اشتباك", "lachin"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40),
       st.integers(min_value=1, max_value=300), st.integers(min_value=1, max_value=8),
       st.sets(st.sampled_from(sorted(BOUNDED_TERMS)), min_size=1, max_size=4))
def test_bounded_spans_are_the_first_spans_and_say_when_they_are_cut(resources, words, chars,
                                                                      matches, terms):
    from index.spans import _first_part

    text = " ".join(words)
    everything = term_spans(text, resources, terms)
    found = SpanFinder(resources, terms, max_chars=chars, max_matches=matches).find(text)
    # the first matches of the first part (a name cut by the bound ends where it is cut)
    assert found.spans == term_spans(_first_part(text, chars), resources, terms)[:matches]
    assert all(end <= chars for _, end in found.spans)
    assert found.truncated == (len(text) > chars or len(everything) > matches)
    if not found.truncated:
        assert found.spans == everything
    # with no bound on the characters, the first matches of the whole text
    first = SpanFinder(resources, terms, max_matches=matches).find(text)
    assert first.spans == everything[:matches]
    assert first.truncated == (len(everything) > matches)


def test_only_the_first_part_of_a_long_article_is_read(resources):
    text = "قتال في لاتشين. " * 10 + "كلام " * 5_000 + "ثم اشتباك في لاتشين"
    found = SpanFinder(resources, {"لاتشين"}, max_chars=1_000).find(text)
    assert found.truncated and len(found.spans) == 10
    assert [text[s:e] for s, e in found.spans] == ["لاتشين"] * 10
    whole = SpanFinder(resources, {"لاتشين"}, max_chars=len(text)).find(text)
    assert not whole.truncated and len(whole.spans) == 11


def test_the_first_part_ends_between_words(resources):
    text = "لاتشين " * 3 + "لاتشينلاتشين"
    found = SpanFinder(resources, {"لاتشين"}, max_chars=len(text) - 3).find(text)
    # the word cut in two by the bound is not read as a shorter word
    assert found.truncated and len(found.spans) == 3


def test_a_word_repeated_250000_times_gives_its_first_matches(resources):
    text = " ".join(["حرب"] * 250_000)
    for terms in ({"حرب"}, {"حرب", "@lachin"}):          # with and without a name
        found = SpanFinder(resources, terms, max_chars=100_000, max_matches=1_000).find(text)
        assert found.truncated
        assert found.spans == [(i * 4, i * 4 + 3) for i in range(1_000)]


def test_thousands_of_names_give_the_first_names(resources):
    text = " ".join(["ناغورني كاراباخ", "ولاتشين", "باكو"] * 5_000)
    found = SpanFinder(resources, {"@nagorno_karabakh", "@lachin"},
                       max_matches=50).find(text)
    assert found.truncated and len(found.spans) == 50
    assert found.spans == term_spans(text[:2_000], resources,
                                     {"@nagorno_karabakh", "@lachin"})[:50]


def test_spellings_left_to_learn_are_learnt_by_the_next_text(resources):
    fresh = Resources.load(ROOT / "config")
    words = [f"لاتشين{chr(0x0628 + i % 20)}{i}" for i in range(300)] + ["لاتشين"]
    text = " ".join(words)
    find = SpanFinder(fresh, {"لاتشين", "@lachin"}, max_new=100)
    first = find.find(text)
    assert first.truncated
    for _ in range(5):
        last = find.find(text)
    assert not last.truncated and last.spans == term_spans(text, resources, {"لاتشين", "@lachin"})


def test_a_phrase_s_words_are_marked_only_where_they_stand_together(resources):
    text = "قال حزب الله في بيان، وقال الحزب إن شاء الله، ولحزب الله نواب"
    find = SpanFinder(resources, {"بيان"}, phrases=[("حزب", "الله")])
    assert [text[s:e] for s, e in find(text)] == ["حزب الله", "بيان", "ولحزب الله"]
    alone = SpanFinder(resources, set(), phrases=[("حزب", "الله")])
    assert [text[s:e] for s, e in alone("الحزب إن شاء الله")] == []
