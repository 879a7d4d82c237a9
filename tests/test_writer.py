"""Building the index: idempotent re-runs, updates, atomic rebuilds, untouched on error."""

import json
import os

import pytest

from index import store
from index.readers import DocumentError, read_documents
from index.writer import build_index, prepare_fields


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def stored_ids(index_dir):
    with store.open_index(index_dir).searcher() as searcher:
        return sorted(f["id"] for f in searcher.all_stored_fields())


def test_rerun_is_idempotent(tmp_path, resources):
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"},
                                                 {"id": "2", "body": "يريفان"}])
    first = build_index(read_documents([source]), tmp_path / "ix", resources)
    second = build_index(read_documents([source]), tmp_path / "ix", resources)
    assert (first.added, second.added, second.unchanged, second.updated) == (2, 0, 2, 0)
    assert stored_ids(tmp_path / "ix") == ["1", "2"]


def test_changed_document_replaces_the_old_version(tmp_path, resources):
    build_index(read_documents([write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])]),
                tmp_path / "ix", resources)
    report = build_index(read_documents([write_jsonl(tmp_path / "b.jsonl",
                                                     [{"id": "1", "body": "يريفان"}])]),
                         tmp_path / "ix", resources)
    assert report.updated == 1
    with store.open_index(tmp_path / "ix").searcher() as searcher:
        assert [f["body"] for f in searcher.all_stored_fields()] == ["يريفان"]


def test_invalid_document_leaves_the_existing_index_untouched(tmp_path, resources):
    build_index(read_documents([write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])]),
                tmp_path / "ix", resources)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "2", "body": "x"}\n{"id": "3"}\n', encoding="utf-8")
    with pytest.raises(DocumentError, match="bad.jsonl:2: missing 'body'"):
        build_index(read_documents([bad]), tmp_path / "ix", resources)
    assert stored_ids(tmp_path / "ix") == ["1"]


def test_invalid_document_in_a_first_build_leaves_no_index(tmp_path, resources):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "2", "body": "x"}\nnope\n', encoding="utf-8")
    with pytest.raises(DocumentError):
        build_index(read_documents([bad]), tmp_path / "ix", resources)
    assert not store.index_exists(tmp_path / "ix")
    assert list(tmp_path.glob("ix@*")) == []


def test_rebuild_swaps_a_new_version_in(tmp_path, resources):
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])
    build_index(read_documents([source]), tmp_path / "ix", resources)
    before = os.path.realpath(tmp_path / "ix")
    write_jsonl(source, [{"id": "9", "body": "موسكو"}])
    report = build_index(read_documents([source]), tmp_path / "ix", resources, rebuild=True)
    assert report.rebuilt and report.added == 1
    assert os.path.realpath(tmp_path / "ix") != before
    assert (tmp_path / "ix").is_symlink()
    assert stored_ids(tmp_path / "ix") == ["9"]


def test_rebuild_keeps_only_the_current_and_previous_versions(tmp_path, resources):
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "body": "باكو"}])
    for _ in range(4):
        build_index(read_documents([source]), tmp_path / "ix", resources, rebuild=True)
    assert len(list(tmp_path.glob("ix@*"))) == 2


def test_skip_invalid_indexes_the_rest(tmp_path, resources):
    source = tmp_path / "m.jsonl"
    source.write_text('{"id": "1", "body": "باكو"}\n{"id": 2.5, "body": "x"}\n'
                      '{"id": "3", "body": "موسكو"}\n', encoding="utf-8")
    errors = []
    report = build_index(read_documents([source], on_error=errors.append), tmp_path / "ix",
                         resources, on_error=errors.append)
    assert report.added == 2 and len(errors) == 1
    assert stored_ids(tmp_path / "ix") == ["1", "3"]


def test_document_language_is_detected_unless_given(resources):
    from index.readers import Document

    english = prepare_fields(Document("e", "Shelling in Stepanakert",
                                      "Artillery fire was heard in the city on Tuesday."),
                             resources)
    given = prepare_fields(Document("g", "Title", "Some text", lang="ar"), resources)
    arabic = prepare_fields(Document("a", "قصف في ستيباناكيرت", "سمع دوي المدفعية في المدينة."),
                            resources)
    assert (english["lang"], given["lang"], arabic["lang"]) == ("en", "ar", "ar")


def test_entities_are_recorded_from_title_and_body(resources):
    from index.readers import Document

    fields = prepare_fields(Document("x", "اشتباكات قرب لاتشين", "أعلنت باكو وقف القتال"),
                            resources)
    assert {"lachin", "baku"} <= set(fields["entities"].split())


def test_a_body_of_pure_furniture_is_rejected(resources):
    from index.readers import Document

    with pytest.raises(DocumentError, match="empty once page furniture"):
        prepare_fields(Document("u", "Video", "https://www.youtube.com/watch?v=x",
                                origin="f.jsonl:3"), resources)


# ---------------------------------------------------------------- fresh builds in parts


