# SPDX-License-Identifier: GPL-3.0-or-later
"""Spellings of a name in the other script, ranked by how usual they are.

``TransliterationTable.load(config/transliteration.txt)`` reads the rules a linguist
edits: Latin patterns with the Arabic spellings the press gives them (``u`` as و,
as ا in ترامب, or unwritten), and Arabic letters with their Latin spellings.
``spellings(word, direction)`` walks a word left to right, trying every pattern
that matches at each place (where a pattern has a rule for the start or the end of
a word, that rule instead of its rule inside one), and returns the cheapest whole
spellings first::

    >>> table = TransliterationTable.load()
    >>> [s for s, _ in table.spellings("putin", LATIN_TO_ARABIC)[:3]]
    ['بوتين', 'بتين', 'باتين']

The table proposes; the index decides: ``service.names`` keeps only the spellings
that the archive's articles use. No library found did the proposing well (see the
README's Dependencies): ICU's ``Latin-Arabic`` writes short vowels as harakat
(``پُتِن`` for Putin), and the Arabic name packages on PyPI are trained on Arabic
given names, not on the foreign names news writes.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.normalize import normalize_arabic
from index.wordlists import ConfigError, read_sections

TRANSLITERATION_FILE = "transliteration.txt"
TABLE_FILE = Path(__file__).resolve().parent.parent / "config" / TRANSLITERATION_FILE
LATIN_TO_ARABIC = "latin-arabic"
ARABIC_TO_LATIN = "arabic-latin"
#: The section listing the Latin spellings of the Arabic article that romanised
#: names write before a hyphen (al-Abadi, ez-Zor): the article is in the Arabic
#: word already (العبادي, الزور), so the query leaves it out.
ARTICLES = "articles"
#: The pattern of the letters that may stand between two others (short vowels that
#: Arabic leaves unwritten, written in Latin).
BETWEEN = "+"
#: Partial spellings kept at each place of a word (cheapest first).
BEAM = 256
#: A spelling costing this much more than the cheapest is not proposed.
MAX_EXTRA_COST = 5.0


@dataclass(frozen=True)
class Rule:
    """A pattern's spellings, with their costs, and where in a word it applies."""

    pattern: str
    at_start: bool
    at_end: bool
    spellings: tuple[tuple[str, float], ...]


class TransliterationTable:
    """The rules of both directions (``LATIN_TO_ARABIC``, ``ARABIC_TO_LATIN``)."""

    def __init__(self, rules: dict[str, list[Rule]],
                 articles: frozenset[str] = frozenset()) -> None:
        self.articles = articles
        self._by_pattern: dict[str, dict[str, list[Rule]]] = {}
        self._between: dict[str, tuple[tuple[str, float], ...]] = {}
        self._longest: dict[str, int] = {}
        for direction, listed in rules.items():
            table: dict[str, list[Rule]] = {}
            for rule in listed:
                if rule.pattern == BETWEEN:
                    self._between[direction] = rule.spellings
                else:
                    table.setdefault(rule.pattern, []).append(rule)
            self._by_pattern[direction] = table
            self._longest[direction] = max((len(p) for p in table), default=1)

    @classmethod
    def load(cls, path: Path | str = TABLE_FILE) -> "TransliterationTable":
        """Read and check the table.

        :raises ConfigError: naming the file and line of the first mistake.
        """
        sections = read_sections(path, (LATIN_TO_ARABIC, ARABIC_TO_LATIN, ARTICLES))
        articles = sections.pop(ARTICLES)
        rules = {direction: [_parse(path, number, line, direction)
                             for number, line in lines]
                 for direction, lines in sections.items()}
        for number, line in articles:
            if len(line.split()) != 1:
                raise ConfigError(path, number, "one article spelling per line")
            _check_script(path, number, line, arabic=False)
        return cls(rules, frozenset(line for _, line in articles))

    def cost(self, word: str, spelling: str, direction: str) -> float | None:
        """What spelling ``word`` as ``spelling`` costs, None when the rules cannot.

        >>> TransliterationTable.load().cost("aden", "عدن", LATIN_TO_ARABIC)
        1.3
        """
        found = dict(self.spellings(word, direction, limit=1, target=spelling))
        return found.get(spelling)

    def spellings(self, word: str, direction: str, limit: int = 64,
                  target: str | None = None) -> list[tuple[str, float]]:
        """Up to ``limit`` spellings of a normalised ``word``, cheapest first, with
        their costs; ``[]`` when some letter of it has no rule. With ``target``, only
        that spelling is sought."""
        n = len(word)
        states: list[dict[str, float]] = [{} if target is None else _Towards(target)
                                          for _ in range(n + 1)]
        states[0][""] = 0.0
        between = self._between.get(direction, ())
        for i in range(n):
            if not states[i]:
                continue
            kept = sorted(states[i].items(), key=lambda item: item[1])[:BEAM]
            floor = kept[0][1]
            for prefix, cost in kept:
                if cost > floor + MAX_EXTRA_COST:
                    break
                if i and word[i] == word[i - 1] and not _is_vowel(word[i]):
                    _offer(states[i + 1], prefix, cost)      # a doubled letter, once
                for rule, length in self._rules_at(word, i, direction):
                    for text, extra in rule.spellings:
                        spelled = prefix + text
                        _offer(states[i + length], spelled, cost + extra)
                        if between and i + length < n and text:
                            for vowel, more in between:
                                _offer(states[i + length], spelled + vowel,
                                       cost + extra + more)
        finished = sorted(states[n].items(), key=lambda item: (item[1], item[0]))
        if not finished:
            return []
        floor = finished[0][1]
        return [(s, round(c, 3)) for s, c in finished
                if s and c <= floor + MAX_EXTRA_COST][:limit]

    def _rules_at(self, word: str, i: int, direction: str) -> Iterator[tuple[Rule, int]]:
        table = self._by_pattern.get(direction, {})
        n = len(word)
        for length in range(min(self._longest.get(direction, 1), n - i), 0, -1):
            rules = [rule for rule in table.get(word[i:i + length], ())
                     if not (rule.at_start and i != 0 or rule.at_end and i + length != n)]
            # where a rule for the start or the end applies, it replaces the others of
            # its pattern (a final a is ا or ه, not unwritten as inside a word)
            anchored = [rule for rule in rules if rule.at_start or rule.at_end]
            for rule in anchored or rules:
                yield rule, length


