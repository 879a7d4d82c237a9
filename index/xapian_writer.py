"""Write documents into a Xapian database: ``index.writer``'s rules for the second engine.

The fields are ``index.writer.prepare_fields``'s, the reports ``BuildReport`` and
``WriteResult``, the rules the same: a build is idempotent (a document whose id and
content hash are indexed is skipped, one whose content changed replaces the old
version), a first build and ``rebuild=True`` write a new version folder that is
swapped in once complete (``index.store``), and an invalid document cancels the
build unless ``on_error`` is given. ``xapian_document`` lays a document out as
``index.xapian_layout`` says, with ``index.terms.TermMaker``'s terms: the terms the
Whoosh index holds (``tests/test_xapian_writer.py`` compares the two, document by
document).

* A fresh build runs in ``procs`` processes (``index.workers``), each writing a
  database of its part; the parts are then compacted into the version folder as one
  database (``xapian.Database.compact``: full blocks, documents numbered part after
  part) and the parts removed.
* Adding to an index, ``write_xapian_documents`` and ``delete_xapian_document`` take
  Xapian's write lock (one writer at a time, across processes; one that waits past
  its time-out raises ``index.store.WriterBusy``) and change the database inside one
  transaction: outside one, Xapian commits by itself every 10,000 changes (and when a
  database is closed), and a reader must see all of a build or request or none of it.
* The resources are pickled beside the database (``RESOURCES_FILE``), as Whoosh
  pickles them inside its schema: an incremental build analyses new documents as the
  index's own were analysed, and ``store.resources_at`` reads them back.
"""

import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import xapian

from index import shards as sharding
from index import store
from index import xapian_layout as layout
from index.readers import Document, DocumentError
from index.resources import Resources
from index.terms import TermMaker
from index.workers import run_partitioned
from index.writer import (WRITER_TIMEOUT, BuildReport, WriteResult, apply_documents,
                          content_hash, prepare_fields, split_rejected)

#: The longest term, in UTF-8 bytes, that Xapian's glass backend stores. A document
#: with a longer term is refused, and the refusal discards every change since the
#: last commit (so seen with 1.4.26): terms are checked before a document is added.
MAX_TERM_BYTES = 245
#: Seconds between two attempts at the write lock.
LOCK_RETRY = 0.05
#: Documents a fresh build's part writes between two commits. Xapian's own default (a
#: commit every 10,000 changes) made adding a document nearly twice as slow: 2.6 ms
#: against 1.4 ms per news article, 12,000 articles into one database with 1.4.26
#: (500 and 1,000 were the fastest).
PART_COMMIT_DOCS = 1000
#: The folder, inside a fresh build's version folder, of its parts' databases.
_PARTS = "parts"


def xapian_document(fields: dict, maker: TermMaker) -> xapian.Document:
    """Lay out one document's fields (``prepare_fields``' output) as a Xapian document.

    A text term longer than ``MAX_TERM_BYTES`` (a word of more than 61 four-byte
    characters) is left out, as no query could spell it.

    :param maker: the term maker ``prepare_fields`` was given, so that each text's
        terms are made once.
    :raises DocumentError: when the id or the source is longer than a Xapian term
        may be (the document could not be replaced, deleted or filtered by it).

    >>> maker = TermMaker(Resources.load())
    >>> fields = prepare_fields(Document("d1", "قصف لاتشين", "Lachin shelled", lang="ar",
    ...                                  date="2023-09-19"), maker.resources, maker)
    >>> doc = xapian_document(fields, maker)
    >>> [(t.term.decode(), t.wdf, list(t.positer)) for t in doc.termlist()]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Qd1', 0, []), ('XB=shelled', 1, [2]), ('XB@lachin', 1, [1]), ('XBlachin', 1, [1]),
     ('XBshell', 1, [2]), ('XElachin', 0, []), ('XLar', 0, []), ('XT@lachin', 1, [2]),
     ('XTقصف', 1, [1]), ('XTلاتشين', 1, [2]), ('XY2023', 0, [])]
    >>> doc.get_value(layout.YEAR_SLOT), layout.load_data(doc.get_data())["title"]
    (b'2023', 'قصف لاتشين')
    """
    doc = xapian.Document()
    for name in ("title", "body"):
        terms = maker.text_terms(fields.get(name) or "")
        for text, positions in terms.positions.items():
            term = layout.field_term(name, text)
            if _fits(term):
                for pos in positions:
                    doc.add_posting(term, pos + 1)
    for key, count in maker.name_terms(fields.get("names") or "").items():
        term = layout.field_term("names", key)
        if _fits(term):
            doc.add_term(term, count)

    lang, source, date = fields["lang"], fields.get("source"), fields.get("date")
    entities = fields.get("entities", "").split()
    filters = [(layout.ID_PREFIX, fields["id"], "id"), (layout.LANG_PREFIX, lang, "lang")]
    filters += [(layout.ENTITY_PREFIX, key, "entity") for key in entities]
    if source:
        filters.append((layout.SOURCE_PREFIX, source, "source"))
    if date:
        filters.append((layout.YEAR_PREFIX, date[:4], "date"))
    for prefix, text, name in filters:
        term = layout.term(prefix, text)
        if not _fits(term):
            raise DocumentError(f"the {name} is longer than the Xapian engine can index "
                                f"({MAX_TERM_BYTES - len(prefix)} bytes in UTF-8)")
        doc.add_boolean_term(term)

    doc.add_value(layout.LANG_SLOT, lang)
    if source:
        doc.add_value(layout.SOURCE_SLOT, source)
    if date:
        doc.add_value(layout.DATE_SLOT, date)
        doc.add_value(layout.YEAR_SLOT, date[:4])
    doc.add_value(layout.FACETS_SLOT, layout.facets_value(lang, source, date))
    for slot, keys in layout.entity_values(entities).items():
        doc.add_value(slot, keys)

    stored = {name: value for name, value in fields.items() if name != "names"}
    doc.set_data(layout.dump_data(stored))
    return doc


