"""Settings: precedence, types, and every setting documented in the README."""

import pytest

from config.settings import SETTINGS, SettingsError, load_settings
from tests.support import ROOT


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name


def test_environment_overrides_file(tmp_path):
    config = tmp_path / "fahras.toml"
    config.write_text('max_per_page = 20\nindex_dir = "elsewhere"\n', encoding="utf-8")
    values = load_settings({"FAHRAS_MAX_PER_PAGE": "30"}, config)
    assert values["MAX_PER_PAGE"] == 30
    assert values["INDEX_DIR"].endswith("elsewhere")


def test_unknown_setting_in_the_file_is_an_error(tmp_path):
    config = tmp_path / "fahras.toml"
    config.write_text("max_per_pages = 20\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting 'max_per_pages'"):
        load_settings({}, config)


def test_an_engine_must_be_one_there_is():
    assert load_settings({}, None)["ENGINE"] == "whoosh"
    assert load_settings({"FAHRAS_ENGINE": "xapian"}, None)["ENGINE"] == "xapian"
    with pytest.raises(SettingsError, match="ENGINE must be one of whoosh, xapian, got 'solr'"):
        load_settings({"FAHRAS_ENGINE": "solr"}, None)


def test_wrong_type_is_an_error():
    with pytest.raises(SettingsError, match="MAX_PER_PAGE must be int"):
        load_settings({"FAHRAS_MAX_PER_PAGE": "many"}, None)