def _offer(state: dict[str, float], spelled: str, cost: float) -> None:
    if cost < state.get(spelled, float("inf")):
        state[spelled] = cost


class _Towards(dict):
    """A state that keeps only the prefixes of one spelling."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def __setitem__(self, spelled: str, cost: float) -> None:
        if self.target.startswith(spelled):
            super().__setitem__(spelled, cost)


def _is_vowel(char: str) -> bool:
    return char in "aeiouy"


def _parse(path: Path | str, number: int, line: str, direction: str) -> Rule:
    """One line: a pattern and its spellings (``text[:cost]``, ``-`` for nothing)."""
    fields = line.split()
    if len(fields) < 2:
        raise ConfigError(path, number, "a pattern needs at least one spelling after it")
    raw = fields[0]
    at_start, at_end = raw.startswith("^"), raw.endswith("$") and len(raw) > 1
    pattern = raw.removeprefix("^").removesuffix("$") if raw != BETWEEN else raw
    source_arabic = direction == ARABIC_TO_LATIN
    if not pattern:
        raise ConfigError(path, number, f"empty pattern {raw!r}")
    if pattern != BETWEEN:
        _check_script(path, number, pattern, arabic=source_arabic)
    spellings = []
    for field in fields[1:]:
        text, _, cost_text = field.partition(":")
        try:
            cost = float(cost_text) if cost_text else 0.0
        except ValueError:
            raise ConfigError(path, number, f"cost {cost_text!r} of {field!r} is not a "
                                            "number") from None
        if cost < 0:
            raise ConfigError(path, number, f"cost of {field!r} is negative")
        text = "" if text == "-" else text
        if text:
            _check_script(path, number, text, arabic=not source_arabic)
        spellings.append((text, cost))
    return Rule(pattern, at_start, at_end, tuple(spellings))


def _check_script(path: Path | str, number: int, text: str, *, arabic: bool) -> None:
    if arabic:
        if normalize_arabic(text) != text or not all("\u0600" <= c <= "\u06ff" for c in text):
            raise ConfigError(path, number, f"{text!r} is not Arabic letters in the "
                                            f"index's normal form ({normalize_arabic(text)!r})")
    elif not (text.isascii() and text.isalpha() and text.islower()):
        raise ConfigError(path, number, f"{text!r} is not lower-case Latin letters")
