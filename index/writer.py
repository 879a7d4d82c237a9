"""Turn documents into index entries and write them: idempotent builds and atomic rebuilds.

``prepare_fields(document, resources)`` is the one place a ``Document`` becomes
the stored and indexed fields (furniture cut, language, entities, content hash);
``build_index`` writes a stream of documents. Re-running is idempotent: a document
whose id and content are already indexed is skipped, one whose content changed
replaces the old version. A first build and ``rebuild=True`` write into a new
version folder that is swapped in only after the commit (``index.store``), with
``index.segments.BuildWriter`` in ``procs`` processes (``index.workers``), each
writing its own segments; adding to an existing index goes through Whoosh's
writer in one process. When a document is invalid and no ``on_error`` callback
was given, the build is cancelled and the existing index is left as it was.
``write_documents`` and
``delete_document`` serve the ingestion API: one commit per request, under Whoosh's
writer lock (one writer at a time, across processes); a writer that waits past its
time-out raises ``index.store.WriterBusy``, as the Xapian writer does
(``index.xapian_writer``, which writes the same documents into a Xapian database).
Neither writer writes over the other engine's index unless told to rebuild
(``index.store.EngineMismatch``).
"""

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import FileIndex, LockError
from whoosh.writing import IndexWriter

from index import store
from index.language import detect_document_language
from index.normalize import normalize_text
from index.readers import Document, DocumentError
from index.resources import Resources
from index.schema import make_schema
from index.segments import BuildWriter, with_segments
from index.terms import TermMaker
from index.workers import run_partitioned
from whoosh import index as whoosh_index

#: Seconds a build waits for another writer (a running build, the service) to finish.
WRITER_TIMEOUT = 30.0
#: Documents per segment of a fresh build at most: its postings stay in memory until
#: the segment is written (a process peaked at 1.7 GB for 100,000 news articles).
SEGMENT_DOCS = 100_000


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

    def absorb(self, parts: Iterable["BuildReport"],
               on_error: Callable[[DocumentError], None] | None = None) -> None:
        """Add the counts and rejections of a build's parts to this report, then
        hand each rejection to ``on_error`` (when given)."""
        for part in parts:
            self.added += part.added
            self.updated += part.updated
            self.unchanged += part.unchanged
            self.rejected += part.rejected
        if on_error is not None:
            for message in self.rejected:
                on_error(DocumentError(message))

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


def prepare_fields(document: Document, resources: Resources,
                   maker: TermMaker | None = None, digest: str | None = None) -> dict:
    """Return the fields to index for one document.

    :param maker: when given (a build), the entities come from its terms of the
        title and body, which the build writer then reuses.
    :param digest: the document's ``content_hash`` when the caller has it.
    :raises DocumentError: when nothing but page furniture is left of the body.
    """
    body, furniture = resources.furniture.clean(document.body)
    if not body:
        raise DocumentError(f"{document.origin}: the body is empty once page furniture "
                            "is removed")
    lang = document.lang or detect_document_language(document.title, body)
    if maker is not None:
        entities = maker.text_terms(document.title).entities | \
            maker.text_terms(body).entities
    else:
        found = resources.gazetteer.find(normalize_text(document.title))
        found += resources.gazetteer.find(normalize_text(body))
        entities = {m.key for m in found}
    fields = {
        "id": document.id,
        "title": document.title,
        "body": body,
        "names": f"{document.title}\n{body}",
        "lang": lang,
        "entities": " ".join(sorted(entities)),
        "furniture": furniture,
        "content_hash": digest or content_hash(document),
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
                procs: int = 1, segment_docs: int = SEGMENT_DOCS,
                ) -> BuildReport:
    """Index ``documents`` into ``index_dir``; see the module docstring for the rules.

    :param on_error: called with each invalid document's error; when None the first
        error cancels the build and is raised. In a fresh build it is called once
        the documents have been written, before the commit.
    :param progress: wraps the document stream (a progress bar).
    :param procs: processes of a fresh build (first build or rebuild), each writing
        its own segments; adding to an index is done in one.
    :param segment_docs: documents per segment a fresh build writes at most (memory).
    :raises DocumentError: for an invalid document when ``on_error`` is None.
    :raises EngineMismatch: when ``index_dir`` holds a Xapian index and ``rebuild``
        is False.
    """
    started = time.perf_counter()
    report = BuildReport(index_dir=str(index_dir))
    if not rebuild:
        store.check_engine(index_dir, store.WHOOSH)
    if progress is not None:
        documents = progress(documents)
    fresh = rebuild or not store.index_exists(index_dir)
    if fresh:
        version = store.new_version_dir(index_dir)
        try:
            ix = whoosh_index.create_in(str(version), make_schema(resources))
            _write_fresh(ix, documents, resources, report, on_error, procs, segment_docs)
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


