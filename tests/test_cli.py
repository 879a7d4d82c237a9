"""The build command: summary, stale notice, errors and exit status."""

import gc
import json

import pytest

from index.__main__ import main


def test_build_prints_a_summary_and_is_idempotent(tmp_path, capsys):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "1", "body": "باكو"}) + "\n", encoding="utf-8")
    assert main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet"]) == 0
    assert "1 added, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out
    assert main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet"]) == 0
    assert "0 added, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_build_stops_on_invalid_input_with_file_and_line(tmp_path, capsys):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "1", "body": "x"}\n{"id": "2"}\n', encoding="utf-8")
    assert main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet"]) == 1
    assert "bad.jsonl:2: missing 'body'" in capsys.readouterr().err


def test_skip_invalid_reports_the_rejected(tmp_path, capsys):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "1", "body": "x"}\n{"id": "2"}\n', encoding="utf-8")
    assert main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet",
                 "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and "1 rejected" in out and "bad.jsonl:2: missing 'body'" in out


@pytest.mark.parametrize("engine", ["whoosh", "xapian"])
def test_stale_index_gets_a_rebuild_notice(tmp_path, capsys, monkeypatch, engine):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "1", "body": "باكو"}) + "\n", encoding="utf-8")
    config = _copy_config(tmp_path)
    monkeypatch.setenv("FAHRAS_CONFIG_DIR", str(config))
    args = ["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet",
            "--engine", engine]
    assert main(args) == 0
    with open(config / "stopwords_en.txt", "a", encoding="utf-8") as handle:
        handle.write("\nwhereas\n")
    capsys.readouterr()
    assert main(args) == 0
    assert "a rebuild is due" in capsys.readouterr().out
    main(["stats", "--index-dir", str(tmp_path / "ix"), "--json"])
    assert json.loads(capsys.readouterr().out)["stale"] is True
    assert main(args + ["--rebuild-if-stale"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rebuilt") and "rebuild is due" not in out


def test_bad_gazetteer_is_reported_with_file_and_line(tmp_path, capsys, monkeypatch):
    config = _copy_config(tmp_path)
    with open(config / "gazetteer.txt", "a", encoding="utf-8") as handle:
        handle.write("\n[Bad Key]\n")
    monkeypatch.setenv("FAHRAS_CONFIG_DIR", str(config))
    assert main(["build", "--index-dir", str(tmp_path / "ix")]) == 2
    assert "gazetteer.txt:" in capsys.readouterr().err


def _copy_config(tmp_path):
    import shutil

    from tests.support import ROOT

    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_stats_reports_documents_terms_and_freshness(tmp_path, capsys):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "1", "body": "قصف في باكو"}) + "\n", encoding="utf-8")
    main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet"])
    capsys.readouterr()
    assert main(["stats", "--index-dir", str(tmp_path / "ix"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["engine"] == "whoosh"
    assert info["documents"] == 1 and info["terms"]["body"] >= 2
    assert info["stale"] is False and info["size_bytes"] > 0


def test_stats_without_an_index_says_what_to_run(tmp_path, capsys):
    assert main(["stats", "--index-dir", str(tmp_path / "none")]) == 1
    assert "python -m index build" in capsys.readouterr().err


def test_delete_removes_documents_by_id(tmp_path, capsys):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "1", "body": "باكو"}) + "\n"
                      + json.dumps({"id": "2", "body": "يريفان"}) + "\n", encoding="utf-8")
    main(["build", str(source), "--index-dir", str(tmp_path / "ix"), "--quiet"])
    assert main(["delete", "1", "9", "--index-dir", str(tmp_path / "ix")]) == 1
    out = capsys.readouterr().out
    assert "deleted: 1" in out and "not found: 9" in out
    main(["stats", "--index-dir", str(tmp_path / "ix"), "--json"])
    assert json.loads(capsys.readouterr().out)["documents"] == 1


def test_service_search_prints_the_apis_results(index_dir, monkeypatch, capsys):
    from service.__main__ import main as service_main

    monkeypatch.setenv("FAHRAS_INDEX_DIR", str(index_dir))
    assert service_main(["search", "Stepanakert", "--json", "--limit", "3"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] and len(body["results"]) <= 3
    assert service_main(["search", "Stepanakert"]) == 0
    assert "[خانكيندي]" in capsys.readouterr().out
    assert service_main(["search", "the of"]) == 2


# Whoosh leaves the file of a table of contents it cannot unpickle open; the warning
# about it is this test's, collected here, not the next test's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_rebuild_if_stale_rebuilds_an_index_it_cannot_read(tmp_path, capsys):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "1", "body": "باكو"}) + "\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    main(["build", str(source), "--index-dir", str(index_dir), "--quiet"])
    for toc in index_dir.resolve().glob("_MAIN_*.toc"):
        toc.write_bytes(b"written by code this version cannot read")
    capsys.readouterr()
    assert main(["build", str(source), "--index-dir", str(index_dir), "--quiet",
                 "--rebuild-if-stale"]) == 0
    captured = capsys.readouterr()
    assert "cannot be read" in captured.err and captured.out.startswith("rebuilt")
    gc.collect()


# ---------------------------------------------------------------- the Xapian engine


def _two_documents(tmp_path):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "1", "title": "قصف في باكو", "body": "قصف مدفعي على باكو"})
                      + "\n" + json.dumps({"id": "2", "body": "يريفان"}) + "\n",
                      encoding="utf-8")
    return source


