"""Snippet building: marks on the words as written, escaping, fragments."""

from hypothesis import given
from hypothesis import strategies as st

from index.spans import term_spans
from service.snippets import make_snippet, mark
from tests.support import chain_spans


def test_mark_escapes_everything_but_the_marks():
    assert mark("<b>x</b> & y", [(3, 4)]) == "&lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; y"


def highlight_all(text, resources, terms):
    return mark(text, term_spans(text, resources, terms))


def test_marks_cover_clitics_and_harakat(resources):
    html = highlight_all("تهدف عملية ومُعَدّة بعناية", resources, {"=معده"})
    assert "<mark>ومُعَدّة</mark>" in html


def test_entity_term_marks_the_whole_name(resources):
    html = highlight_all("في حرب ناغورني كاراباخ الأخيرة", resources, {"@nagorno_karabakh"})
    assert "<mark>ناغورني كاراباخ</mark>" in html


def test_any_analyzer_can_give_the_spans(analyzer):
    text = "في حرب ناغورني كاراباخ الأخيرة"
    assert mark(text, chain_spans(text, [(analyzer, {"@nagorno_karabakh"})])) == \
        "في حرب <mark>ناغورني كاراباخ</mark> الأخيرة"


def test_snippet_is_a_window_around_the_match(resources):
    text = "كلام عام " * 200 + "ثم وقع اشتباك في لاتشين " + "كلام آخر " * 200
    snippet = make_snippet(text, term_spans(text, resources, {"لاتشين"}), width=120)
    assert "<mark>لاتشين</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 250


def test_snippet_without_match_is_the_start_of_the_text(resources):
    assert make_snippet("نص قصير", term_spans("نص قصير", resources, {"غائب"})) == "نص قصير"


@given(st.text(max_size=300), st.sets(st.text(min_size=1, max_size=5), max_size=3))
def test_snippet_never_contains_other_markup(resources, text, terms):
    snippet = make_snippet(text, term_spans(text, resources, terms | {"ا"}))
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def _quadratic_best_window(text, spans, width):
    """The window rule as first written (each window counted afresh): the reference."""
    from service.snippets import _word_boundary

    best, best_score = spans[0], -1
    for i, (s, _) in enumerate(spans):
        words = {text[a:b] for a, b in spans[i:] if b <= s + width}
        if len(words) > best_score:
            best, best_score = (s, spans[i][1]), len(words)
    start = _word_boundary(text, max(0, best[0] - width // 3), backwards=True)
    end = _word_boundary(text, min(len(text), start + width), backwards=False)
    return start, max(end, best[1])


@given(st.lists(st.sampled_from(["حرب", "سلام", "باكو", "x", "ناغورني كاراباخ", "كلمة"]),
                min_size=1, max_size=60),
       st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=3))
def test_the_one_pass_window_is_the_window_of_the_rule(words, width, every):
    from index.spans import merge
    from service.snippets import _best_window

    text = " ".join(words)
    spans, at = [], 0
    for i, word in enumerate(words):
        if every == 0 or i % (every + 1) == 0:
            spans.append((at, at + len(word)))
        at += len(word) + 1
    spans = merge(spans)
    if spans:
        assert _best_window(text, spans, width) == _quadratic_best_window(text, spans, width)


def test_a_word_repeated_250000_times_gives_its_snippet_at_once(resources):
    import time

    text = " ".join(["حرب"] * 250_000)
    spans = [(i * 4, i * 4 + 3) for i in range(250_000)]
    started = time.process_time()
    snippet = make_snippet(text, spans)
    assert snippet.count("<mark>حرب</mark>") > 40
    # the quadratic rule took minutes here; a generous bound that still fails it
    assert time.process_time() - started < 5
