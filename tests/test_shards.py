"""A Xapian index in shards (``index.shards``): built in parallel, searched as one
index with the same results, scores, totals and facets, written shard by shard."""

import pytest
import xapian

from index import shards, xapian_layout as layout
from index.__main__ import main
from index.readers import Document, read_documents
from index.resources import Resources
from index.writes import delete_document, write_documents
from service import create_app
from tests.support import ROOT

SOURCES = [ROOT / "seeds", ROOT / "tests" / "data" / "fixtures.jsonl"]
QUERIES = ["كاراباخ", "Stepanakert", "قوات حفظ السلام", "ceasefire", '"وقف إطلاق النار"',
           "لاتشين -باكو", "Khankendi OR Lachin", "ممر لاتشين", "الطائرات المسيرة في كاراباخ"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shards")
    for name, extra in (("single", []), ("sharded", ["--shards", "3"])):
        assert main(["build", *map(str, SOURCES), "--engine", "xapian", "--index-dir",
                     str(folder / name), "--quiet", *extra]) == 0
    return folder


def _client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "RATE_LIMIT": 0,
                       "RESULT_CACHE_SIZE": 0}).test_client()


def _ids_in(shard_dir) -> set[str]:
    db = xapian.Database(str(shard_dir))
    return {layout.load_data(db.get_document(p.docid).get_data())["id"]
            for p in db.postlist("")}


def test_every_document_is_in_the_shard_of_its_id_and_in_one_only(built):
    dirs = shards.shard_dirs(built / "sharded")
    assert [d.name for d in dirs] == ["shard-00", "shard-01", "shard-02"]
    held = [_ids_in(d) for d in dirs]
    everything = set().union(*held)
    assert sum(map(len, held)) == len(everything) == len(_ids_in(built / "single"))
    for number, ids in enumerate(held):
        assert ids and all(shards.shard_of(doc_id, 3) == number for doc_id in ids)


@pytest.mark.parametrize("q", QUERIES)
def test_the_shards_answer_as_one_index(built, q):
    single, sharded = _client(built / "single"), _client(built / "sharded")
    one = single.get("/api/search", query_string={"q": q, "per_page": 50}).get_json()
    three = sharded.get("/api/search", query_string={"q": q, "per_page": 50}).get_json()
    assert one["total"] == three["total"] > 0
    assert [(r["id"], r["score"]) for r in one["results"]] == \
        [(r["id"], r["score"]) for r in three["results"]]
    assert one["facets"] == three["facets"]
    assert one["query"]["match"] == three["query"]["match"]


def test_writes_and_deletes_go_to_the_shard_of_the_id(built, tmp_path):
    index_dir = tmp_path / "ix"
    assert main(["build", *map(str, SOURCES), "--engine", "xapian", "--index-dir",
                 str(index_dir), "--quiet", "--shards", "3"]) == 0
    client = _client(index_dir)
    doc = Document(id="n-shard-7", title="قصف مدفعي على أغدام",
                   body="قصفت المدفعية مواقع قرب أغدام صباح اليوم وفق بيان وزارة الدفاع.")
    result = write_documents([(0, doc)], index_dir, Resources.load(), engine="xapian")
    assert result.added == ["n-shard-7"]
    home = shards.shard_of("n-shard-7", 3)
    holding = [d.name for d in shards.shard_dirs(index_dir) if "n-shard-7" in _ids_in(d)]
    assert holding == [shards.SHARD_NAME.format(home)]
    found = client.get("/api/search", query_string={"q": "أغدام"}).get_json()
    assert "n-shard-7" in [r["id"] for r in found["results"]]
    assert delete_document("n-shard-7", index_dir)
    assert not any("n-shard-7" in _ids_in(d) for d in shards.shard_dirs(index_dir))


def test_one_shard_is_built_alone_from_the_same_sources(built, tmp_path, capsys):
    assert main(["build", *map(str, SOURCES), "--engine", "xapian", "--index-dir",
                 str(tmp_path / "one"), "--quiet", "--shard", "1/3"]) == 0
    assert _ids_in(tmp_path / "one") == _ids_in(shards.shard_dirs(built / "sharded")[1])
    assert shards.shard_dirs(tmp_path / "one") is None


@pytest.mark.parametrize(("extra", "message"), [
    (["--shards", "3"], "--shards and --shard build Xapian indexes"),
    (["--engine", "xapian", "--shard", "3/3"], "--shard wants i/N with 0 <= i < N"),
])
def test_shard_options_refuse_what_they_cannot_do(tmp_path, capsys, extra, message):
    assert main(["build", str(SOURCES[0]), "--index-dir", str(tmp_path / "ix"), "--quiet",
                 *extra]) == 2
    assert message in capsys.readouterr().err


def test_a_stub_line_that_is_no_shard_is_reported_with_file_and_line(tmp_path):
    (tmp_path / shards.STUB_FILE).write_text("auto shard-00\nremote host\n", encoding="utf-8")
    with pytest.raises(ValueError, match="XAPIANDB:2: expected 'auto <shard folder>'"):
        shards.shard_dirs(tmp_path)


def test_documents_read_for_a_shard_are_those_of_its_ids():
    documents = list(read_documents(SOURCES))
    parts = [list(shards.of_shard(documents, i, 3)) for i in range(3)]
    assert sorted(d.id for part in parts for d in part) == sorted(d.id for d in documents)
