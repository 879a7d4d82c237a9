"""Cut page furniture (author boxes, comment forms, "read also" lines) from article bodies.

Scraped pages end with text that is not the article: seed 002 ends with an author
biography, a comment form (اترك تعليقاً …) and headlines about a Chinese aircraft
carrier and Moroccan missiles. Indexed, they make the article match queries it is
not about. ``Furniture.load(path)`` reads the markers of ``config/furniture.txt``;
``Furniture.clean(body)`` returns the article text and the furniture it removed
(kept as a stored field, so nothing is lost). A line that is only a web address
is always furniture.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from index.normalize import normalize_text, normalize_word
from index.tokens import iter_words
from index.wordlists import ConfigError, read_sections

#: A [cut] marker counts only after this many characters of body text.
MIN_BODY_BEFORE_CUT = 300
_URL_LINE_RE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Furniture:
    """Markers of page furniture, as word sequences compared after normalisation."""

    cut: tuple[tuple[str, ...], ...] = ()
    line: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def load(cls, path: Path | str) -> "Furniture":
        """Read the ``[cut]`` and ``[line]`` sections of a furniture file.

        :raises ConfigError: for an unknown section or a marker without words.
        """
        sections = read_sections(path, ("cut", "line"))
        markers = {}
        for name in ("cut", "line"):
            words = []
            for number, marker in sections[name]:
                normalized = tuple(normalize_text(marker))
                if not normalized:
                    raise ConfigError(path, number, f"marker {marker!r} has no words")
                words.append(normalized)
            markers[name] = tuple(words)
        return cls(markers["cut"], markers["line"])

    def clean(self, body: str) -> tuple[str, str]:
        """Split a body into (article text, removed furniture), both stripped.

        >>> f = Furniture(cut=(("اترك", "تعليقا"),), line=(("اقرا", "ايضا"),))
        >>> f.clean("نص المقال " * 40 + "\\nاقرأ أيضاً: خبر آخر\\nاترك تعليقاً\\nعنوان")[1]
        'اقرأ أيضاً: خبر آخر\\nاترك تعليقاً\\nعنوان'
        """
        kept: list[str] = []
        removed: list[str] = []
        length = 0
        lines = body.splitlines()
        longest = max((len(m) for m in self.cut + self.line), default=0)
        for index, line in enumerate(lines):
            words = _first_words(line, longest)
            if length >= MIN_BODY_BEFORE_CUT and _starts_with_any(words, self.cut):
                removed.extend(lines[index:])
                break
            if _starts_with_any(words, self.line) or _URL_LINE_RE.match(line):
                removed.append(line)
                continue
            kept.append(line)
            length += len(line)
        return "\n".join(kept).strip(), "\n".join(r for r in removed if r.strip()).strip()


def _first_words(line: str, count: int) -> tuple[str, ...]:
    """The first ``count`` words of a line, normalised (markers are short)."""
    out = []
    for word in iter_words(line):
        if len(out) == count:
            break
        out.append(normalize_word(word.surface, word.script))
    return tuple(out)


def _starts_with_any(words: tuple[str, ...], markers: tuple[tuple[str, ...], ...]) -> bool:
    return any(words[:len(m)] == m for m in markers)
