"""The Xapian writer: the same documents, terms and statistics as the Whoosh index, and
the Whoosh writer's rules (idempotent builds, replacement, atomic swaps, one commit,
the write lock).

The comparison builds the seeds, the fixtures and the evaluation articles with both
engines and reads each index back through its own reader: per document id, every
(field, term) with its positions (``title``, ``body``: Whoosh's position + 1) or its
frequency (``names``), the filter terms, the stored fields and the field lengths; per
term, the document frequency.
"""

import json
import os

import pytest
import xapian
from whoosh.util.numeric import byte_to_length, length_to_byte

from index import store
from index import xapian_layout as layout
from index.readers import Document, DocumentError, read_documents
from index.writer import build_index, delete_document, write_documents
from index.xapian_writer import (MAX_TERM_BYTES, build_xapian_index, delete_xapian_document,
                                 write_xapian_documents)
from tests.support import FIXTURES, ROOT, SEEDS

SOURCES = [SEEDS, FIXTURES, ROOT / "tests" / "eval" / "articles.jsonl"]
TEXT_FIELDS = ("title", "body")
#: Whoosh's fields whose terms are Xapian's boolean terms, and their prefixes.
FILTERS = {"id": layout.ID_PREFIX, "lang": layout.LANG_PREFIX,
           "source": layout.SOURCE_PREFIX, "entities": layout.ENTITY_PREFIX}
_PREFIXES = {prefix: field for field, prefix in
             {**layout.FIELD_PREFIX, **FILTERS, "year": layout.YEAR_PREFIX}.items()}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def whoosh_contents(index_dir):
    """Per id: (stored fields, {(field, term): positions or frequency}, filter terms,
    field lengths), read through Whoosh's reader."""
    with store.open_index(index_dir).searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        terms = {doc_id: {} for doc_id in ids.values()}
        filters = {doc_id: set() for doc_id in ids.values()}
        for fieldname, raw in reader.all_terms():
            text = raw.decode("utf-8")
            matcher = reader.postings(fieldname, raw)
            while matcher.is_active():
                doc_id = ids[matcher.id()]
                if fieldname in TEXT_FIELDS:
                    terms[doc_id][(fieldname, text)] = matcher.value_as("positions")
                elif fieldname == "names":
                    terms[doc_id][(fieldname, text)] = matcher.weight()
                elif fieldname in FILTERS:
                    filters[doc_id].add((fieldname, text))
                matcher.next()
        return {doc_id: (searcher.stored_fields(docnum), terms[doc_id], filters[doc_id],
                         {name: reader.doc_field_length(docnum, name) for name in TEXT_FIELDS})
                for docnum, doc_id in ids.items()}


def xapian_contents(index_dir):
    """``whoosh_contents`` of a Xapian index (a field's length the count of its terms'
    positions, as Whoosh stores it: one byte), the year terms among the filters."""
    db = xapian.Database(str(store.resolved_dir(index_dir)))
    out = {}
    for posting in db.postlist(""):
        doc = db.get_document(posting.docid)
        data = layout.load_data(doc.get_data())
        terms, filters = {}, set()
        for item in doc.termlist():
            full = item.term.decode("utf-8")
            prefix = full[:2] if full[:2] in _PREFIXES else full[:1]
            field, text = _PREFIXES[prefix], layout.unprefixed(prefix, full)
            if field in TEXT_FIELDS:
                terms[(field, text)] = [p - 1 for p in item.positer]
            elif field == "names":
                terms[(field, text)] = item.wdf
            else:
                filters.add((field, text))
        lengths = {name: byte_to_length(length_to_byte(sum(
            len(positions) for (field, _), positions in terms.items() if field == name)))
            for name in TEXT_FIELDS}
        out[data["id"]] = (data, terms, filters, lengths)
    db.close()
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory, resources):
    root = tmp_path_factory.mktemp("engines")
    build_index(read_documents(SOURCES), root / "whoosh", resources)
    report = build_xapian_index(read_documents(SOURCES), root / "xapian", resources)
    return root / "whoosh", root / "xapian", report