def test_build_with_the_xapian_engine_then_stats_says_so(tmp_path, capsys):
    source, index_dir = _two_documents(tmp_path), str(tmp_path / "ix")
    assert main(["build", str(source), "--index-dir", index_dir, "--quiet",
                 "--engine", "xapian"]) == 0
    assert "(xapian): 2 added, 0 updated" in capsys.readouterr().out
    assert main(["build", str(source), "--index-dir", index_dir, "--quiet",
                 "--engine", "xapian"]) == 0
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert main(["stats", "--index-dir", index_dir, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["engine"], info["documents"], info["stale"]) == ("xapian", 2, False)
    assert info["index_fingerprint"] == info["config_fingerprint"] and info["size_bytes"] > 0
    main(["build", str(source), "--index-dir", str(tmp_path / "wh"), "--quiet",
          "--engine", "whoosh"])
    capsys.readouterr()
    main(["stats", "--index-dir", str(tmp_path / "wh"), "--json"])
    whoosh_info = json.loads(capsys.readouterr().out)
    assert info["terms"] == whoosh_info["terms"] and info["terms"]["body"] >= 5
    assert info["index_fingerprint"] == whoosh_info["index_fingerprint"]


def test_the_engine_setting_is_the_default_engine(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FAHRAS_ENGINE", "xapian")
    source, index_dir = _two_documents(tmp_path), str(tmp_path / "ix")
    assert main(["build", str(source), "--index-dir", index_dir, "--quiet"]) == 0
    main(["stats", "--index-dir", index_dir, "--json"])
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["engine"] == "xapian"


@pytest.mark.parametrize(("first", "second"), [("whoosh", "xapian"), ("xapian", "whoosh")])
def test_building_over_the_other_engine_s_index_needs_rebuild(tmp_path, capsys, first, second):
    source, index_dir = _two_documents(tmp_path), str(tmp_path / "ix")
    args = ["build", str(source), "--index-dir", index_dir, "--quiet", "--engine"]
    assert main(args + [first]) == 0
    capsys.readouterr()
    assert main(args + [second]) == 2
    error = capsys.readouterr().err
    assert f"is a {first} index, not a {second} one" in error and "--rebuild" in error
    main(["stats", "--index-dir", index_dir, "--json"])
    assert json.loads(capsys.readouterr().out)["engine"] == first           # untouched
    assert main(args + [second, "--rebuild"]) == 0
    assert capsys.readouterr().out.startswith(f"rebuilt {index_dir} ({second}): 2 added")
    main(["stats", "--index-dir", index_dir, "--json"])
    assert json.loads(capsys.readouterr().out)["engine"] == second


def test_rebuild_if_stale_rebuilds_an_index_of_the_other_engine(tmp_path, capsys):
    source, index_dir = _two_documents(tmp_path), str(tmp_path / "ix")
    args = ["build", str(source), "--index-dir", index_dir, "--quiet", "--rebuild-if-stale"]
    assert main(args + ["--engine", "whoosh"]) == 0
    capsys.readouterr()
    assert main(args + ["--engine", "xapian"]) == 0
    captured = capsys.readouterr()
    assert "is a whoosh index; rebuilding it as a xapian index" in captured.err
    assert captured.out.startswith("rebuilt")
    assert main(args + ["--engine", "xapian"]) == 0
    assert "2 unchanged" in capsys.readouterr().out                        # not stale now


def test_delete_removes_documents_from_a_xapian_index(tmp_path, capsys):
    source, index_dir = _two_documents(tmp_path), str(tmp_path / "ix")
    main(["build", str(source), "--index-dir", index_dir, "--quiet", "--engine", "xapian"])
    assert main(["delete", "1", "9", "--index-dir", index_dir]) == 1
    out = capsys.readouterr().out
    assert "deleted: 1" in out and "not found: 9" in out
    main(["stats", "--index-dir", index_dir, "--json"])
    assert json.loads(capsys.readouterr().out)["documents"] == 1
