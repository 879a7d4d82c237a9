"""Browser tests of the search page (Playwright driving Chromium); see conftest.py."""