def test_every_document_holds_the_terms_of_the_whoosh_index(both):
    whoosh_dir, xapian_dir, report = both
    theirs, ours = whoosh_contents(whoosh_dir), xapian_contents(xapian_dir)
    assert sorted(ours) == sorted(theirs) and report.added == len(theirs) > 40
    for doc_id, (_, terms, _, _) in theirs.items():
        assert ours[doc_id][1] == terms, doc_id
    every = {key for _, terms, _, _ in theirs.values() for key in terms}
    assert {field for field, _ in every} == {"title", "body", "names"}
    assert ("body", "@stepanakert") in every and ("names", "%lBRKTR") in every
    assert any(text.startswith("=") for _, text in every)
    # a real article's term, at its positions: لاتشين in the fixtures' ceasefire article
    assert ours["fx-ar-digits"][1][("body", "لاتشين")] == theirs["fx-ar-digits"][1][
        ("body", "لاتشين")] != []


def test_stored_fields_and_field_lengths_are_the_whoosh_index_s(both):
    theirs, ours = whoosh_contents(both[0]), xapian_contents(both[1])
    for doc_id, (stored, _, _, lengths) in theirs.items():
        assert ours[doc_id][0] == stored, doc_id
        assert ours[doc_id][3] == lengths, doc_id
    assert ours["fx-ar-digits"][0]["title"] == "اتفاق ٢٠٢٠ لوقف إطلاق النار في آرتساخ"
    assert isinstance(ours["fx-ar-digits"][0]["entities"], str)


def test_filter_terms_are_the_whoosh_index_s_fields(both):
    theirs, ours = whoosh_contents(both[0]), xapian_contents(both[1])
    for doc_id, (stored, _, filters, _) in theirs.items():
        years = {("year", stored["date"][:4])} if stored.get("date") else set()
        assert ours[doc_id][2] == filters | years, doc_id
    assert ("entities", "lachin") in ours["fx-ar-digits"][2]
    assert ("year", "2020") in ours["fx-ar-digits"][2]


def test_term_document_frequencies_are_the_whoosh_index_s(both):
    whoosh_dir, xapian_dir, _ = both
    db = xapian.Database(str(store.resolved_dir(xapian_dir)))
    with store.open_index(whoosh_dir).reader() as reader:
        counts = {name: 0 for name in layout.FIELD_PREFIX}
        for fieldname, raw in reader.all_terms():
            if fieldname in counts:
                counts[fieldname] += 1
                term = layout.field_term(fieldname, raw.decode("utf-8"))
                assert db.get_termfreq(term) == reader.doc_frequency(fieldname, raw), term
                assert db.get_collection_freq(term) == reader.frequency(fieldname, raw), term
    for name, prefix in layout.FIELD_PREFIX.items():
        assert sum(1 for _ in db.allterms(prefix)) == counts[name] > 0
    db.close()


def test_values_metadata_and_resources(both, resources):
    xapian_dir = both[1]
    assert store.engine_of(xapian_dir) == "xapian" and store.engine_of(both[0]) == "whoosh"
    assert store.resources_at(xapian_dir).fingerprint == resources.fingerprint
    db = xapian.Database(str(store.resolved_dir(xapian_dir)))
    doc = db.get_document(next(iter(db.postlist(layout.term(layout.ID_PREFIX, "fx-ar-digits")))
                              ).docid)
    entities = layout.load_data(doc.get_data())["entities"].split()
    assert len(entities) >= 2
    assert layout.split_facets(doc.get_value(layout.FACETS_SLOT).decode()) \
        == ("ar", "Fahras fixtures", "2020")
    held = [doc.get_value(slot).decode() for slot in layout.ENTITY_SLOTS]
    assert sorted(" ".join(held).split()) == sorted(entities)
    assert (doc.get_value(layout.DATE_SLOT), doc.get_value(layout.YEAR_SLOT),
            doc.get_value(layout.LANG_SLOT), doc.get_value(layout.SOURCE_SLOT)) \
        == (b"2020-11-10", b"2020", b"ar", b"Fahras fixtures")
    db.close()


