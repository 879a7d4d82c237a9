"""``index.segments.BuildWriter`` writes the index Whoosh's own writer writes.

Both writers index the same documents (seeds, fixtures, the evaluation articles,
and documents that lack fields); the per-document files must be equal byte for
byte, and every term, its statistics and its postings (documents, weights,
positions) equal through Whoosh's reader. The postings file itself may differ in
bytes only: the build writer shares one value object between postings with the
same single position, which pickle writes once.
"""

import dataclasses
import io
import os

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from index import segments, whoosh_private
from index.readers import Document, read_documents
from index.schema import make_schema
from index.segments import NAMES, TEXT, WHOOSH, BuildWriter, field_kind
from index.terms import TermMaker
from index.writer import prepare_fields
from tests.support import FIXTURES, ROOT, SEEDS


def _documents(resources):
    docs = list(read_documents([SEEDS, FIXTURES, ROOT / "tests" / "eval" / "articles.jsonl"]))
    fields = [prepare_fields(d, resources) for d in docs]
    fields.append({"id": "bare", "title": "", "body": "Lachin", "names": "Lachin",
                   "lang": "en", "content_hash": "0"})      # no source, date, entities
    fields.append({"id": "no-body", "title": "لاتشين", "lang": "ar", "content_hash": "1"})
    # common words in 300 documents of different lengths: terms of three blocks
    words = "قصف مدفعي على لاتشين وخانكندي Stepanakert shelled again".split()
    for i in range(300):
        body = " ".join(words[j % len(words)] for j in range(i % 37 + 1))
        fields.append(prepare_fields(Document(f"gen-{i}", "", body, lang="ar"), resources))
    return fields


def _write(path, resources, fields, writer_class):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema(resources))
    writer = writer_class(ix, compound=False)
    for f in fields:
        writer.add_document(**f)
    writer.commit()
    return ix


def _segment_files(path, ix):
    (segment,) = ix._segments()
    return {name.replace(segment.segid, ""): (path / name).read_bytes()
            for name in os.listdir(path) if segment.segid in name}


def _terms(reader):
    out = {}
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                 info.max_weight(), info.min_id(), info.max_id())
        matcher = reader.postings(fieldname, text)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        out[(fieldname, text)] = (stats, postings)
    return out


@pytest.fixture(scope="module", params=["blocks", "one by one"])
def built(request, tmp_path_factory, resources):
    """Both writers' indexes of the same documents; the build writer fills Whoosh's
    postings blocks itself, or (a Whoosh without that buffer) adds one by one."""
    fields = _documents(resources)
    root = tmp_path_factory.mktemp("segments")
    whoosh_ix = _write(root / "whoosh", resources, fields, SegmentWriter)
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "one by one":
            patch.setattr(segments, "_fill_blocks", None)       # must not be called
            patch.setattr(whoosh_private, "fills_blocks", lambda postwriter: False)
        else:
            assert whoosh_private.fills_blocks(_a_postings_writer(whoosh_ix))
        build_ix = _write(root / "build", resources, fields, BuildWriter)
    return root, whoosh_ix, build_ix, fields


def _a_postings_writer(ix):
    """Whoosh's postings writer, in a term."""
    from whoosh.codec import default_codec
    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.formats import Positions

    writer = default_codec().postings_writer(io.BytesIO())
    writer.start_postings(Positions(), W3TermInfo())
    return writer


def test_the_schema_fields_are_indexed_by_the_expected_path(resources):
    schema = make_schema(resources)
    kinds = {name: field_kind(field) for name, field in schema.items()}
    assert kinds["title"] == kinds["body"] == TEXT and kinds["names"] == NAMES
    assert {kinds[n] for n in ("id", "lang", "entities", "date")} == {WHOOSH}


def test_per_document_files_are_the_same_bytes(built):
    root, whoosh_ix, build_ix, _ = built
    ours, theirs = _segment_files(root / "build", build_ix), _segment_files(root / "whoosh",
                                                                            whoosh_ix)
    assert sorted(ours) == sorted(theirs)
    columns = [name for name in theirs if name.endswith(".col")]
    assert len(columns) >= 8
    for name in columns:
        assert ours[name] == theirs[name], name


def test_every_term_and_posting_is_the_same(built):
    _, whoosh_ix, build_ix, fields = built
    with whoosh_ix.reader() as theirs, build_ix.reader() as ours:
        expected = _terms(theirs)
        assert _terms(ours) == expected
        assert ours.doc_count_all() == theirs.doc_count_all() == len(fields)
        for name in ("title", "body", "names"):
            assert ours.field_length(name) == theirs.field_length(name) > 0
        assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
    kinds = {fieldname for fieldname, _ in expected}
    assert {"title", "body", "names", "id", "entities", "date"} <= kinds
    assert any(text.startswith(b"@") for _, text in expected)
    assert any(text.startswith(b"=") for _, text in expected)
    assert max(len(postings) for _, postings in expected.values()) > 256    # 3 blocks


def test_a_document_with_an_id_already_written_replaces_it(tmp_path, resources):
    fields = _documents(resources)[:3]
    changed = dict(fields[0], title="عنوان جديد عن لاتشين", content_hash="changed")
    ix = _write(tmp_path / "ix", resources, fields + [changed], BuildWriter)
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 3
        assert searcher.document(id=fields[0]["id"])["title"] == "عنوان جديد عن لاتشين"
        assert len(list(searcher.documents(id=fields[0]["id"]))) == 1


def test_a_field_that_fails_leaves_no_postings_behind(tmp_path, resources):
    tmp_path.joinpath("ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), make_schema(resources))
    writer = BuildWriter(ix, compound=False)
    with pytest.raises(ValueError):
        writer.add_document(id="bad", body="لاتشين", lang=7)      # ID fields take text
    writer.add_document(id="good", body="خانكندي", lang="ar")
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == 1
        assert searcher.reader().frequency("body", "@lachin") == 0
        assert list(searcher.reader().postings("body", "@stepanakert").all_ids()) == [0]


def test_the_build_writer_writes_only_into_an_empty_index(tmp_path, resources, built):
    root, *_ = built
    ix = whoosh_index.open_dir(str(root / "build"))
    with pytest.raises(ValueError, match="empty index"):
        BuildWriter(ix)
    ix.writer().cancel()                # the failed writer released the lock


def test_a_term_maker_of_other_resources_is_refused(tmp_path, resources):
    tmp_path.joinpath("ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), make_schema(resources))
    other = TermMaker(dataclasses.replace(resources, fingerprint="x" * 16))
    with pytest.raises(ValueError, match="resources"):
        BuildWriter(ix, maker=other)


def test_a_schema_with_term_vectors_is_refused_at_once(tmp_path):
    from whoosh import fields

    tmp_path.joinpath("ix").mkdir()
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(vector=True))
    ix = whoosh_index.create_in(str(tmp_path / "ix"), schema)
    with pytest.raises(ValueError, match="body: term vectors"):
        BuildWriter(ix)
    ix.writer().cancel()                # the refused writer released the lock
