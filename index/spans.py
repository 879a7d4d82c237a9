"""Where a text's words match a query's terms, found without running the analysis chain.

A snippet marks the words whose index terms are among the query's. Running the two
Whoosh chains (the text fields' and the ``names`` field's) over a result's body
costs about 1.7 ms per article, a third of a search. But every filter except the
gazetteer's looks at one word at a time, so a word's terms depend only on how it
is written: ``Spellings`` files each spelling met under its terms once per process
(news text is Zipfian), and a page's matching words are set intersections; the
gazetteer reads a text only when one of its words may start a name of the query's
entities. The spans are the ones the chains give (``tests/test_spans.py`` compares
both on articles and random text):

* a word whose stem, or ``=`` + its form without proclitics when that differs from
  the stem, is a query term (stop words have no terms);
* a word whose name key (``%aKLBJR``) is one of the query's;
* a gazetteer name whose ``@key`` is a query term: from its first word to its last.

**Bounded work per text** (``SpanFinder(max_chars=..., max_matches=...)``, the
settings ``HIGHLIGHT_MAX_CHARS`` and ``HIGHLIGHT_MAX_MATCHES``): like
Elasticsearch's ``index.highlight.max_analyzed_offset``, only the first
``max_chars`` characters of a text are read (cut at a break between words), and
only its first ``max_matches`` matches are marked; a text is learnt at most
``max_new`` new spellings at a time. ``find`` says when one of the bounds cut the
answer short (``Found.truncated``), so the answer can say that its highlights come
from the first part of the text. One odd article (a word 250,000 times) then costs
what its first part costs.
"""

import re
from collections.abc import Iterable
from itertools import accumulate, islice
from typing import NamedTuple

from index.analysis import ENTITY_PREFIX, EXACT_PREFIX
from index.normalize import normalize_word
from index.resources import Resources
from index.tokens import MAX_WORD_LENGTH, SURFACE_RE, WORD_RE, script_of

Span = tuple[int, int]


class Found(NamedTuple):
    """The spans to mark in a text, and whether a bound cut them short (only the
    first part of the text read, only its first matches kept, or spellings left to
    learn)."""

    spans: list[Span]
    truncated: bool = False


#: Words read past the last name start a finder keeps, so that a name of several
#: words that begins there is read whole.
NAME_WORDS_AFTER = 12

#: Splits a text into the text between words and the words: [between, word, between, ...]
_WORD_SPLIT = re.compile(f"({SURFACE_RE.pattern})")


#: Spellings a ``Spellings`` holds; a full one is replaced by an empty one.
SPELLINGS = 1 << 17


class Spellings:
    """The spellings met in texts so far, grouped by the terms they give: for each
    stem and each ``=`` exact form, for each name key, for each entity key a name
    may start with, the spellings that give it. One per ``Resources`` (``of``), so
    each process decides a spelling once for every query, not once per query:
    a page's matching words are then set intersections, in C.

    >>> r = Resources.load()
    >>> s = Spellings.of(r)
    >>> s.learn({"والاشتباكات", "اشتباك"})
    >>> sorted(s.by_term["اشتباك"]), sorted(s.by_term["=اشتباكات"])
    (['اشتباك', 'والاشتباكات'], ['والاشتباكات'])
    """

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.known: set[str] = set()                 # spellings learnt
        self.by_term: dict[str, set[str]] = {}
        self.norms: dict[str, str] = {}
        self.starts: set[str] = set()                # a name (any) may start at them
        self.by_entity: dict[str, set[str]] = {}     # entity key → spellings it may start at
        self.keyed: set[str] = set()                 # spellings whose name keys are in by_key
        self.by_key: dict[str, set[str]] = {}

    @classmethod
    def of(cls, resources: Resources) -> "Spellings":
        """The resources' spellings (a fresh one once ``SPELLINGS`` are known)."""
        spellings = resources.__dict__.get("_spellings")
        if spellings is None or max(len(spellings.known), len(spellings.norms)) >= SPELLINGS:
            spellings = resources.__dict__["_spellings"] = cls(resources)
        return spellings

    def learn(self, surfaces: Iterable[str]) -> None:
        """File spellings new to this object under their terms (a word too long to
        index gives none)."""
        resources = self.resources
        info, keys_starting = resources.word_info, resources.gazetteer.keys_starting
        by_term, by_entity, norms, starts = self.by_term, self.by_entity, self.norms, self.starts
        for surface in surfaces:
            if len(surface) <= MAX_WORD_LENGTH:
                word = info(surface, script_of(surface))
                norm, stem, may_start = word.norm, word.stem, word.may_start
                norms[surface] = norm
                if stem is not None:
                    _file(by_term, stem, surface)
                    for form in word.exact_forms:
                        _file(by_term, EXACT_PREFIX + form, surface)
                if may_start:
                    starts.add(surface)
                    for key in keys_starting(norm):
                        _file(by_entity, key, surface)
            self.known.add(surface)

    def norm(self, surface: str) -> str:
        """The normal form of an Arabic spelling (kept: a spelling not worth learning
        for one query is looked at again by the next)."""
        norm = self.norms.get(surface)
        if norm is None:
            norm = self.norms[surface] = normalize_word(surface, "ar")
        return norm

    def learn_keys(self, surfaces: Iterable[str]) -> None:
        """File learnt spellings under their name keys (looked up only for queries
        with name keys)."""
        name_keys, by_key = self.resources.name_keys, self.by_key
        for surface in surfaces:
            if len(surface) <= MAX_WORD_LENGTH:
                script = script_of(surface)
                for key in name_keys(self.norms[surface], script, surface, require_capital=True):
                    _file(by_key, key, surface)
            self.keyed.add(surface)