# ---------------------------------------------------------------- the writer's rules


def stored(index_dir):
    """id -> stored body of each document, and the number of documents."""
    db = xapian.Database(str(store.resolved_dir(index_dir)))
    bodies = {}
    for posting in db.postlist(""):
        data = layout.load_data(db.get_document(posting.docid).get_data())
        bodies[data["id"]] = data["body"]
    count = db.get_doccount()
    db.close()
    assert count == len(bodies)         # one copy of each id
    return bodies


def test_rerun_is_idempotent(tmp_path, resources):
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"},
                                                 {"id": "2", "body": "يريفان"}])
    first = build_xapian_index(read_documents([source]), tmp_path / "ix", resources)
    second = build_xapian_index(read_documents([source]), tmp_path / "ix", resources)
    assert (first.added, first.rebuilt) == (2, True)
    assert (second.added, second.unchanged, second.updated, second.rebuilt) == (0, 2, 0, False)
    assert stored(tmp_path / "ix") == {"1": "باكو", "2": "يريفان"}


def test_changed_document_replaces_the_old_version(tmp_path, resources):
    build_xapian_index(read_documents([write_jsonl(tmp_path / "a.jsonl",
                                                   [{"id": "Doc-1", "body": "باكو"}])]),
                       tmp_path / "ix", resources)
    report = build_xapian_index(read_documents([write_jsonl(
        tmp_path / "b.jsonl", [{"id": "Doc-1", "body": "يريفان"}, {"id": "2", "body": "x"}])]),
        tmp_path / "ix", resources)
    assert (report.added, report.updated, report.stale) == (1, 1, False)
    assert stored(tmp_path / "ix") == {"Doc-1": "يريفان", "2": "x"}
    db = xapian.Database(str(store.resolved_dir(tmp_path / "ix")))
    assert db.get_termfreq("Q:Doc-1") == 1 and db.get_termfreq("XBباكو") == 0


def test_an_incremental_build_reports_a_stale_index(tmp_path, resources):
    import dataclasses

    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])
    build_xapian_index(read_documents([source]), tmp_path / "ix", resources)
    other = dataclasses.replace(resources, fingerprint="0000000000000000")
    write_jsonl(source, [{"id": "2", "body": "يريفان"}])
    report = build_xapian_index(read_documents([source]), tmp_path / "ix", other)
    assert report.stale and report.added == 1
    # the index keeps the resources it was built with
    assert store.resources_at(tmp_path / "ix").fingerprint == resources.fingerprint


def test_invalid_document_leaves_the_existing_index_untouched(tmp_path, resources):
    build_xapian_index(read_documents([write_jsonl(tmp_path / "a.jsonl",
                                                   [{"id": "1", "body": "باكو"}])]),
                       tmp_path / "ix", resources)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "2", "body": "x"}\n{"id": "3"}\n', encoding="utf-8")
    with pytest.raises(DocumentError, match="bad.jsonl:2: missing 'body'"):
        build_xapian_index(read_documents([bad]), tmp_path / "ix", resources)
    # (closing a Xapian database commits what is pending: the transaction must not)
    assert stored(tmp_path / "ix") == {"1": "باكو"}


@pytest.mark.parametrize("procs", [1, 2])
def test_a_strict_fresh_build_stops_and_leaves_no_index(tmp_path, resources, procs):
    source = tmp_path / "bad.jsonl"
    good = "".join(json.dumps({"id": str(i), "body": "باكو"}) + "\n" for i in range(100))
    source.write_text(good + "nope\n" + good, encoding="utf-8")
    with pytest.raises(DocumentError):
        build_xapian_index(read_documents([source]), tmp_path / "ix", resources, procs=procs)
    assert store.engine_of(tmp_path / "ix") is None
    assert list(tmp_path.glob("ix@*")) == []


