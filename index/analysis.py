"""Whoosh glue: the bilingual analysis chain as a tokenizer and four filters.

::

    BilingualTokenizer()        # Arabic words whole across harakat; Latin words with diacritics
    | OrthographyFilter()       # per script: Arabic folds (index.normalize) or Latin folding
    | EntityFilter(resources)   # gazetteer names -> "@key" token spanning the name
    | BilingualStopFilter(...)  # stop words of the word's own language
    | LightStemFilter(...)      # stem, plus "=form" when the stem differs

Normalisation happens in filters after tokenisation, so every token keeps the
offsets of the word as written and highlights land on it, clitics and harakat
included. Gazetteer names are matched before stop words are removed because
names contain function words (Line of Contact, اللجنة الدولية للصليب الأحمر), and
before stemming because spellings are listed unstemmed.

Terms in the index, for one word:

* the stem (``اشتباك``), the main term;
* ``=`` + the normalised form without proclitics (``=اشتباكات`` for والاشتباكات)
  when it differs from the stem, so the word as typed ranks above a match found only
  through stemming;
* ``@`` + entity key (``@stepanakert``) at the first word of a gazetteer name, with
  the character span of the whole name, so a query for Stepanakert finds and
  highlights خانكيندي.

Every token carries ``kind`` (``word``, ``exact`` or ``entity``), ``script``,
``norm`` (the normalised form) and, for entities, ``entity``, ``ambiguous`` and
``endpos``.

A second, smaller chain (``names_analyzer``) feeds the low-weight ``names`` field:
the cross-script consonant keys (``index.translit``) of words that look like names
but are not in the gazetteer, so ``Kalbajar`` finds كالباجار.
"""

from typing import Any, Iterable, Iterator

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer

from index.normalize import normalize_word
from index.resources import Resources, WordInfo
from index.tokens import iter_words

EXACT_PREFIX = "="
ENTITY_PREFIX = "@"


class BilingualTokenizer(Tokenizer):
    """Split text into Arabic and Latin words (``index.tokens``) as Whoosh tokens.

    Positions and character offsets are always set: later filters need them.
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            words = [w for w in iter_words(value)][:1]
        else:
            words = iter_words(value)
        for pos, word in enumerate(words):
            t.text = t.original = word.surface
            t.script = word.script
            t.kind = "word"
            t.boost = 1.0
            t.stopped = False
            t.pos = start_pos + pos
            t.startchar = start_char + word.start
            t.endchar = start_char + word.end
            yield t


class OrthographyFilter(Filter):
    """Normalise each word by its script: Arabic orthography or Latin folding.

    >>> [t.text for t in (BilingualTokenizer() | OrthographyFilter())("أذربيـجان Laçın")]
    ['اذربيجان', 'lacin']
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.norm = normalize_word(t.text, t.script)
            yield t


class EntityFilter(Filter):
    """Add an ``@key`` token at the first word of each gazetteer name.

    The entity token spans the characters of the whole name and shares the first
    word's position; the words themselves pass through unchanged.
    """

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        # Buffer plain tuples, not Token copies (the stream reuses one Token object).
        t = None
        buffer = []
        for t in tokens:
            buffer.append((t.text, t.original, t.script, t.pos, t.startchar, t.endchar))
        if t is None:
            return
        matches = self.resources.gazetteer.find([item[0] for item in buffer])
        starts: dict[int, list] = {}
        for match in matches:
            starts.setdefault(match.start, []).append(match)
        for i, (text, original, script, pos, startchar, endchar) in enumerate(buffer):
            t.pos, t.startchar, t.script, t.original = pos, startchar, script, original
            t.stopped = False
            t.boost = 1.0
            for match in starts.get(i, ()):
                last = buffer[match.end - 1]
                t.text = ENTITY_PREFIX + match.key
                t.kind = "entity"
                t.entity = match.key
                t.ambiguous = match.ambiguous
                t.endchar = last[5]
                t.endpos = last[3]
                yield t
            t.text = t.norm = text
            t.kind = "word"
            t.endchar = endchar
            yield t


class BilingualStopFilter(Filter):
    """Drop stop words of the word's own language (or flag them when removestops=False)."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        is_stopword = self.resources.is_stopword
        for t in tokens:
            if t.kind == "word" and is_stopword(t.text, t.script):
                if t.removestops:
                    continue
                t.stopped = True
            yield t


class LightStemFilter(Filter):
    """Replace each word by its stem and add its exact form when the two differ.

    The exact form is the word without proclitics (و, ال, بال ...): ومُعَدّة and
    مُعَدّة are the same word as typed, المعدات is only the same stem.
    """

    is_morph = True

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        split = self.resources.split
        for t in tokens:
            if t.kind != "word" or t.stopped:
                yield t
                continue
            bare, t.text, whole = split(t.text, t.script, t.original)
            forms = WordInfo(t.text, bare, t.text, False, whole).exact_forms
            yield t
            for form in forms:
                t.text = EXACT_PREFIX + form
                t.kind = "exact"
                yield t
            t.kind = "word"


class NameKeyFilter(Filter):
    """Replace each word that looks like a name by its cross-script name keys (``%KLBJR``).

    Used by the ``names`` field alone; every other word is dropped. In documents a
    Latin word must be capitalised to count as a name; in queries it need not be.
    """

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        name_keys = self.resources.name_keys
        for t in tokens:
            keys = name_keys(t.text, t.script, t.original,
                             require_capital=t.mode != "query")
            for key in keys:
                t.text = key
                t.kind = "name"
                yield t


def names_analyzer(resources: Resources) -> CompositeAnalyzer:
    """The chain of the ``names`` field: name keys of the words that look like names.

    >>> [t.text for t in names_analyzer(Resources.load())("Bayraktar drones")]
    ['%lBRKTR']
    """
    return BilingualTokenizer() | OrthographyFilter() | NameKeyFilter(resources)


def fahras_analyzer(resources: Resources) -> CompositeAnalyzer:
    """Build the one bilingual analysis chain used for every text field, index and query side.

    >>> a = fahras_analyzer(Resources.load())
    >>> [t.text for t in a("لخانكندي والاشتباكات")]
    ['@stepanakert', 'خانكندي', 'اشتباك', '=اشتباكات']
    """
    return (BilingualTokenizer()
            | OrthographyFilter()
            | EntityFilter(resources)
            | BilingualStopFilter(resources)
            | LightStemFilter(resources))


def resources_of(analyzer: CompositeAnalyzer) -> Resources:
    """Return the resources an analyzer was built with (for instance one read from an
    index): the text fields' chain or the ``names`` chain.

    >>> r = Resources.load()
    >>> resources_of(names_analyzer(r)) is resources_of(fahras_analyzer(r)) is r
    True
    """
    for item in analyzer.items:
        if isinstance(item, (EntityFilter, NameKeyFilter)):
            return item.resources
    raise ValueError("not a Fahras analyzer")
