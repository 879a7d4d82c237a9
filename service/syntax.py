"""The little query syntax people expect, read by a parser that never raises.

* words: every word should match (``ممر لاتشين``);
* ``"quoted phrases"``: the words in that order (``"وقف إطلاق النار"``);
* ``-word`` or ``-"a phrase"``: exclude documents with it;
* ``OR`` (in capitals) between two items: either will do (``Lachin OR Lacin``).

Anything else is text: a lone quote is dropped, a bare ``-`` or a leading or
trailing ``OR`` is an ordinary character or word, ``*`` and ``?`` are punctuation.
User text is never handed to an engine's own query parser.
"""

import re
from dataclasses import dataclass

OR_OPERATOR = "OR"
_ITEM_RE = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')


@dataclass(frozen=True)
class Item:
    """A word or a phrase of the query; ``alternative_of_previous`` marks ``OR``."""

    text: str
    phrase: bool = False
    negated: bool = False
    alternative_of_previous: bool = False


def parse_query(text: str) -> list[Item]:
    """Split query text into items; never raises.

    >>> [(i.text, i.phrase, i.negated, i.alternative_of_previous)
    ...  for i in parse_query('ممر "وقف إطلاق النار" -روسيا Lachin OR Lacin')]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('ممر', False, False, False), ('وقف إطلاق النار', True, False, False),
     ('روسيا', False, True, False), ('Lachin', False, False, False),
     ('Lacin', False, False, True)]
    """
    raw: list[Item | str] = []
    for match in _ITEM_RE.finditer(text):
        if match.group("phrase") is not None:
            phrase = match.group("phrase").strip()
            if phrase:
                raw.append(Item(phrase, phrase=True, negated=bool(match.group("neg"))))
        else:
            word = match.group("word")
            if word == OR_OPERATOR:
                raw.append(OR_OPERATOR)
            elif word.startswith("-") and len(word) > 1:
                raw.append(Item(word[1:], negated=True))
            else:
                raw.append(Item(word))
    return _apply_or(raw)


def _apply_or(raw: list) -> list[Item]:
    items: list[Item] = []
    pending_or = False
    for element in raw:
        if element == OR_OPERATOR:
            # OR joins two positive items; anywhere else it is just the word "OR".
            if items and not items[-1].negated and not pending_or:
                pending_or = True
            else:
                items.append(Item(OR_OPERATOR))
            continue
        if pending_or and not element.negated:
            element = Item(element.text, element.phrase, False, alternative_of_previous=True)
        elif pending_or:
            items.append(Item(OR_OPERATOR))
        items.append(element)
        pending_or = False
    if pending_or:
        items.append(Item(OR_OPERATOR))
    return items
