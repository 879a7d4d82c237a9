# SPDX-License-Identifier: GPL-3.0-or-later
"""The test suite collects the doctests of the benchmark's modules, but never imports
the no-snippets app: importing it patches ``service.search`` for the whole process."""

collect_ignore = ["wsgi_nosnippets.py"]
