"""Browser tests: the real app on 127.0.0.1, driven by Playwright in Debian's Chromium.

The index is built once from seeds/, tests/data/fixtures.jsonl and tests/browser/data/
(twelve short articles about كاراباخ, so one query needs two pages), plus the hostile
article of tests/support.py (its javascript: url would not pass ingestion). A second app
whose index folder does not exist serves the missing-index state. No browser is ever
downloaded: Chromium is /usr/bin/chromium (scripts/setup installs it); without it the
tests are skipped. Screenshots of the main states go to artifacts/screenshots/
(git-ignored; CI keeps them as artefacts).

Run only these: ``.venv/bin/python -m pytest -m browser``.
"""

import os
import threading
from pathlib import Path

import pytest

from index.readers import read_documents
from index.writer import build_index
from tests.support import FIXTURES, ROOT, SEEDS, hostile_document

DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = Path(os.environ.get("FAHRAS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the search page in a real browser "
                                       "(Chromium at /usr/bin/chromium)")


def pytest_collection_modifyitems(items):
    """Chromium drops a connection now and then while werkzeug's threaded development
    server sends it a static file (favicon.svg, whether 200 or 304); the file object
    is then closed by the garbage collector, whose ResourceWarning would fail
    whichever test happens to be running. Only the browser tests ignore it."""
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings(
                "ignore:unclosed file:ResourceWarning"))
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::pytest.PytestUnraisableExceptionWarning"))


class LiveServer:
    """The app on 127.0.0.1 on a free port, served from a background thread."""

    def __init__(self, app) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self.app.extensions["fahras"].handle.close()


@pytest.fixture(scope="session")
def browser_index(tmp_path_factory, resources):
    path = tmp_path_factory.mktemp("browser-index") / "index"
    sources = [SEEDS, FIXTURES, *sorted(DATA.glob("*.jsonl"))]
    build_index(read_documents(sources), path, resources)
    build_index([hostile_document()], path, resources)
    return path


def _app(index_dir):
    """The real app; rate limiting off, as the whole suite comes from one address."""
    from service import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "REFRESH_INTERVAL": 0.0,
                       "RATE_LIMIT": 0})


@pytest.fixture(scope="session")
def live_server(browser_index):
    with LiveServer(_app(browser_index)) as server:
        yield server


@pytest.fixture(scope="session")
def live_server_without_index(tmp_path_factory):
    missing = tmp_path_factory.mktemp("no-index") / "index"
    with LiveServer(_app(missing)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    """A fresh page (own context) with an Arabic browser locale; fails on script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture(scope="session")
def screenshot():
    """Save a full-page PNG of the page under artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
