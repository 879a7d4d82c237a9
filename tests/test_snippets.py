"""Snippet building: marks on the words as written, escaping, fragments."""

from hypothesis import given
from hypothesis import strategies as st

from service.snippets import highlight_all, make_snippet, mark


def test_mark_escapes_everything_but_the_marks():
    assert mark("<b>x</b> & y", [(3, 4)]) == "&lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; y"


def test_marks_cover_clitics_and_harakat(analyzer):
    html = highlight_all("تهدف عملية ومُعَدّة بعناية", [(analyzer, {"=معده"})])
    assert "<mark>ومُعَدّة</mark>" in html


def test_entity_term_marks_the_whole_name(analyzer):
    html = highlight_all("في حرب ناغورني كاراباخ الأخيرة", [(analyzer, {"@nagorno_karabakh"})])
    assert "<mark>ناغورني كاراباخ</mark>" in html


def test_snippet_is_a_window_around_the_match(analyzer):
    text = "كلام عام " * 200 + "ثم وقع اشتباك في لاتشين " + "كلام آخر " * 200
    snippet = make_snippet(text, [(analyzer, {"لاتشين"})], width=120)
    assert "<mark>لاتشين</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 250


def test_snippet_without_match_is_the_start_of_the_text(analyzer):
    assert make_snippet("نص قصير", [(analyzer, {"غائب"})]) == "نص قصير"


@given(st.text(max_size=300), st.sets(st.text(min_size=1, max_size=5), max_size=3))
def test_snippet_never_contains_other_markup(analyzer, text, terms):
    snippet = make_snippet(text, [(analyzer, terms | {"ا"})])
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped
