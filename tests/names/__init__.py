# SPDX-License-Identifier: GPL-3.0-or-later
"""Real-news names: names judged on the shared corpora, and the harness that scores systems on them.

Stages, in the order a run takes them:

- ``names.tsv``: the names, their kind and region, and the Arabic spellings the press used.
- ``collect``: the judge's normaliser and matcher; counts spellings, gives ``relevant`` ids.
- ``fts5``: an SQLite FTS5 baseline beside the systems of ``tests.eval.systems``.
- ``run_names``: ``python -m tests.names.run_names`` samples the corpora, builds each system,
  scores every name (p@10, R@500) and prints the tables.
"""
