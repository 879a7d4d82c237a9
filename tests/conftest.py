"""Shared fixtures: resources from config/, a small index from seeds/ plus fixtures, the app.

A test module that sets ``PER_ENGINE = True`` runs each of its tests once per engine
(``ENGINES``): its ``index_dir`` is built, and its apps write, with that engine.
Every other module runs on the default engine, Whoosh.
"""

import pytest

from index.readers import read_documents
from index.resources import Resources
from index.writes import builder

from tests.support import FIXTURES, ROOT, SEEDS


@pytest.fixture(scope="session")
def resources():
    return Resources.load(ROOT / "config")


@pytest.fixture(scope="session")
def analyzer(resources):
    from index.analysis import fahras_analyzer

    return fahras_analyzer(resources)


ENGINES = ("whoosh", "xapian")


def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames and getattr(metafunc.module, "PER_ENGINE", False):
        metafunc.parametrize("engine", ENGINES, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(request):
    """The engine of the test's index: each of ``ENGINES`` in a ``PER_ENGINE`` module."""
    return getattr(request, "param", "whoosh")


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, resources, engine):
    path = tmp_path_factory.mktemp(f"index-{engine}") / "index"
    builder(engine)(read_documents([SEEDS, FIXTURES]), path, resources)
    return path


@pytest.fixture()
def make_app(engine):
    """Create apps with settings overrides; their open indexes are closed afterwards."""
    from service import create_app

    apps = []

    def make(**settings):
        app = create_app({"TESTING": True, "REFRESH_INTERVAL": 0.0, "RATE_LIMIT": 0,
                          "ENGINE": engine, **settings})
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
