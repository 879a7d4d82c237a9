# SPDX-License-Identifier: GPL-3.0-or-later
"""Fahras evaluation: a judged collection and the harness that scores search systems on it.

Stages, in the order a run takes them:

- ``collection``: load ``articles.jsonl`` and ``queries.tsv``, checked against the document ids.
- ``systems``: the systems under test (``build`` an index, ``search`` it), listed in ``SYSTEMS``.
- ``metrics``: pure scoring functions (nDCG@k, reciprocal rank, recall@k, trap rate), their means.
- ``run_eval``: ``python -m tests.eval.run_eval`` builds each system, runs the queries, prints
  the table.
"""