def _fits(term: str) -> bool:
    # A character is at most four bytes: most terms need no encoding to tell.
    return len(term) * 4 <= MAX_TERM_BYTES or len(term.encode("utf-8")) <= MAX_TERM_BYTES


def build_xapian_index(documents: Iterable[Document], index_dir: Path | str,
                       resources: Resources, *, rebuild: bool = False,
                       on_error: Callable[[DocumentError], None] | None = None,
                       progress: Callable[[Iterable[Document]], Iterable[Document]] | None = None,
                       procs: int = 1, shards: int = 1) -> BuildReport:
    """Index ``documents`` into a Xapian database at ``index_dir``, as ``build_index``
    does into a Whoosh index (see the module docstring).

    :param shards: more than 1: a fresh build of that many shards, one process
        each, searched as one database (``index.shards``); adding to an index that
        exists goes to each document's shard.

    :param on_error: called with each invalid document's error; when None the first
        error cancels the build and is raised. In a fresh build it is called once the
        documents have been written, before the parts are merged.
    :param progress: wraps the document stream (a progress bar).
    :param procs: processes of a fresh build (first build or rebuild); adding to an
        index is done in one.
    :raises DocumentError: for an invalid document when ``on_error`` is None.
    :raises EngineMismatch: when ``index_dir`` holds a Whoosh index and ``rebuild``
        is False.
    :raises WriterBusy: when another writer holds the index past ``WRITER_TIMEOUT``.
    """
    started = time.perf_counter()
    report = BuildReport(index_dir=str(index_dir))
    if not rebuild:
        store.check_engine(index_dir, store.XAPIAN)
    if progress is not None:
        documents = progress(documents)
    if rebuild or store.engine_of(index_dir) is None:
        version = store.new_version_dir(index_dir)
        try:
            if shards > 1:
                _write_shards(version, documents, resources, report, on_error, shards)
            else:
                _write_fresh(version, documents, resources, report, on_error, procs)
        except BaseException:
            store.discard(version)
            raise
        store.swap_in(version, index_dir)
        report.rebuilt = True
    else:
        # New documents are analysed as the index's own were; a configuration change
        # needs a rebuild.
        built_with = store.resources_at(index_dir)
        report.stale = built_with.fingerprint != resources.fingerprint
        for folder, part in _by_shard(index_dir, documents):
            db = _open_writable(folder, WRITER_TIMEOUT)
            try:
                _write(db, part, built_with, report, on_error)
            finally:
                db.close()
    report.seconds = time.perf_counter() - started
    return report


def create_empty_xapian_index(index_dir: Path | str, resources: Resources) -> None:
    """Create a Xapian index with no documents (swapped in like a rebuild)."""
    version = store.new_version_dir(index_dir)
    try:
        _finish(version, resources)
    except BaseException:
        store.discard(version)
        raise
    store.swap_in(version, index_dir)


