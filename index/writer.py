"""Turn documents into index entries and write them: idempotent builds and atomic rebuilds.

``prepare_fields(document, resources)`` is the one place a ``Document`` becomes
the stored and indexed fields (furniture cut, language, entities, content hash);
``build_index`` writes a stream of documents. Re-running is idempotent: a document
whose id and content are already indexed is skipped, one whose content changed
replaces the old version. A first build and ``rebuild=True`` write into a new
version folder that is swapped in only after the commit (``index.store``). When a
document is invalid and no ``on_error`` callback was given, the writer is
cancelled and the existing index is left as it was.
"""

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import FileIndex
from whoosh.writing import IndexWriter

from index import store
from index.language import detect_document_language
from index.normalize import normalize_text
from index.readers import Document, DocumentError
from index.resources import Resources
from index.schema import make_schema
from whoosh import index as whoosh_index

#: Seconds a build waits for another writer (a running build, the service) to finish.
WRITER_TIMEOUT = 30.0


@dataclass
class BuildReport:
    """What a build did."""

    index_dir: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: bool = False
    stale: bool = False

    @property
    def seen(self) -> int:
        """Documents read, valid or not."""
        return self.added + self.updated + self.unchanged + len(self.rejected)

    def summary(self) -> str:
        """One line for people: counts and time."""
        rate = (self.added + self.updated) / self.seconds if self.seconds else 0.0
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.rejected)} rejected in {self.seconds:.1f} s ({rate:.0f} docs/s)")


def content_hash(document: Document) -> str:
    """Hash of everything a source says about a document (its origin excluded)."""
    payload = json.dumps(document.as_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def prepare_fields(document: Document, resources: Resources) -> dict:
    """Return the fields to index for one document.

    :raises DocumentError: when nothing but page furniture is left of the body.
    """
    body, furniture = resources.furniture.clean(document.body)
    if not body:
        raise DocumentError(f"{document.origin}: the body is empty once page furniture "
                            "is removed")
    lang = document.lang or detect_document_language(document.title, body)
    found = resources.gazetteer.find(normalize_text(document.title))
    found += resources.gazetteer.find(normalize_text(body))
    fields = {
        "id": document.id,
        "title": document.title,
        "body": body,
        "names": f"{document.title}\n{body}",
        "lang": lang,
        "entities": " ".join(sorted({m.key for m in found})),
        "furniture": furniture,
        "content_hash": content_hash(document),
    }
    for name in ("source", "date", "url"):
        value = getattr(document, name)
        if value:
            fields[name] = value
    return fields


def build_index(documents: Iterable[Document], index_dir: Path | str, resources: Resources, *,
                rebuild: bool = False,
                on_error: Callable[[DocumentError], None] | None = None,
                progress: Callable[[Iterable[Document]], Iterable[Document]] | None = None,
                ) -> BuildReport:
    """Index ``documents`` into ``index_dir``; see the module docstring for the rules.

    :param on_error: called with each invalid document's error; when None the first
        error cancels the build and is raised.
    :param progress: wraps the document stream (a progress bar).
    :raises DocumentError: for an invalid document when ``on_error`` is None.
    """
    started = time.perf_counter()
    report = BuildReport(index_dir=str(index_dir))
    if progress is not None:
        documents = progress(documents)
    fresh = rebuild or not store.index_exists(index_dir)
    if fresh:
        version = store.new_version_dir(index_dir)
        try:
            ix = whoosh_index.create_in(str(version), make_schema(resources))
            _write(ix, documents, resources, {}, report, on_error)
        except BaseException:
            store.discard(version)
            raise
        store.swap_in(version, index_dir)
        report.rebuilt = True
    else:
        ix = store.open_index(index_dir)
        report.stale = store.is_stale(ix, resources)
        # An incremental build analyses new documents exactly as the index's own
        # documents were analysed; a configuration change needs a rebuild.
        _write(ix, documents, store.index_resources(ix), _known_hashes(ix), report, on_error)
    report.seconds = time.perf_counter() - started
    return report


def _write(ix: FileIndex, documents: Iterable[Document], resources: Resources,
           known: dict[str, str], report: BuildReport,
           on_error: Callable[[DocumentError], None] | None) -> None:
    writer = ix.writer(timeout=WRITER_TIMEOUT, compound=False)
    try:
        for document in documents:
            _write_one(writer, document, resources, known, report, on_error)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _write_one(writer: IndexWriter, document: Document, resources: Resources,
               known: dict[str, str], report: BuildReport,
               on_error: Callable[[DocumentError], None] | None) -> None:
    digest = content_hash(document)
    previous = known.get(document.id)
    if previous == digest:
        report.unchanged += 1
        return
    try:
        fields = prepare_fields(document, resources)
    except DocumentError as error:
        if on_error is None:
            raise
        on_error(error)
        report.rejected.append(str(error))
        return
    if previous is None:
        writer.add_document(**fields)
        report.added += 1
    else:
        writer.update_document(**fields)
        report.updated += 1
    known[document.id] = digest


def _known_hashes(ix: FileIndex) -> dict[str, str]:
    """Map each indexed id to its content hash, read from the columns (no stored text)."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}
