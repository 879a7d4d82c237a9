"""Shared fixtures: resources from config/, a small index from seeds/ plus fixtures, the app."""

import pytest

from index.readers import read_documents
from index.resources import Resources
from index.writer import build_index

from tests.support import FIXTURES, ROOT, SEEDS


@pytest.fixture(scope="session")
def resources():
    return Resources.load(ROOT / "config")


@pytest.fixture(scope="session")
def analyzer(resources):
    from index.analysis import fahras_analyzer

    return fahras_analyzer(resources)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, resources):
    path = tmp_path_factory.mktemp("index") / "index"
    build_index(read_documents([SEEDS, FIXTURES]), path, resources)
    return path


@pytest.fixture()
def make_app():
    """Create apps with settings overrides; their open indexes are closed afterwards."""
    from service import create_app

    apps = []

    def make(**settings):
        app = create_app({"TESTING": True, "REFRESH_INTERVAL": 0.0, "RATE_LIMIT": 0,
                          **settings})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["fahras"].handle.close()


@pytest.fixture()
def app(make_app, index_dir):
    return make_app(INDEX_DIR=str(index_dir))


@pytest.fixture()
def client(app):
    return app.test_client()