def _write(db: xapian.WritableDatabase, documents: Iterable[Document], resources: Resources,
           report: BuildReport, on_error: Callable[[DocumentError], None] | None) -> None:
    maker = TermMaker(resources)
    known: dict[str, str | None] = {}
    db.begin_transaction()
    try:
        for document in documents:
            _write_one(db, document, resources, maker, known, report, on_error, fresh=False)
    except BaseException:
        _cancel(db)
        raise
    db.commit_transaction()


def _write_fresh(version: Path, documents: Iterable[Document], resources: Resources,
                 report: BuildReport, on_error: Callable[[DocumentError], None] | None,
                 procs: int) -> None:
    """Write ``procs`` part databases (a document id always goes to the same part, so
    a later version replaces an earlier one) and compact them into ``version``."""
    parts_dir = version / _PARTS
    parts_dir.mkdir()
    strict = on_error is None

    def write_part(part: Iterator[Document]) -> tuple[str, BuildReport]:
        part_report = BuildReport(index_dir=report.index_dir)
        path = tempfile.mkdtemp(dir=parts_dir)
        maker = TermMaker(resources)
        known: dict[str, str | None] = {}
        # Nobody reads a part: it is committed as it goes (no transaction), which keeps
        # memory flat, and never synced to disk (the compacted database is).
        db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE | xapian.DB_NO_SYNC)
        try:
            for count, document in enumerate(part, 1):
                _write_one(db, document, resources, maker, known, part_report,
                           None if strict else _keep, fresh=True)
                if count % PART_COMMIT_DOCS == 0:
                    db.commit()
            db.commit()
        finally:
            db.close()
        return path, part_report

    parts = run_partitioned(documents, lambda d: d.id, procs, write_part)
    report.absorb((part_report for _, part_report in parts), on_error)
    merged = xapian.Database()
    for path, _ in parts:
        merged.add_database(xapian.Database(path))
    merged.compact(str(version))
    merged.close()
    shutil.rmtree(parts_dir)
    _finish(version, resources)