def create_empty_index(index_dir: Path | str, resources: Resources) -> None:
    """Create an index with no documents (swapped in like a rebuild)."""
    version = store.new_version_dir(index_dir)
    whoosh_index.create_in(str(version), make_schema(resources))
    store.swap_in(version, index_dir)


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


def _write_fresh(ix: FileIndex, documents: Iterable[Document], resources: Resources,
                 report: BuildReport, on_error: Callable[[DocumentError], None] | None,
                 procs: int, segment_docs: int) -> None:
    """Write a fresh index with ``BuildWriter``s: ``procs`` processes, each writing
    segments of at most ``segment_docs`` documents (a document id always goes to the
    same process, so a later version replaces an earlier one), then one commit."""
    parent = BuildWriter(ix, timeout=WRITER_TIMEOUT, compound=False)
    strict = on_error is None

    def write_part(part: Iterator[Document]) -> tuple[list, BuildReport]:
        part_report = BuildReport(index_dir=report.index_dir)
        maker = TermMaker(resources)
        known: dict[str, str] = {}
        segments = []
        # id -> (segment number, docnum) of each document written; the writer's own
        # segment is number len(segments)
        placed: dict[str, tuple[int, int]] = {}
        writer = None
        try:
            for document in part:
                if writer is None:
                    writer = BuildWriter(ix, maker=maker, part=True, compound=False)
                before = writer.docnum
                _write_one(writer, document, resources, known, part_report,
                           None if strict else _keep, maker)
                if writer.docnum > before:
                    # a new version replaces one in a finished segment (the writer
                    # itself replaces one in its own segment)
                    old = placed.get(document.id)
                    if old is not None and old[0] < len(segments):
                        segments[old[0]].delete_document(old[1])
                    placed[document.id] = (len(segments), before)
                if writer.doc_count() >= segment_docs:
                    segments.append(writer.finish_segment())
                    writer = None
            if writer is not None:
                segments.append(writer.finish_segment())
        except BaseException:
            if writer is not None:
                writer.cancel()
            raise
        return segments, part_report

    try:
        parts = run_partitioned(documents, lambda d: d.id, procs, write_part)
    except BaseException:
        parent.cancel()
        raise
    segments = [segment for part_segments, _ in parts for segment in part_segments]
    report.absorb((part_report for _, part_report in parts), on_error)
    parent.commit(mergetype=with_segments(segments))


def _keep(error: DocumentError) -> None:
    """``on_error`` of a build's parts: the rejection is in the part's report."""


def _write_one(writer: IndexWriter, document: Document, resources: Resources,
               known: dict[str, str], report: BuildReport,
               on_error: Callable[[DocumentError], None] | None,
               maker: TermMaker | None = None) -> None:
    digest = content_hash(document)
    previous = known.get(document.id)
    if previous == digest:
        report.unchanged += 1
        return
    try:
        fields = prepare_fields(document, resources, maker, digest)
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
        if reader.doc_count_all() == 0:
            return {}
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


