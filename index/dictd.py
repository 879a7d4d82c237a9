"""Read dictionaries in the dictd format (FreeDict's ``.index`` and ``.dict.dz`` files).

The ``.index`` file has one line per headword: ``headword<TAB>offset<TAB>length``,
offset and length in dictd's base64 (``A``-``Z``, ``a``-``z``, ``0``-``9``, ``+``,
``/``; most significant digit first). The ``.dict.dz`` file is gzip (dictzip adds
random access, which a full read does not need). An entry reads::

    Shell /ʃˈɛl/
    1. يقشر
    2. قصف

the headword (with its pronunciation between slashes), then one sense a line,
numbered when there are several. Entries whose name starts with ``00database`` are
metadata.
"""

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64)}
_SENSE_NUMBER_RE = re.compile(r"^\d+\.\s*")
_INVISIBLE = str.maketrans({"\u200e": None, "\u200f": None, "\u200c": None})


class DictdError(ValueError):
    """A malformed dictd file; the message names file and line."""


def decode_number(text: str) -> int:
    """Decode a dictd base64 number.

    >>> decode_number("B"), decode_number("BA"), decode_number("CEN9")
    (1, 64, 541565)
    """
    value = 0
    for char in text:
        value = value * 64 + _B64_VALUE[char]
    return value


def read_dictd(index_path: Path | str, dict_path: Path | str) -> Iterator[tuple[str, list[str]]]:
    """Yield (headword, senses) for every entry, in the order of the index.

    :raises DictdError: for an index line that is not headword, offset, length.
    """
    data = gzip.open(dict_path).read() if str(dict_path).endswith(".dz") \
        else Path(dict_path).read_bytes()
    with open(index_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise DictdError(f"{Path(index_path).name}:{number}: expected "
                                 "headword, offset and length separated by tabs")
            headword, offset, length = parts
            if headword.startswith("00database"):
                continue
            try:
                start, size = decode_number(offset), decode_number(length)
            except KeyError:
                raise DictdError(f"{Path(index_path).name}:{number}: bad base64 number") from None
            yield headword, parse_entry(data[start:start + size].decode("utf-8", "replace"))


def parse_entry(text: str) -> list[str]:
    """Return the senses of one entry (its first line is the headword).

    >>> parse_entry("Shell /ʃˈɛl/\\n1. يقشر\\n2. قصف\\u200e\\n")
    ['يقشر', 'قصف']
    """
    senses = []
    for line in text.splitlines()[1:]:
        sense = _SENSE_NUMBER_RE.sub("", line.translate(_INVISIBLE)).strip()
        if sense:
            senses.append(sense)
    return senses