def _write_shards(version: Path, documents: Iterable[Document], resources: Resources,
                  report: BuildReport, on_error: Callable[[DocumentError], None] | None,
                  shards: int) -> None:
    """Write ``shards`` shard databases into ``version`` (``shard-00``...), each
    document in ``index.shards.shard_of`` its id, one process per shard, and the stub
    file and resources that make the folder one index.

    ``run_partitioned`` gives part ``i`` the ids whose CRC-32 mod ``shards`` is
    ``i``, which is ``shard_of``, and returns the parts' results in that order."""

    def write_shard(part: Iterator[Document]) -> tuple[str, BuildReport]:
        folder = tempfile.mkdtemp(dir=version)
        part_report = BuildReport(index_dir=report.index_dir)
        _write_fresh(Path(folder), part, resources, part_report,
                     None if on_error is None else _keep, procs=1)
        return folder, part_report

    written = run_partitioned(documents, lambda d: d.id, shards, write_shard)
    for shard, (folder, _) in enumerate(written):
        target = version / sharding.SHARD_NAME.format(shard)
        Path(folder).rename(target)
        target.chmod(0o755)                     # mkdtemp's is the owner's alone
    report.absorb((part_report for _, part_report in written), on_error)
    sharding.write_stub(version, shards)
    with open(version / layout.RESOURCES_FILE, "wb") as handle:
        pickle.dump(resources, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _by_shard(index_dir: Path | str, documents: Iterable[Document]
              ) -> list[tuple[Path, Iterable[Document]]]:
    """The folders to write and the documents of each: the index itself, or each
    shard of a sharded index with the documents whose id goes to it."""
    folder = store.resolved_dir(index_dir)
    dirs = sharding.shard_dirs(folder)
    if dirs is None:
        return [(folder, documents)]
    groups = sharding.route(documents, lambda d: d.id, len(dirs))
    return [(dirs[shard], part) for shard, part in groups.items()]


def _keep(error: DocumentError) -> None:
    """``on_error`` of a build's parts: the rejection is in the part's report."""


def _write_one(db: xapian.WritableDatabase, document: Document, resources: Resources,
               maker: TermMaker, known: dict[str, str | None], report: BuildReport,
               on_error: Callable[[DocumentError], None] | None, *, fresh: bool) -> None:
    """Add, replace or skip one document.

    :param known: content hashes of the ids seen so far (None: not indexed).
    :param fresh: the database holds only what this writer wrote (``known`` says
        what), so it need not be asked.
    """
    digest = content_hash(document)
    if document.id not in known:
        known[document.id] = None if fresh else _indexed_hash(db, document.id)
    previous = known[document.id]
    if previous == digest:
        report.unchanged += 1
        return
    try:
        doc = _document_of(document, resources, maker, digest)
    except DocumentError as error:
        if on_error is None:
            raise
        on_error(error)
        report.rejected.append(str(error))
        return
    if previous is None:
        db.add_document(doc)
        report.added += 1
    else:
        db.replace_document(layout.term(layout.ID_PREFIX, document.id), doc)
        report.updated += 1
    known[document.id] = digest


def _document_of(document: Document, resources: Resources, maker: TermMaker,
                 digest: str) -> xapian.Document:
    """``xapian_document`` of ``prepare_fields``, errors naming the document's origin."""
    fields = prepare_fields(document, resources, maker, digest)
    try:
        return xapian_document(fields, maker)
    except DocumentError as error:
        raise DocumentError(f"{document.origin}: {error}") from None


def _indexed_hash(db: xapian.Database, doc_id: str) -> str | None:
    """The content hash of the indexed document with this id, None when there is none."""
    for posting in db.postlist(layout.term(layout.ID_PREFIX, doc_id)):
        return layout.load_data(db.get_document(posting.docid).get_data())["content_hash"]
    return None


def _finish(folder: Path, resources: Resources) -> None:
    """Create the database at ``folder`` when there is none, and pickle the resources
    beside it."""
    xapian.WritableDatabase(str(folder), xapian.DB_CREATE_OR_OPEN).close()
    with open(folder / layout.RESOURCES_FILE, "wb") as handle:
        pickle.dump(resources, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _open_writable(index_dir: Path | str, timeout: float) -> xapian.WritableDatabase:
    """Open the current version for writing, waiting up to ``timeout`` seconds for
    another writer to let go of it.

    :raises WriterBusy: when it did not.
    """
    path = str(store.resolved_dir(index_dir))
    deadline = time.monotonic() + timeout
    while True:
        try:
            return xapian.WritableDatabase(path, xapian.DB_OPEN)
        except xapian.DatabaseLockError as error:
            if time.monotonic() >= deadline:
                raise store.WriterBusy(f"another writer held the index for {timeout:g} s"
                                       ) from error
            time.sleep(LOCK_RETRY)


def _cancel(db: xapian.WritableDatabase) -> None:
    """Cancel the transaction; a refused document may have ended it already."""
    try:
        db.cancel_transaction()
    except xapian.InvalidOperationError:
        pass


def write_xapian_documents(documents: Iterable[tuple[int, Document | DocumentError]],
                           index_dir: Path | str, resources: Resources, *,
                           timeout: float = WRITER_TIMEOUT) -> WriteResult:
    """Add or replace documents in one commit, as ``index.writer.write_documents`` does.

    :param documents: (position in the request, document or the error that rejected it).
    :param resources: used only when there is no index yet (the first write creates it).
    :raises WriterBusy: when another writer holds the index past ``timeout``.
    :raises EngineMismatch: when ``index_dir`` holds a Whoosh index.
    """
    result, valid = split_rejected(documents)
    if not valid:
        return result
    store.check_engine(index_dir, store.XAPIAN)
    if store.engine_of(index_dir) is None:
        create_empty_xapian_index(index_dir, resources)
    folder = store.resolved_dir(index_dir)
    dirs, cluster = sharding.shard_dirs(folder), sharding.read_layout(folder)
    if dirs is not None or cluster is not None:
        # one commit per shard touched, each document in its id's shard
        count = len(dirs) if dirs is not None else len(cluster)
        built_with = store.resources_at(index_dir)
        for shard, part in sharding.route(valid, lambda item: item[1].id, count).items():
            result.absorb(
                write_xapian_documents(part, dirs[shard], resources, timeout=timeout)
                if dirs is not None else _write_remote(part, cluster[shard], built_with))
        return result
    db = _open_writable(index_dir, timeout)
    try:
        _commit_documents(db, valid, result, store.resources_at(index_dir))
    finally:
        db.close()
    return result


def _commit_documents(db: xapian.WritableDatabase, valid: list[tuple[int, Document]],
                      result: WriteResult, built_with: Resources) -> None:
    """Add or replace the documents in one transaction of ``db``."""
    maker = TermMaker(built_with)
    db.begin_transaction()
    try:
        # Read what is indexed only once the lock is held: another process may have
        # committed the same ids while this one waited.
        indexed = {doc_id: _indexed_hash(db, doc_id) for doc_id in {d.id for _, d in valid}
                   if db.term_exists(layout.term(layout.ID_PREFIX, doc_id))}
        # replace_document adds the document when its id is not indexed, and
        # leaves one copy when it is.
        apply_documents(
            valid, result, indexed,
            lambda document, digest: (document.id, _document_of(document, built_with,
                                                                 maker, digest)),
            lambda pair: db.replace_document(layout.term(layout.ID_PREFIX, pair[0]),
                                             pair[1]))
    except BaseException:
        _cancel(db)
        raise
    db.commit_transaction()


#: How long a cluster's shard master may take to accept a write's connection, and
#: to answer each step of it.
MASTER_CONNECT_TIMEOUT_MS = 1000
MASTER_TIMEOUT_MS = 10_000


def _write_remote(part: list[tuple[int, Document]], shard: "sharding.RemoteShard",
                  built_with: Resources) -> WriteResult:
    """Write a shard's documents to its master (the first copy of ``cluster.toml``,
    served ``--writable``) in one commit; when the master cannot be written, every
    document of the shard is reported rejected, saying so, and nothing of it
    landed: the request can be sent again."""
    host, port = shard.copies[0]
    done = WriteResult()
    try:
        db = xapian.remote_open_writable(host, port, MASTER_TIMEOUT_MS,
                                         MASTER_CONNECT_TIMEOUT_MS)
    except xapian.Error as error:
        done.rejected = [{"index": i, "error": f"shard {shard.name}: its master "
                          f"{host}:{port} cannot be written ({error.get_msg()}); nothing of "
                          "this shard was written, send the documents again"}
                         for i, _ in part]
        return done
    try:
        _commit_documents(db, part, done, built_with)
    finally:
        db.close()
    return done


def delete_xapian_document(doc_id: str, index_dir: Path | str, *,
                           timeout: float = WRITER_TIMEOUT) -> bool:
    """Delete one document; True when it was there.

    :raises WriterBusy: when another writer holds the index past ``timeout``.
    :raises EngineMismatch: when ``index_dir`` holds a Whoosh index.
    """
    store.check_engine(index_dir, store.XAPIAN)
    if store.engine_of(index_dir) is None:
        return False
    dirs = sharding.shard_dirs(store.resolved_dir(index_dir))
    if dirs is not None:
        return delete_xapian_document(doc_id, dirs[sharding.shard_of(doc_id, len(dirs))],
                                      timeout=timeout)
    cluster = sharding.read_layout(store.resolved_dir(index_dir))
    if cluster is not None:
        host, port = cluster[sharding.shard_of(doc_id, len(cluster))].copies[0]
        try:
            db = xapian.remote_open_writable(host, port, MASTER_TIMEOUT_MS,
                                             MASTER_CONNECT_TIMEOUT_MS)
        except xapian.Error as error:
            raise store.WriterBusy(f"the master {host}:{port} of the document's shard "
                                   f"cannot be written ({error.get_msg()})") from None
        return _delete_in(db, doc_id)
    return _delete_in(_open_writable(index_dir, timeout), doc_id)


def _delete_in(db: xapian.WritableDatabase, doc_id: str) -> bool:
    """Delete one document from an open database and close it; True when it was there."""
    try:
        term = layout.term(layout.ID_PREFIX, doc_id)
        if not db.term_exists(term):
            return False
        db.delete_document(term)
        db.commit()
        return True
    finally:
        db.close()


def describe_xapian_index(index_dir: Path | str) -> dict:
    """What ``python -m index stats`` says of a Xapian index beyond its files and
    resources: ``documents``, distinct ``terms`` of ``title`` and ``body``, and
    ``generation`` (the database's revision, one more at each commit)."""
    folder = store.resolved_dir(index_dir)
    db = xapian.Database(str(folder))
    try:
        out = {
            "documents": db.get_doccount(),
            "terms": {name: sum(1 for _ in db.allterms(layout.FIELD_PREFIX[name]))
                      for name in ("title", "body")},
            "generation": revision(folder),
        }
    finally:
        db.close()
    dirs = sharding.shard_dirs(folder)
    if dirs is not None:
        out["shards"] = [{"shard": dir_.name, "documents": xapian.Database(str(dir_))
                          .get_doccount()} for dir_ in dirs]
    return out


def revision(folder: Path | str) -> int:
    """A Xapian index's revision, one more at each commit: for a sharded index, the
    sum of its shards' (a commit to any of them raises it)."""
    dirs = sharding.shard_dirs(folder)
    if dirs is None:
        return xapian.Database(str(folder)).get_revision()
    return sum(xapian.Database(str(dir_)).get_revision() for dir_ in dirs)