def _index_contents(index_dir):
    """Each live document's stored fields and its indexed terms, by id."""
    with store.open_index(index_dir).searcher() as searcher:
        reader = searcher.reader()
        terms = {}
        for fieldname, text in reader.all_terms():
            for docnum in reader.postings(fieldname, text).all_ids():
                if not reader.is_deleted(docnum):
                    terms.setdefault(docnum, set()).add((fieldname, text))
        return {fields["id"]: (fields, terms[docnum])
                for docnum, fields in searcher.reader().iter_docs()}


def test_a_build_in_two_processes_indexes_what_one_process_indexes(tmp_path, resources):
    from tests.support import FIXTURES, ROOT, SEEDS

    sources = [SEEDS, FIXTURES, ROOT / "tests" / "eval" / "articles.jsonl"]
    one = build_index(read_documents(sources), tmp_path / "one", resources, procs=1)
    two = build_index(read_documents(sources), tmp_path / "two", resources, procs=2)
    assert one.added == two.added > 40
    assert len(store.open_index(tmp_path / "one")._segments()) == 1
    assert len(store.open_index(tmp_path / "two")._segments()) == 2
    assert _index_contents(tmp_path / "two") == _index_contents(tmp_path / "one")


@pytest.mark.parametrize("procs", [1, 2])
def test_a_later_version_in_the_stream_replaces_an_earlier_one(tmp_path, resources, procs):
    # (the file readers reject a repeated id; a stream given to build_index may hold one)
    from index.readers import Document

    documents = [Document(str(i), "", f"خبر رقم {i}") for i in range(7)]
    documents.insert(5, Document("1", "", "يريفان"))   # id 1 again, after a segment ends
    documents.append(Document("6", "", "موسكو"))      # id 6 again, in the same segment
    documents.append(Document("2", "", "خبر رقم 2"))  # id 2 again, unchanged
    report = build_index(documents, tmp_path / "ix", resources, procs=procs, segment_docs=2)
    assert (report.added, report.updated, report.unchanged) == (7, 2, 1)
    contents = _index_contents(tmp_path / "ix")
    assert sorted(contents) == [str(i) for i in range(7)]
    assert contents["1"][0]["body"] == "يريفان" and contents["6"][0]["body"] == "موسكو"
    with store.open_index(tmp_path / "ix").searcher() as searcher:
        assert searcher.doc_count() == 7
        assert len(searcher.reader().segments()) >= 4     # at most 2 documents a segment


@pytest.mark.parametrize("engine", store.ENGINES)
def test_rejections_of_a_build_in_parts_reach_on_error_once(tmp_path, resources, engine):
    from index.writes import builder

    records = [{"id": "1", "body": "باكو"},
               {"id": "2", "title": "Video", "body": "https://www.youtube.com/watch?v=x"},
               {"id": "3", "body": "موسكو"}]
    errors = []
    report = builder(engine)(read_documents([write_jsonl(tmp_path / "a.jsonl", records)]),
                             tmp_path / "ix", resources, procs=2, on_error=errors.append)
    assert report.added == 2 and len(report.rejected) == 1
    assert [str(e) for e in errors] == report.rejected
    assert "empty once page furniture" in report.rejected[0]
    assert _ids(engine, tmp_path / "ix") == ["1", "3"]


def _ids(engine, index_dir):
    """The ids a build stored, read with the index's own engine."""
    if engine == store.WHOOSH:
        return stored_ids(index_dir)
    import xapian

    from index import xapian_layout as layout
    db = xapian.Database(str(store.resolved_dir(index_dir)))
    try:
        return sorted(layout.load_data(db.get_document(p.docid).get_data())["id"]
                      for p in db.postlist(""))
    finally:
        db.close()


@pytest.mark.parametrize("bad_line", [
    '{"id": "9", "title": "Video", "body": "https://www.youtube.com/watch?v=x"}',  # a part fails
    'nope',                                                            # the stream fails
])
def test_a_strict_build_in_parts_stops_and_leaves_no_index(tmp_path, resources, bad_line):
    source = tmp_path / "bad.jsonl"
    good = "".join(json.dumps({"id": str(i), "body": "باكو"}) + "\n" for i in range(100))
    source.write_text(good + bad_line + "\n" + good, encoding="utf-8")
    with pytest.raises(DocumentError):
        build_index(read_documents([source]), tmp_path / "ix", resources, procs=2)
    assert not store.index_exists(tmp_path / "ix")
    assert list(tmp_path.glob("ix@*")) == []


def test_a_held_writer_lock_makes_api_writes_busy(tmp_path, resources):
    from index.readers import Document
    from index.writer import delete_document, write_documents

    build_index([Document("1", "", "باكو")], tmp_path / "ix", resources)
    holder = store.open_index(tmp_path / "ix").writer()
    try:
        with pytest.raises(store.WriterBusy):
            write_documents([(0, Document("2", "", "يريفان"))], tmp_path / "ix", resources,
                            timeout=0.2)
        with pytest.raises(store.WriterBusy):
            delete_document("1", tmp_path / "ix", timeout=0.2)
    finally:
        holder.cancel()
    assert stored_ids(tmp_path / "ix") == ["1"]
