# SPDX-License-Identifier: GPL-3.0-or-later
"""The service with snippets and title highlights switched off, for the benchmark only.

``gunicorn --config config/gunicorn.conf.py tests.benchmarks.wsgi_nosnippets:app``
serves the same app as ``wsgi:app`` except that ``service.search`` builds no
snippet (the ``snippet`` field is empty) and marks nothing in titles, so that the
latency difference against ``wsgi:app`` is the cost of snippets and highlights. The
API has no switch for this; nothing in ``service/`` is changed.
"""

import service.core
import service.search
from index.spans import Found
from service import create_app


def _no_snippet(text, spans, **options):
    return ""


class _NoSpans:
    def __init__(self, resources, terms, name_keys=(), **bounds):
        pass

    def __call__(self, text):
        return []

    def find(self, text):
        return Found([])


service.search.make_snippet = _no_snippet
service.core.SpanFinder = _NoSpans

app = create_app()
