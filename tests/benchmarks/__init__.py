# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of Fahras against stock Whoosh, SQLite FTS5 and tantivy (issue 6).

Run ``.venv/bin/python -m tests.benchmarks.bench --size 10000``; see README.md here.
Nothing in this package is a test: it measures, it does not assert. Optional
packages (psutil, tantivy, pyinstrument) are imported only where they are used, so
that the test suite's doctest collection can import these modules without them.
"""