# (a build in parts reports each rejection once: tests/test_writer.py, both engines)


def test_a_term_too_long_for_xapian_rejects_only_its_document(tmp_path, resources):
    # Xapian refuses a term over 245 bytes, and the refusal would discard every
    # change since the last commit: the other documents must stay.
    long_id = "م" * 150                                     # 300 bytes
    documents = [Document("1", "", "باكو"), Document(long_id, "", "يريفان", origin="x:2"),
                 Document("3", "", "موسكو")]
    errors = []
    report = build_xapian_index(documents, tmp_path / "ix", resources, on_error=errors.append)
    assert report.added == 2 and sorted(stored(tmp_path / "ix")) == ["1", "3"]
    assert str(errors[0]).startswith("x:2: the id is longer") and str(MAX_TERM_BYTES - 1) in \
        str(errors[0])
    # a word of 64 four-byte letters (256 bytes) is indexed, but not as a Xapian term
    word = "\U00020000" * 64
    result = write_xapian_documents([(0, documents[1]), (1, Document("4", "", f"لاتشين {word}"))],
                                    tmp_path / "ix", resources)
    assert result.added == ["4"] and result.rejected[0]["id"] == long_id
    assert stored(tmp_path / "ix")["4"] == f"لاتشين {word}"
    assert sorted(stored(tmp_path / "ix")) == ["1", "3", "4"]


def test_rebuild_swaps_a_new_version_in_and_the_old_stays_readable(tmp_path, resources):
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])
    build_xapian_index(read_documents([source]), tmp_path / "ix", resources)
    before = os.path.realpath(tmp_path / "ix")
    reader = xapian.Database(before)                   # a service reading the old version
    write_jsonl(source, [{"id": "9", "body": "موسكو"}])
    report = build_xapian_index(read_documents([source]), tmp_path / "ix", resources,
                                rebuild=True)
    assert report.rebuilt and report.added == 1
    assert (tmp_path / "ix").is_symlink() and os.path.realpath(tmp_path / "ix") != before
    assert stored(tmp_path / "ix") == {"9": "موسكو"}
    assert reader.get_termfreq("Q1") == 1 and reader.get_termfreq("Q9") == 0
    assert layout.load_data(reader.get_document(1).get_data())["body"] == "باكو"
    reader.close()
    assert not list(store.resolved_dir(tmp_path / "ix").glob("parts"))


def test_a_build_in_two_processes_indexes_what_one_process_indexes(tmp_path, resources):
    one = build_xapian_index(read_documents(SOURCES), tmp_path / "one", resources, procs=1)
    two = build_xapian_index(read_documents(SOURCES), tmp_path / "two", resources, procs=2)
    assert one.added == two.added > 40
    assert xapian_contents(tmp_path / "two") == xapian_contents(tmp_path / "one")


@pytest.mark.parametrize("procs", [1, 2])
def test_a_later_version_in_the_stream_replaces_an_earlier_one(tmp_path, resources, procs):
    documents = [Document(str(i), "", f"خبر رقم {i}") for i in range(7)]
    documents.insert(5, Document("1", "", "يريفان"))
    documents.append(Document("6", "", "موسكو"))
    documents.append(Document("2", "", "خبر رقم 2"))     # unchanged
    report = build_xapian_index(documents, tmp_path / "ix", resources, procs=procs)
    assert (report.added, report.updated, report.unchanged) == (7, 2, 1)
    bodies = stored(tmp_path / "ix")
    assert sorted(bodies) == [str(i) for i in range(7)]
    assert bodies["1"] == "يريفان" and bodies["6"] == "موسكو"


# ---------------------------------------------------------------- writes through the API


