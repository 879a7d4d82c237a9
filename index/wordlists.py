"""Read the plain-text lists that linguists edit in ``config/``, with file:line errors."""

from collections.abc import Callable
from pathlib import Path


class ConfigError(ValueError):
    """A mistake in an edited configuration file; the message starts with file:line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{Path(path).name}:{line}: {message}")
        self.path = str(path)
        self.line = line


def read_lines(path: Path | str) -> list[tuple[int, str]]:
    """Return (line number, text) for each non-blank, non-comment line of a UTF-8 file.

    :raises ConfigError: when the file is not valid UTF-8.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(path, line, f"not valid UTF-8 (byte {raw[exc.start]:#04x})") from None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            out.append((number, stripped))
    return out


def read_sections(path: Path | str, allowed: tuple[str, ...]) -> dict[str, list[tuple[int, str]]]:
    """Split a list file into ``[section]`` parts; every line must be inside an allowed one.

    :raises ConfigError: for an unknown section or a line before the first section.
    """
    sections: dict[str, list[tuple[int, str]]] = {name: [] for name in allowed}
    current = None
    for number, line in read_lines(path):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if current not in sections:
                raise ConfigError(path, number, f"unknown section [{current}]; expected one of "
                                  + ", ".join(f"[{s}]" for s in allowed))
        elif current is None:
            raise ConfigError(path, number, "line outside a section; start with "
                              + " or ".join(f"[{s}]" for s in allowed))
        else:
            sections[current].append((number, line))
    return sections


def check_word_list(path: Path | str, entries: list[tuple[int, str]],
                    normalize: Callable[[str], str]) -> frozenset[str]:
    """Return the words of a list that must be stored normalised, one word a line.

    :raises ConfigError: for a line with a space, a word that is not in normalised
        form (naming the form expected) or a duplicate.
    """
    seen: dict[str, int] = {}
    for number, word in entries:
        if any(c.isspace() for c in word):
            raise ConfigError(path, number, f"one word per line, got {word!r}")
        expected = normalize(word)
        if expected != word:
            raise ConfigError(path, number, f"{word!r} is not normalised; write {expected!r}")
        if word in seen:
            raise ConfigError(path, number, f"{word!r} repeats line {seen[word]}")
        seen[word] = number
    return frozenset(seen)
