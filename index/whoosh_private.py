# SPDX-License-Identifier: GPL-3.0-or-later
"""Every fast path that reads or writes Whoosh's private structures, in one module.

Whoosh's public API answers one document or one posting at a time; at 100,000
documents the Whoosh engine needs whole columns and whole posting blocks. The
functions here reach them through private attributes of Whoosh's ``whoosh3`` codec
(as whoosh3 3.54 and whoosh-reloaded 2.7.5 have it). Each says whether the
attributes it needs are there (``None``, ``False``), and its caller then takes
Whoosh's public, slower path, which a test holds equal to the fast one, so a Whoosh
whose internals moved is slower, not wrong. ``tests/test_whoosh_pinned.py`` pins
the releases and checks every attribute named here.

Callers: ``service/engines/whoosh_docsets.py`` (a segment's lengths and ids
columns, a term's postings by block), ``whoosh_phrases.py`` and
``whoosh_ranking.py`` (skipping whole blocks), ``index/segments.py`` (writing
postings by block; its build writer also overrides protected methods of Whoosh's
``SegmentWriter``, its subclassing interface).
"""

from bisect import bisect_left
from typing import Any

import numpy as np

#: What ``lengths_bytes`` reads of a fixed-width column reader (``NumericColumn``).
FIXED_COLUMN = ("_dbfile", "_basepos", "_count", "_fixedlen")
#: What ``column_items`` reads of a variable-width column reader (``VarBytesColumn``).
VAR_COLUMN = ("_dbfile", "_basepos", "_lengths", "_offsets")
#: What ``read_blocks`` reads of a posting matcher (``W3LeafMatcher``).
BLOCK_READER = ("_read_ids", "_read_weights", "_ids", "_weights", "_next_block")
#: What ``skip_to`` and ``seek`` move in a posting matcher.
BLOCK_SKIP = ("_ids", "_i", "_blocklength", "_next_block")
#: What ``fill_blocks`` sets on the postings writer (``W3PostingsWriter``).
BLOCK_STATE = ("_blocklimit", "_ids", "_weights", "_values", "_maxweight", "_minlength",
               "_maxlength", "_write_block", "_byteids")


def lengths_bytes(reader: Any, field: str, size: int) -> bytes | None:
    """A segment's length bytes of ``field``, one per document (the first ``size``
    at most), or None when the column is not Whoosh's one-byte column."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is None or not all(hasattr(column, name) for name in FIXED_COLUMN) \
            or column._fixedlen != 1:
        return None
    return column._dbfile.get(column._basepos, min(column._count, size))


def column_items(raw: Any, size: int) -> list[bytes] | None:
    """A variable-width column's values as bytes, ``size`` of them (``b""`` past the
    last one written), read as one block; None for any other column."""
    if not all(hasattr(raw, name) for name in VAR_COLUMN):
        return None
    lengths = np.asarray(raw._lengths, np.int64)[:size]
    ends = np.cumsum(lengths)
    data = raw._dbfile.get(raw._basepos, int(ends[-1])) if len(ends) else b""
    items = [data[end - n:end] for n, end in zip(lengths.tolist(), ends.tolist())]
    return items + [b""] * (size - len(items))


def read_blocks(matcher: Any, weights: bool) -> tuple[list[int], list[float]] | None:
    """A term's postings, a block at a time (ids, and weights when asked), or None
    when the matcher is not Whoosh's block reader."""
    if not all(hasattr(matcher, name) for name in BLOCK_READER):
        return None
    ids: list[int] = []
    found: list[float] = []
    while matcher.is_active():
        matcher._read_ids()
        ids.extend(matcher._ids)
        if weights:
            matcher._read_weights()
            found.extend(matcher._weights)
        matcher._next_block()
    return ids, found


def skips_blocks(matchers: Any) -> bool:
    """Whether ``skip_to`` and ``seek`` can move every one of these matchers."""
    return all(hasattr(m, name) for m in matchers for name in BLOCK_SKIP)


def skip_to(matcher: Any, doc: int) -> None:
    """``matcher.skip_to(doc)`` for a matcher at or before ``doc``, which is one of
    its documents: skip whole blocks by their last document, then bisect the block.
    Whoosh steps through the block a posting at a time (in a profile of the log at
    100k, 141,298 steps for 14,616 skips)."""
    if matcher.id() >= doc:
        return
    while doc > matcher.block_max_id() and matcher.is_active():
        matcher._next_block()
    matcher.id()                                        # reads the block's ids
    matcher._i = bisect_left(matcher._ids, doc, matcher._i, matcher._blocklength)


def seek(matcher: Any, doc: int) -> bool:
    """Move a matcher to ``doc`` (at or after where it stands), skipping whole blocks
    by their last document and bisecting the block; True when it holds ``doc``."""
    if not matcher.is_active():
        return False
    if matcher.id() >= doc:                             # (reads the block's ids)
        return matcher.id() == doc
    while matcher.block_max_id() < doc:
        matcher._next_block()
        if not matcher.is_active():
            return False
    matcher.id()
    matcher._i = bisect_left(matcher._ids, doc, matcher._i, matcher._blocklength)
    return matcher._ids[matcher._i] == doc


def fills_blocks(postwriter: Any) -> bool:
    """Whether this Whoosh's postings writer, in a term, has the block buffer
    ``fill_blocks`` fills (else postings are added one by one through ``add``)."""
    return all(hasattr(postwriter, name) for name in BLOCK_STATE) and not postwriter._byteids


def fill_blocks(postwriter: Any, ids: Any, weights: Any, values: Any,
                lengths: Any | None) -> None:
    """Put a term's postings into Whoosh's postings writer a block at a time: the
    buffer and statistics ``add_posting`` builds one posting at a time (documents,
    weights, the values that are not empty, the highest weight, the shortest and
    longest non-zero length), full blocks written as it writes them. The last block
    stays buffered for ``finish_term``, which inlines or writes it."""
    limit = postwriter._blocklimit
    for start in range(0, len(ids), limit):
        if start:
            postwriter._write_block()
        block_ids = ids[start:start + limit]
        block_weights = weights[start:start + limit]
        postwriter._ids = block_ids
        postwriter._weights = block_weights
        postwriter._values = [v for v in values[start:start + limit] if v]
        postwriter._maxweight = max(0, max(block_weights))
        known = [n for n in map(lengths.__getitem__, block_ids) if n] if lengths else ()
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0
