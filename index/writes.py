"""The one place that picks an engine's writer: builds, and writes through the API.

``builder(engine)`` is an engine's build function (``build_index`` or
``build_xapian_index``, one signature). ``write_documents`` and ``delete_document``
take the engine the index folder holds (``index.store.engine_of``), and ``engine``
(the ``ENGINE`` setting) when there is no index yet, so neither the service nor the
command line needs to know which engine it writes to. Both engines' writers share
one contract: one commit per call, documents analysed as a build analyses them,
``index.store.WriterBusy`` when another writer holds the index past ``timeout``.
"""

from collections.abc import Iterable
from pathlib import Path

from index import store
from index.readers import Document, DocumentError
from index.resources import Resources
from index.writer import WRITER_TIMEOUT, WriteResult
from index.writer import build_index
from index.writer import delete_document as delete_whoosh
from index.writer import write_documents as write_whoosh
from index.xapian_writer import build_xapian_index, delete_xapian_document, write_xapian_documents


def builder(engine: str):
    """The build function of ``engine`` (``whoosh`` or ``xapian``; see
    ``index.writer.build_index``)."""
    return build_xapian_index if engine == store.XAPIAN else build_index


def write_documents(documents: Iterable[tuple[int, Document | DocumentError]],
                    index_dir: Path | str, resources: Resources, *, engine: str = "whoosh",
                    timeout: float = WRITER_TIMEOUT) -> WriteResult:
    """Add or replace documents in one commit (see ``index.writer.write_documents``).

    :param engine: the engine of a first write, when ``index_dir`` holds no index.
    """
    if (store.engine_of(index_dir) or engine) == store.XAPIAN:
        return write_xapian_documents(documents, index_dir, resources, timeout=timeout)
    return write_whoosh(documents, index_dir, resources, timeout=timeout)


def delete_document(doc_id: str, index_dir: Path | str, *,
                    timeout: float = WRITER_TIMEOUT) -> bool:
    """Delete one document; True when it was there."""
    if store.engine_of(index_dir) == store.XAPIAN:
        return delete_xapian_document(doc_id, index_dir, timeout=timeout)
    return delete_whoosh(doc_id, index_dir, timeout=timeout)