@dataclass
class WriteResult:
    """What a write through the API did, document by document."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def absorb(self, part: "WriteResult") -> None:
        """Add what a part of the write did (a shard's) to this result."""
        self.added += part.added
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.rejected = sorted(self.rejected + part.rejected, key=lambda item: item["index"])


def split_rejected(documents: Iterable[tuple[int, Document | DocumentError]]
                   ) -> tuple[WriteResult, list[tuple[int, Document]]]:
    """A write's result with the documents the request already rejected, and the
    valid ones (both engines' writers start so)."""
    result = WriteResult()
    items = list(documents)
    for i, error in items:
        if isinstance(error, DocumentError):
            result.rejected.append({"index": i, "error": str(error)})
    return result, [(i, d) for i, d in items if isinstance(d, Document)]


def apply_documents(valid: list[tuple[int, Document]], result: WriteResult,
                    indexed: dict[str, str | None], prepare, put) -> None:
    """A write's documents, one by one, as both engines' writers take them: one whose
    content hash is the indexed one's is unchanged; one that ``prepare(document,
    digest)`` rejects is reported with its position; the others are ``put`` and
    counted as added or updated (``indexed``: the content hash of each id already
    in the index, kept up to date as the write goes, so a repeated id is seen)."""
    for i, document in valid:
        digest = content_hash(document)
        if document.id in indexed and indexed[document.id] == digest:
            result.unchanged.append(document.id)
            continue
        try:
            prepared = prepare(document, digest)
        except DocumentError as error:
            result.rejected.append({"index": i, "id": document.id, "error": str(error)})
            continue
        put(prepared)
        (result.updated if document.id in indexed else result.added).append(document.id)
        indexed[document.id] = digest


def write_documents(documents: Iterable[tuple[int, Document | DocumentError]],
                    index_dir: Path | str, resources: Resources, *,
                    timeout: float = WRITER_TIMEOUT) -> WriteResult:
    """Add or replace documents in one commit, analysed exactly as ``build_index`` does.

    :param documents: (position in the request, document or the error that rejected it).
    :param resources: used only when there is no index yet (the first write creates it).
    :raises WriterBusy: when another writer holds the index past ``timeout``.
    :raises EngineMismatch: when ``index_dir`` holds a Xapian index.
    """
    result, valid = split_rejected(documents)
    if not valid:
        return result
    store.check_engine(index_dir, store.WHOOSH)
    if not store.index_exists(index_dir):
        create_empty_index(index_dir, resources)
    ix = store.open_index(index_dir)
    index_resources = store.index_resources(ix)
    writer = _writer(ix, timeout)
    try:
        # Read what is indexed only once the lock is held: another process may have
        # committed the same ids while this one waited.
        # update_document replaces any document with this id, so even a stale view
        # could never leave two copies.
        apply_documents(valid, result, _hashes_of(writer, [d.id for _, d in valid]),
                        lambda document, digest: prepare_fields(document, index_resources),
                        lambda fields: writer.update_document(**fields))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return result


def delete_document(doc_id: str, index_dir: Path | str, *,
                    timeout: float = WRITER_TIMEOUT) -> bool:
    """Delete one document; True when it was there.

    :raises WriterBusy: when another writer holds the index past ``timeout``.
    :raises EngineMismatch: when ``index_dir`` holds a Xapian index.
    """
    store.check_engine(index_dir, store.WHOOSH)
    if not store.index_exists(index_dir):
        return False
    ix = store.open_index(index_dir)
    writer = _writer(ix, timeout)
    try:
        count = writer.delete_by_term("id", doc_id)
    except BaseException:
        writer.cancel()
        raise
    if count:
        writer.commit()
    else:
        writer.cancel()
    return bool(count)


def _writer(ix: FileIndex, timeout: float) -> IndexWriter:
    """Whoosh's writer, or ``WriterBusy`` (the error both engines' writers raise)."""
    try:
        return ix.writer(timeout=timeout, compound=False)
    except LockError as error:
        raise store.WriterBusy(f"another writer held the index for {timeout:g} s") from error


def _hashes_of(writer: IndexWriter, ids: list[str]) -> dict[str, str]:
    with writer.searcher() as searcher:
        out = {}
        for doc_id in ids:
            stored = searcher.document(id=doc_id)
            if stored is not None:
                out[doc_id] = stored["content_hash"]
        return out
