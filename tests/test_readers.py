"""Reading .txt and .jsonl sources: titles, ids, and file:line errors."""

import gzip
import json

import pytest

from tests.support import SEEDS
from index.readers import DocumentError, document_from_record, read_documents


@pytest.fixture(scope="module")
def seeds():
    return {d.id: d for d in read_documents([SEEDS])}


def test_txt_id_is_the_file_stem(seeds):
    assert "002_d16953ad185bce75" in seeds
    assert len(seeds) == 5


def test_stray_first_line_is_not_the_title(seeds):
    assert seeds["002_d16953ad185bce75"].title.startswith("أذربيجان تُطلق عملية عسكرية")


def test_repeated_title_is_dropped_from_the_body(seeds):
    document = seeds["002_d16953ad185bce75"]
    assert document.title not in document.body


def test_bulleted_title_repeat_is_dropped_from_the_body(seeds):
    document = seeds["004_29f6f012e7cc2442"]
    assert "• قتلى وجرحى" not in document.body


def test_jsonl_fields_are_read(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "x1", "title": "عنوان", "body": "نص", "lang": "ar",
                                "source": "S", "date": "2020-01-02", "url": "https://s.am/1"},
                               ensure_ascii=False) + "\n\n", encoding="utf-8")
    [document] = read_documents([path])
    assert (document.id, document.lang, document.date, document.url, document.origin) == (
        "x1", "ar", "2020-01-02", "https://s.am/1", f"{path}:1")


def test_gzipped_jsonl_is_read(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g1", "body": "text"}) + "\n")
    assert [d.id for d in read_documents([path])] == ["g1"]


def test_missing_title_comes_from_the_first_body_line(tmp_path):
    document = document_from_record({"id": "a", "body": "First line\nsecond"}, "x:1")
    assert document.title == "First line"


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "a", "body": ', "x.jsonl:2: invalid JSON"),
    ('{"title": "t", "body": "b"}', "x.jsonl:2: missing 'id'"),
    ('{"id": "a", "body": "  "}', "x.jsonl:2: missing 'body'"),
    ('{"id": "a", "body": 5}', "x.jsonl:2: 'body' must be a string"),
    ('{"id": "a", "body": "b", "lang": "fr"}', "x.jsonl:2: 'lang' must be one of ar, en"),
    ('{"id": "a", "body": "b", "date": "yesterday"}', "x.jsonl:2: 'date' must be YYYY-MM-DD"),
    ('{"id": "a", "body": "b", "url": "javascript:alert(1)"}', "x.jsonl:2: 'url' must be an http"),
    ('{"id": "../x", "body": "b"}', "x.jsonl:2: 'id' must not contain '/'"),
    ('{"id": "a\\u0000b", "body": "b"}', "x.jsonl:2: 'id' must not contain control"),
    ('[1, 2]', "x.jsonl:2: expected a JSON object"),
])
def test_bad_jsonl_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "ok", "body": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="^" + str(tmp_path / message).replace("(", r"\(")):
        list(read_documents([path]))


def test_undecodable_bytes_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "a", "body": "b"}\n{"id": "c", "body": "\xff"}\n')
    with pytest.raises(DocumentError, match=r"bad.jsonl:2: not valid UTF-8"):
        list(read_documents([path]))


def test_undecodable_txt_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("عنوان الخبر الطويل\n\nنص\n".encode() + b"\xfe\n")
    with pytest.raises(DocumentError, match=r"bad.txt:4: not valid UTF-8"):
        list(read_documents([path]))


def test_duplicate_id_is_an_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "body": "x"}\n{"id": "a", "body": "y"}\n', encoding="utf-8")
    with pytest.raises(DocumentError, match=r"d.jsonl:2: duplicate id 'a' \(first at .*d.jsonl:1\)"):
        list(read_documents([path]))


def test_on_error_collects_and_continues(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "a", "body": "x"}\nnot json\n{"id": "b", "body": "y"}\n',
                    encoding="utf-8")
    errors = []
    ids = [d.id for d in read_documents([path], on_error=errors.append)]
    assert ids == ["a", "b"]
    assert len(errors) == 1 and "m.jsonl:2" in str(errors[0])


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(DocumentError, match="no such file or folder"):
        list(read_documents([tmp_path / "nope"]))
