"""The dictd reader and the lexicon built from it, on small dictionaries made here."""

import gzip
import logging

import pytest

from index.dictd import DictdError, decode_number, parse_entry, read_dictd
from index.lexicon import Lexicon, text_key, word_key

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def encode_number(value):
    digits = ""
    while True:
        digits = _B64[value % 64] + digits
        value //= 64
        if not value:
            return digits


def write_dictd(directory, name, entries):
    """Write entries {headword: entry text} as name.index and name.dict.dz."""
    data, lines, offset = b"", [], 0
    for headword, text in entries.items():
        raw = text.encode("utf-8")
        lines.append(f"{headword}\t{encode_number(offset)}\t{encode_number(len(raw))}")
        data += raw
        offset += len(raw)
    (directory / f"{name}.index").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(directory / f"{name}.dict.dz", "wb") as handle:
        handle.write(data)


@pytest.fixture()
def dictionaries(tmp_path):
    write_dictd(tmp_path, "freedict-eng-ara", {
        "00databaseinfo": "about\n",
        "ceasefire": "Ceasefire /sˈiːsfaɪə/\nوقف إطلاق النار\n",
        "clashes": "Clashes /klˈaʃɪz/\nالإشتباكات\n",
        "shell": "Shell /ʃˈɛl/\n1. يقشر\n2. قصف\u200e\n",
        "feet": "Feet /fˈiːt/\nالأقدام\n",
    })
    write_dictd(tmp_path, "freedict-ara-eng", {
        "حصار": "حِصار /ħˈis̪a.ːr/\nBesiegement\n",
        "قصف": "قصف /qˈas̪f/\n1. Bombed\n2. Shelling\n",
    })
    return tmp_path


def test_decode_number_is_base64_most_significant_first():
    assert [decode_number(encode_number(n)) for n in (0, 63, 64, 541565)] == [0, 63, 64, 541565]


def test_read_dictd_yields_headwords_and_senses(dictionaries):
    entries = dict(read_dictd(dictionaries / "freedict-eng-ara.index",
                              dictionaries / "freedict-eng-ara.dict.dz"))
    assert "00databaseinfo" not in entries
    assert entries["shell"] == ["يقشر", "قصف"]


def test_parse_entry_drops_numbers_and_direction_marks():
    assert parse_entry("Shell /x/\n1. يقشر\n2. قصف\u200e\n") == ["يقشر", "قصف"]


def test_malformed_index_line_names_file_and_line(tmp_path):
    (tmp_path / "d.index").write_text("ok\tA\tB\nbroken line\n", encoding="utf-8")
    with gzip.open(tmp_path / "d.dict.dz", "wb") as handle:
        handle.write(b"xx")
    with pytest.raises(DictdError, match=r"d.index:2: expected headword"):
        list(read_dictd(tmp_path / "d.index", tmp_path / "d.dict.dz"))


def test_lexicon_keys_find_inflected_query_words(dictionaries):
    lexicon = Lexicon.build(dictionaries)
    assert lexicon.en_ar[text_key("clash")] == ("الإشتباكات",)
    assert lexicon.ar_en[text_key("القصف")] == ("Bombed", "Shelling")


def test_lexicon_knows_the_words_of_both_sides(dictionaries):
    lexicon = Lexicon.build(dictionaries)
    assert word_key("اقدام", "ar") in lexicon.known
    assert word_key("feet", "latin") in lexicon.known
    assert word_key("كالباجار", "ar") not in lexicon.known


def test_lexicon_survives_save_and_load(dictionaries, tmp_path):
    lexicon = Lexicon.build(dictionaries)
    lexicon.save(tmp_path / "lexicon.pickle")
    again = Lexicon.load(tmp_path / "lexicon.pickle")
    assert (again.en_ar, again.known, again.digest) == (lexicon.en_ar, lexicon.known,
                                                         lexicon.digest)


def test_load_or_build_builds_once_and_then_loads(dictionaries, tmp_path):
    cache = tmp_path / "cache" / "lexicon.pickle"
    built = Lexicon.load_or_build(cache, dictionaries)
    assert cache.exists()
    (dictionaries / "freedict-eng-ara.index").unlink()     # loading needs no dictionary
    assert Lexicon.load_or_build(cache, dictionaries).digest == built.digest


def test_without_dictionaries_the_lexicon_is_empty_and_says_so(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        lexicon = Lexicon.load_or_build(tmp_path / "l.pickle", tmp_path / "none")
    assert lexicon.en_ar == {} and "dict-freedict-eng-ara" in caplog.text
