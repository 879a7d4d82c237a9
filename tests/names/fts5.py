# SPDX-License-Identifier: GPL-3.0-or-later
"""SQLite FTS5 as set up out of the box, a baseline beside stock Whoosh.

The table indexes title and body with the ``unicode61 remove_diacritics 2`` tokenizer
(case and Latin diacritics folded, Arabic letters left as written) and ranks by FTS5's
built-in bm25. A query is the typed words, each quoted and ANDed, so that no word of a
name can be read as FTS5 syntax (``Jong-un``, ``OR``, ``NEAR``).
"""

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from tests.eval.systems import Document

_SCHEMA = ("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
           "tokenize = 'unicode61 remove_diacritics 2')")


def fts5_query(text: str) -> str:
    """Quote each whitespace-separated word of text and AND them.

    >>> fts5_query('Kim Jong-un')
    '"Kim" AND "Jong-un"'
    >>> fts5_query('a"b')
    '"a""b"'
    """
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in text.split())


class Fts5:
    """An FTS5 table in a file of the index directory, searched with its default ranking."""

    name = "fts5"

    def __init__(self) -> None:
        """Start without an index; build() makes one."""
        self._db: sqlite3.Connection | None = None

    def build(self, documents: Iterable[Document], index_dir: Path) -> None:
        """Insert id, title and body of each document into a new FTS5 table."""
        self._db = sqlite3.connect(index_dir / "fts5.sqlite")
        self._db.execute(_SCHEMA)
        self._db.executemany("INSERT INTO docs (id, title, body) VALUES (?, ?, ?)",
                             ((doc["id"], doc["title"], doc["body"]) for doc in documents))
        self._db.commit()

    def search(self, query: str, k: int) -> list[str]:
        """Return the ids of the top k matches by bm25; a query with no words matches nothing."""
        if self._db is None:
            raise RuntimeError("build() must run before search()")
        expression = fts5_query(query)
        if not expression:
            return []
        rows = self._db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                                (expression, k))
        return [doc_id for (doc_id,) in rows]

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None
