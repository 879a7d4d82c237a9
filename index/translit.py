"""Cross-script name keys: a consonant skeleton shared by Latin and Arabic spellings.

Names outside the gazetteer (كالباجار, Bayraktar, Shahramanyan) are matched across
scripts by reducing both spellings to the classes of their consonants: vowels and
the Arabic letters used as vowels (ا و ي ى, final ه, ع ء) are dropped, letters that
transliteration confuses share a class, and repeated classes collapse::

    Kalbajar     k l b j r        كالباجار   ك ل ب ج ر    -> KLBJR
    Bayraktar    b r k t r        بيرقدار    ب ر ق د ر    -> BRKTR   (t/d, k/q one class)
    Lachin       l ch n           لاتشين     ل تش ن       -> LTŠN    (ch = تش)

The classes follow how Arabic news transliterates Latin names: p/b → ب, v/f → ف,
g → غ or ج (Egyptian), k/q/c → ك or ق, kh → خ, sh → ش, ch → تش, zh/j/dj → ج, voicing
pairs (t/d, s/z) are one class, ذ goes with z (أذربيجان), c before e, i, y is s. ج yields two keys (J and K) because the press writes
it for both j and g (ناجورنو for Nagorno). Precision comes from using the key only for
words that look like names: not a stop word, not a word either dictionary knows,
at least ``MIN_CLASSES`` consonants; Latin words in documents must be capitalised.
So أقدام ("feet", a known word) never gets the key of Aghdam, and لاشين (LŠN) does
not share Lachin's key (LTŠN).
"""

import re

#: Keys shorter than this many consonant classes are not made (too many collisions).
MIN_CLASSES = 3
#: At most this many keys for one word (each ج doubles them).
MAX_KEYS = 4
#: Keys carry the script of the word they come from: ``%a`` Arabic, ``%l`` Latin, so a
#: query can ask for names written in the other script only.
NAME_KEY_PREFIX = {"ar": "%a", "latin": "%l"}

_LATIN_DIGRAPHS = (
    ("dzh", "J"), ("tch", "C"), ("kh", "X"), ("gh", "K"), ("sh", "Š"), ("ch", "C"),
    ("zh", "J"), ("dj", "J"), ("th", "T"), ("ph", "F"), ("ck", "K"),
)
_LATIN_CLASSES = {
    "b": "B", "p": "B", "f": "F", "v": "F", "t": "T", "d": "T", "k": "K", "g": "K",
    "q": "K", "c": "K", "j": "J", "s": "S", "z": "S", "x": "X", "h": "H", "l": "L",
    "r": "R", "m": "M", "n": "N",
    # tch/ch, digraph classes
    "C": "TŠ", "X": "X", "K": "K", "Š": "Š", "J": "J", "T": "T", "F": "F",
}
_ARABIC_CLASSES = {
    "ب": "B", "پ": "B", "ف": "F", "ڤ": "F", "ت": "T", "ط": "T", "ث": "T", "د": "T",
    "ض": "T", "ذ": "S", "ك": "K", "ق": "K", "غ": "K", "گ": "K", "ج": "J", "چ": "TŠ",
    "س": "S", "ص": "S", "ز": "S", "ظ": "S", "ش": "Š", "خ": "X", "ح": "H", "ه": "H",
    "ل": "L", "ر": "R", "م": "M", "ن": "N",
}
_LATIN_DIGRAPH_RE = re.compile("|".join(d for d, _ in _LATIN_DIGRAPHS))
_SOFT_C_RE = re.compile("c(?=[eiy])")
_DIGRAPH_CLASS = dict(_LATIN_DIGRAPHS)


def latin_skeleton(word: str) -> str:
    """The consonant skeleton of a normalised (lowercase, unaccented) Latin word.

    >>> latin_skeleton("kalbajar"), latin_skeleton("lachin"), latin_skeleton("khankendi")
    ('KLBJR', 'LTŠN', 'XNKNT')
    """
    text = _LATIN_DIGRAPH_RE.sub(lambda m: _DIGRAPH_CLASS[m.group()], word)
    text = _SOFT_C_RE.sub("s", text)
    return _collapse("".join(_LATIN_CLASSES.get(c, "") for c in text))


def arabic_skeletons(word: str) -> list[str]:
    """The consonant skeletons of a normalised Arabic word (two readings for each ج).

    >>> arabic_skeletons("كالباجار"), arabic_skeletons("لاتشين")
    (['KLBJR', 'KLBKR'], ['LTŠN'])
    """
    if word.endswith("ه"):
        word = word[:-1]
    readings = [""]
    for char in word:
        if char == "ج":
            readings = [r + c for r in readings for c in ("J", "K")][:MAX_KEYS]
        else:
            readings = [r + _ARABIC_CLASSES.get(char, "") for r in readings]
    return list(dict.fromkeys(_collapse(r) for r in readings))


def skeletons(norm: str, script: str) -> list[str]:
    """The consonant skeletons of a normalised word, long enough to be safe.

    >>> skeletons("bayraktar", "latin"), skeletons("بيرقدار", "ar"), skeletons("tir", "latin")
    (['BRKTR'], ['BRKTR'], [])
    """
    found = arabic_skeletons(norm) if script == "ar" else [latin_skeleton(norm)]
    return [s for s in found if len(s) >= MIN_CLASSES]


def name_key(skeleton: str, script: str) -> str:
    """The indexed term of a skeleton found in a word of ``script``.

    >>> name_key("BRKTR", "ar")
    '%aBRKTR'
    """
    return NAME_KEY_PREFIX[script] + skeleton


_RUN = re.compile(r"(.)\1+", re.DOTALL)


def _collapse(classes: str) -> str:
    """Collapse runs of one class (Mekka and مكة both give MK).

    >>> _collapse("MKK"), _collapse("LLTŠŠŠNL")
    ('MK', 'LTŠNL')
    """
    return _RUN.sub(r"\1", classes)
