"""Split text into words, each tagged with its script, keeping character offsets.

Arabic words stay whole across harakat and tatweel: Python's ``\\w`` does not match
the combining marks (U+064B-U+065F), so a plain ``\\w+`` tokenizer splits مُعَدّة
into pieces. Latin words keep their diacritics, combining or precomposed (Laçın,
Xankəndi) and inner apostrophes and dots (Ag'dam, News.am); a hyphen separates
words (Nagorno-Karabakh is two words, like the spaced form). Numbers are words.
A run of Arabic letters directly followed by Latin ones gives two words.
"""

import re
from typing import Iterator, NamedTuple

from index.chars import ARABIC_WORD_CLASS

_ARABIC = f"[{ARABIC_WORD_CLASS}]+"
_LATIN_CHAR = f"[^\\W_{ARABIC_WORD_CLASS}]"
_LATIN_MARKS = "[\u0300-\u036f]*"
_LATIN = f"{_LATIN_CHAR}{_LATIN_MARKS}(?:['’ʼ.]?{_LATIN_CHAR}{_LATIN_MARKS})*"
#: One word; the group that matched (``ar`` or ``latin``) is its script, which the
#: surface alone decides.
WORD_RE = re.compile(f"(?P<ar>{_ARABIC})|(?P<latin>{_LATIN})")
#: The same words without the groups: ``SURFACE_RE.findall`` lists a text's words
#: as strings, in C (``script_of`` tells a word's script from its first letter).
SURFACE_RE = re.compile(f"{_ARABIC}|{_LATIN}")
_ARABIC_LETTER = re.compile(f"[{ARABIC_WORD_CLASS}]")

#: Words longer than this are not indexed (base64 blobs, URLs glued to text).
MAX_WORD_LENGTH = 64


class Word(NamedTuple):
    """One word of a text: its surface form, offsets and script (``ar`` or ``latin``)."""

    surface: str
    start: int
    end: int
    script: str


def iter_words(text: str) -> Iterator[Word]:
    """Yield the words of ``text`` in order, with offsets into ``text``.

    >>> [w.surface for w in iter_words("مُعَدّة Laçın-Xankəndi ٢٠٢٠")]
    ['مُعَدّة', 'Laçın', 'Xankəndi', '٢٠٢٠']
    """
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        if end - start <= MAX_WORD_LENGTH:
            yield Word(match.group(), start, end, match.lastgroup)


def script_of(surface: str) -> str:
    """The script of a word as ``WORD_RE`` gives it: ``ar`` or ``latin``.

    >>> script_of("مُعَدّة"), script_of("Laçın"), script_of("٢٠٢٠")
    ('ar', 'latin', 'ar')
    """
    return "ar" if _ARABIC_LETTER.match(surface) else "latin"
