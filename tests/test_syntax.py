"""The user query syntax: words, "phrases", -exclusions, OR; it never raises."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.syntax import Item, parse_query


def test_words_phrases_exclusions_and_or():
    assert parse_query('ممر "وقف إطلاق النار" -روسيا Lachin OR Lacin') == [
        Item("ممر"), Item("وقف إطلاق النار", phrase=True), Item("روسيا", negated=True),
        Item("Lachin"), Item("Lacin", alternative_of_previous=True)]


def test_excluded_phrase():
    assert parse_query('-"قره باغ"') == [Item("قره باغ", phrase=True, negated=True)]


@pytest.mark.parametrize(("text", "expected"), [
    ('"', []),
    ('""', []),
    ('"ممر لاتشين', [Item("ممر لاتشين", phrase=True)]),
    ("OR OR", [Item("OR"), Item("OR")]),
    ("OR باكو", [Item("OR"), Item("باكو")]),
    ("باكو OR", [Item("باكو"), Item("OR")]),
    ("-", [Item("-")]),
    ("*", [Item("*")]),
    ("or", [Item("or")]),
])
def test_odd_input_is_read_as_text(text, expected):
    assert parse_query(text) == expected


@given(st.text())
def test_parser_never_raises(text):
    for item in parse_query(text):
        assert item.text
