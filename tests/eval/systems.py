# SPDX-License-Identifier: GPL-3.0-or-later
"""Search systems under evaluation, registered by name in ``SYSTEMS``.

A system builds its own index from the documents (dicts with ``id``, ``title``, ``body``, ``lang``)
into a directory it is given, then answers queries with document ids, best first.
"""

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Protocol

from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

Document = Mapping[str, str]


class System(Protocol):
    """What the harness needs from a search system."""

    name: str

    def build(self, documents: Iterable[Document], index_dir: Path) -> None:
        """Index the documents into index_dir."""

    def search(self, query: str, k: int) -> list[str]:
        """Return up to k document ids for the query, best first."""

    def close(self) -> None:
        """Release what build() opened."""


class StockWhoosh:
    """Whoosh as set up out of the box: StandardAnalyzer fields and a default MultifieldParser."""

    name = "stock-whoosh"

    def __init__(self) -> None:
        """Start without an index; build() makes one."""
        self._index: index.Index | None = None

    def build(self, documents: Iterable[Document], index_dir: Path) -> None:
        """Index id, title and body of each document as given."""
        schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True),
                        body=TEXT(stored=True))
        self._index = index.create_in(str(index_dir), schema)
        with self._index.writer() as writer:
            for doc in documents:
                writer.add_document(id=doc["id"], title=doc["title"], body=doc["body"])

    def search(self, query: str, k: int) -> list[str]:
        """Parse the query with MultifieldParser's defaults (AND grouping); return the top k ids."""
        if self._index is None:
            raise RuntimeError("build() must run before search()")
        parsed = MultifieldParser(["title", "body"], self._index.schema).parse(query)
        with self._index.searcher() as searcher:
            return [hit["id"] for hit in searcher.search(parsed, limit=k)]

    def close(self) -> None:
        """Nothing stays open between searches."""


class Fahras:
    """Fahras end to end: its build (furniture, language, analysis) and its search API."""

    name = "fahras"

    def __init__(self, settings: dict | None = None) -> None:
        """Start without an index; build() makes one. ``settings`` override the app's."""
        self._client = None
        self.settings = settings or {}

    def build(self, documents: Iterable[Document], index_dir: Path) -> None:
        """Index the documents with the build pipeline and open the API on them."""
        from index.readers import document_from_record
        from index.resources import Resources
        from index.writes import builder

        records = (document_from_record(dict(doc), f"eval:{doc['id']}") for doc in documents)
        builder(self.settings.get("ENGINE", "whoosh"))(records, index_dir / "index",
                                                       Resources.load())
        self.open(index_dir)

    def open(self, index_dir: Path) -> None:
        """Serve the API on an index that build() made earlier in ``index_dir``."""
        from service import create_app

        self._app = create_app({"INDEX_DIR": str(index_dir / "index"), "MAX_PER_PAGE": 100,
                                "RATE_LIMIT": 0,
                                **self.settings})
        self._client = self._app.test_client()

    def search(self, query: str, k: int) -> list[str]:
        """Ask GET /api/search for the top k; an error response counts as no result."""
        if self._client is None:
            raise RuntimeError("build() must run before search()")
        response = self._client.get("/api/search", query_string={"q": query, "per_page": k})
        if response.status_code != 200:
            return []
        return [result["id"] for result in response.get_json()["results"]]

    def close(self) -> None:
        """Close the index the API holds open."""
        if self._client is not None:
            self._app.extensions["fahras"].handle.close()
            self._client = None


class FahrasXapian(Fahras):
    """Fahras on the Xapian engine (``ENGINE=xapian``), for the engines side by side."""

    name = "fahras-xapian"

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__({"ENGINE": "xapian", **(settings or {})})


SYSTEMS: dict[str, Callable[[], System]] = {
    StockWhoosh.name: StockWhoosh,
    Fahras.name: Fahras,
    FahrasXapian.name: FahrasXapian,
}