def _file(groups: dict[str, set[str]], key: str, surface: str) -> None:
    # one setdefault: two threads filing under a new key cannot lose a spelling
    groups.setdefault(key, set()).add(surface)


def _having(surfaces: set[str], groups: dict[str, set[str]], keys: Iterable[str]) -> set[str]:
    """The spellings of ``surfaces`` filed in ``groups`` under one of ``keys``."""
    found: set[str] = set()
    for key in keys:
        group = groups.get(key)
        if group:
            found |= surfaces & group
    return found


class SpanFinder:
    """The spans to mark for one query, in any number of texts (a page of results).

    Whether a word matches depends on its spelling alone (gazetteer names aside), so
    each spelling is decided once per process (``Spellings``). A text is not walked
    word by word in Python: its distinct spellings come from one ``findall`` (in
    C), set intersections with the spellings of the query's terms tell which
    match, and only those are looked for in the text (``str.find``, each find
    checked to be a whole word). The gazetteer reads the text's word sequence only
    when one of its words may start a name of the query's entities.

    >>> r = Resources.load()
    >>> find = SpanFinder(r, {"@nagorno_karabakh", "=اشتباكات"})
    >>> text = "القتال في ناغورني كاراباخ والاشتباكات"
    >>> [text[s:e] for s, e in find(text)]
    ['ناغورني كاراباخ', 'والاشتباكات']
    """

    def __init__(self, resources: Resources, terms: Iterable[str],
                 name_keys: Iterable[str] = (), *, phrases: Iterable[tuple[str, ...]] = (),
                 max_chars: int | None = None, max_matches: int | None = None,
                 max_new: int | None = None) -> None:
        self.resources = resources
        self.terms = frozenset(terms)
        #: terms marked only where they stand one after another, in order
        self.phrases = tuple(sorted(set(phrases)))
        self.keys = frozenset(name_keys)
        self.entities = frozenset(t[len(ENTITY_PREFIX):] for t in self.terms
                                  if t.startswith(ENTITY_PREFIX))
        self.spellings = Spellings.of(resources)
        #: the bounds of the work per text (None: none)
        self.max_chars = max_chars or None
        self.max_matches = max_matches or None
        self.max_new = max_new or None
        # A query with neither names nor name keys learns an Arabic spelling only if
        # one of its stems or exact forms is in the spelling's normal form (below).
        self._needles = None if self.entities or self.keys else tuple(
            t[len(EXACT_PREFIX):] if t.startswith(EXACT_PREFIX) else t
            for t in self.terms.union(*self.phrases))
        self._ruled_out: set[str] = set()

    def __call__(self, text: str) -> list[Span]:
        """Sorted, merged (start, end) character spans of the words of ``text`` that
        the analysis chains would index under one of the terms or name keys
        (within the finder's bounds: ``find``)."""
        return self.find(text).spans

    def find(self, text: str) -> Found:
        """The spans of ``text`` to mark (as ``__call__``), and whether one of the
        finder's bounds cut them short."""
        truncated = False
        if self.max_chars is not None and len(text) > self.max_chars:
            text, truncated = _first_part(text, self.max_chars), True
        spellings = self.spellings
        if self.entities:
            parts = _WORD_SPLIT.split(text)
            surfaces = set(parts[1::2])
        else:
            surfaces = set(SURFACE_RE.findall(text))
        new = surfaces.difference(spellings.known)
        if new and self._needles is not None:
            new = self._worth_learning(new)
        if new and self.max_new is not None and len(new) > self.max_new:
            # the rest are learnt by the next texts that hold them (the memo is kept)
            new, truncated = list(islice(new, self.max_new)), True
        if new:
            spellings.learn(new)
        known = spellings.known
        found = _having(surfaces, spellings.by_term, self.terms)
        if self.keys:
            unkeyed = surfaces.difference(spellings.keyed).intersection(known)
            if unkeyed:
                spellings.learn_keys(unkeyed)
            found |= _having(surfaces, spellings.by_key, self.keys)
        together = self._phrase_spans(text, surfaces)
        if self.entities and _having(surfaces, spellings.by_entity, self.entities):
            spans, cut = self._with_names(parts, found)
            if together:
                spans, cut = self._first_matches(merge(spans + together))
        elif not found and not together:
            return Found([], truncated)
        elif not found:
            spans, cut = self._first_matches(together)
        else:
            # (one more than is kept: then a cut is seen)
            spans = _find_words(text, found, self.max_matches and self.max_matches + 1)
            if spans is None:       # no break between words near a find: read it all
                spans = [m.span() for m in WORD_RE.finditer(text) if m.group() in found]
            spans, cut = self._first_matches(merge(spans + together))
        return Found(spans, truncated or cut)

    def _phrase_spans(self, text: str, surfaces: set[str]) -> list[Span]:
        """The spans of the finder's phrases where ``text`` has their words one after
        another (a space or other non-word between), each phrase one span."""
        out: list[Span] = []
        for phrase in self.phrases:
            words = [_having(surfaces, self.spellings.by_term, (term,)) for term in phrase]
            if not all(words):
                continue
            pattern = r"\W+".join(
                "(?:" + "|".join(map(re.escape, sorted(w, key=len, reverse=True))) + ")"
                for w in words)
            out.extend(m.span() for m in re.finditer(rf"(?<!\w){pattern}(?!\w)", text))
        return merge(out)

    def _first_matches(self, spans: list[Span]) -> tuple[list[Span], bool]:
        if self.max_matches is not None and len(spans) > self.max_matches:
            return spans[:self.max_matches], True
        return spans, False

    def _worth_learning(self, surfaces: set[str]) -> list[str]:
        """The spellings that may match: Latin ones, and Arabic ones whose normal
        form holds one of the query's stems or exact forms. The Arabic stemmer only
        cuts letters off a word's ends, so a word's stem and its form without
        proclitics are inside its normal form; the one exception, a gazetteer name
        whose ال follows ل (للله → الله), is learnt whenever the word has لل. Learning
        a spelling (normalising, stemming) costs some 40 µs, this test about 1 µs.
        A spelling met a second time is learnt whatever the query: from then on it
        costs nothing, where the test would be made again for every page."""
        needles, ruled_out = self._needles, self._ruled_out
        norm, norms = self.spellings.norm, self.spellings.norms
        worth = []
        for surface in surfaces.difference(ruled_out):
            if surface in norms or len(surface) > MAX_WORD_LENGTH \
                    or script_of(surface) != "ar":
                worth.append(surface)       # seen before (or not Arabic): learnt now
                continue
            form = norm(surface)
            if "لل" in form or any(needle in form for needle in needles):
                worth.append(surface)
            else:
                ruled_out.add(surface)
        return worth

    def _with_names(self, parts: list[str], found: set[str]) -> tuple[list[Span], bool]:
        """The spans of the words of ``found`` and of the names of the query's
        entities, the gazetteer reading the word sequence as ``iter_words`` gives it
        (words too long to index left out), and whether ``max_matches`` cut them.

        ``parts`` is the text split (in C) into the text between words and the
        words, whose running lengths are the words' offsets. With ``max_matches``,
        the gazetteer reads the words only up to a little after the start of that
        many names of the query's entities.
        """
        bounds = list(accumulate(map(len, parts)))
        words = list(zip(parts[1::2], bounds[0::2], bounds[1::2]))   # (surface, start, end)
        if words and max(len(w[0]) for w in words) > MAX_WORD_LENGTH:
            words = [w for w in words if len(w[0]) <= MAX_WORD_LENGTH]
        if self.max_matches is None:
            return self._names_in(words, found), False
        # read up to a little after the start of the (max_matches + 1)-th word that
        # may match, and further (twice as many such words each time) until more
        # spans than are kept were found (then a cut is seen) or the text ends
        wanted = _having(set(parts[1::2]), self.spellings.by_entity, self.entities) | found
        at = [i for i, (surface, _, _) in enumerate(words) if surface in wanted]
        count = self.max_matches + 1
        while True:
            end = len(words) if count >= len(at) else min(len(words), at[count] + NAME_WORDS_AFTER)
            spans = self._names_in(words[:end], found)
            if end == len(words) or len(spans) > self.max_matches:
                return self._first_matches(spans)
            count *= 2

    def _names_in(self, words: list[tuple[str, int, int]], found: set[str]) -> list[Span]:
        """The merged spans of the words of ``found`` and of the query's entities'
        names in a sequence of (surface, start, end)."""
        norms, starts = self.spellings.norms, self.spellings.starts
        spans = [(start, end) for surface, start, end in words if surface in found]
        # (a spelling not learnt, past ``max_new``, is no word of a name here)
        names = self.resources.gazetteer.find(
            [norms.get(w[0], "") for w in words],
            [i for i, w in enumerate(words) if w[0] in starts])
        for name in names:
            if name.key in self.entities:
                spans.append((words[name.start][1], words[name.end - 1][2]))
        return merge(spans)