def test_the_first_write_creates_the_index_then_adds_updates_and_skips(tmp_path, resources):
    ix = tmp_path / "ix"
    first = write_xapian_documents([(0, Document("1", "", "باكو")),
                                    (1, DocumentError("documents[1]: missing 'body'"))],
                                   ix, resources)
    assert first.added == ["1"] and first.rejected == [
        {"index": 1, "error": "documents[1]: missing 'body'"}]
    assert store.engine_of(ix) == "xapian"
    second = write_xapian_documents([(0, Document("1", "", "باكو")),
                                     (1, Document("2", "", "يريفان")),
                                     (2, Document("2", "", "موسكو"))], ix, resources)
    assert (second.unchanged, second.added, second.updated) == (["1"], ["2"], ["2"])
    assert stored(ix) == {"1": "باكو", "2": "موسكو"}


def test_delete_removes_one_document(tmp_path, resources):
    ix = tmp_path / "ix"
    assert delete_xapian_document("1", ix) is False                 # no index yet
    write_xapian_documents([(0, Document("1", "", "باكو")), (1, Document("2", "", "يريفان"))],
                           ix, resources)
    assert delete_xapian_document("1", ix) is True
    assert delete_xapian_document("1", ix) is False
    assert stored(ix) == {"2": "يريفان"}


def test_a_held_write_lock_makes_writes_busy(tmp_path, resources):
    ix = tmp_path / "ix"
    write_xapian_documents([(0, Document("1", "", "باكو"))], ix, resources)
    holder = xapian.WritableDatabase(str(store.resolved_dir(ix)), xapian.DB_OPEN)
    try:
        with pytest.raises(store.WriterBusy):
            write_xapian_documents([(0, Document("2", "", "يريفان"))], ix, resources,
                                   timeout=0.2)
        with pytest.raises(store.WriterBusy):
            delete_xapian_document("1", ix, timeout=0.2)
    finally:
        holder.close()
    assert write_xapian_documents([(0, Document("2", "", "يريفان"))], ix, resources,
                                  timeout=0.2).added == ["2"]


def test_neither_engine_writes_over_the_other_s_index(tmp_path, resources):
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])
    build_index(read_documents([source]), tmp_path / "ix", resources)
    with pytest.raises(store.EngineMismatch, match="whoosh index, not a xapian one.*--rebuild"):
        build_xapian_index(read_documents([source]), tmp_path / "ix", resources)
    with pytest.raises(store.EngineMismatch):
        write_xapian_documents([(0, Document("2", "", "x"))], tmp_path / "ix", resources)
    assert store.engine_of(tmp_path / "ix") == "whoosh"
    build_xapian_index(read_documents([source]), tmp_path / "ix", resources, rebuild=True)
    assert store.engine_of(tmp_path / "ix") == "xapian"
    with pytest.raises(store.EngineMismatch, match="xapian index, not a whoosh one"):
        write_documents([(0, Document("2", "", "x"))], tmp_path / "ix", resources)
    with pytest.raises(store.EngineMismatch):
        delete_document("1", tmp_path / "ix")
    assert stored(tmp_path / "ix") == {"1": "باكو"}


def test_a_write_that_fails_midway_commits_nothing(tmp_path, resources, monkeypatch):
    from index import xapian_writer

    ix = tmp_path / "ix"
    write_xapian_documents([(0, Document("1", "", "باكو"))], ix, resources)
    real = xapian_writer.xapian_document

    def failing(fields, maker):
        if fields["id"] == "3":
            raise RuntimeError("disk on fire")
        return real(fields, maker)

    monkeypatch.setattr(xapian_writer, "xapian_document", failing)
    with pytest.raises(RuntimeError):
        write_xapian_documents([(0, Document("2", "", "يريفان")), (1, Document("3", "", "x"))],
                               ix, resources)
    assert stored(ix) == {"1": "باكو"}