def _first_part(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, less a word cut in two (the part
    after the last space or line break, when there is one in the last stretch).

    >>> _first_part("one two three", 9)
    'one two '
    """
    head = text[:limit]
    if limit < len(text) and not text[limit].isspace():
        brk = max(head.rfind(" ", limit - _LOOK_BACK), head.rfind("\n", limit - _LOOK_BACK))
        if brk >= 0:
            head = head[:brk + 1]
    return head


#: How far back from a find ``_find_words`` looks for a space or a line break.
_LOOK_BACK = 4 * MAX_WORD_LENGTH


def _find_words(text: str, surfaces: Iterable[str],
                limit: int | None = None) -> list[Span] | None:
    """The spans where ``text`` has one of ``surfaces`` as a whole word (with
    ``limit``, at least the first ``limit`` of them: each spelling's first
    ``limit``), or None when a find has no space or line break within
    ``_LOOK_BACK`` characters before it.

    No word holds a space or a line break, so the words after one are the same
    whether ``WORD_RE`` reads the text from its start or from there: a find is a
    word when the reading from the last break before it has a word exactly there.
    """
    spans = []
    search = WORD_RE.search
    for surface in surfaces:
        n = len(surface)
        left = limit
        i = text.find(surface)
        while i >= 0:
            back = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i)) + 1
            if i - back > _LOOK_BACK:
                return None
            word = search(text, back)
            while word is not None and word.start() < i:
                word = search(text, word.end())
            if word is not None and word.start() == i and word.end() == i + n:
                spans.append((i, i + n))
                if left is not None:
                    left -= 1
                    if not left:
                        break
                i = text.find(surface, i + n)
            else:
                i = text.find(surface, i + 1)
    return spans


def term_spans(text: str, resources: Resources, terms: Iterable[str],
               name_keys: Iterable[str] = ()) -> list[Span]:
    """Sorted, merged (start, end) character spans of the words of ``text`` that the
    analysis chain would index under one of ``terms`` (or ``name_keys``): a
    ``SpanFinder`` for one text.

    >>> r = Resources.load()
    >>> text = "القتال في ناغورني كاراباخ والاشتباكات"
    >>> [text[s:e] for s, e in term_spans(text, r, {"@nagorno_karabakh", "=اشتباكات"})]
    ['ناغورني كاراباخ', 'والاشتباكات']
    """
    return SpanFinder(resources, terms, name_keys)(text)


def merge(spans: list[Span]) -> list[Span]:
    """Sort spans and join the ones that overlap or touch.

    >>> merge([(5, 9), (0, 3), (2, 4)])
    [(0, 4), (5, 9)]
    """
    spans = sorted(spans)
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
