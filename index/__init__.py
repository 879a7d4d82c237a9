"""The indexer: reading, analysis and writing. Imports Whoosh and pyarabic, never Flask.

Stages, in the order a document flows:

1. ``readers`` — ``.txt`` / ``.jsonl`` files to ``Document`` objects (file:line errors);
2. ``furniture`` — page furniture cut from bodies (markers in ``config/furniture.txt``);
3. ``language`` — ``ar`` or ``en`` for documents without one (script, then langdetect);
4. ``tokens`` → ``normalize`` → ``gazetteer`` → ``stemmer`` — the pure text rules;
5. ``analysis`` — the same rules as one Whoosh analyzer (index and query side);
6. ``schema``, ``writer``, ``store`` — fields, idempotent builds, atomic swaps;
   ``xapian_layout``, ``xapian_writer`` — the same documents as a Xapian database
   (the ``ENGINE`` setting chooses).

``resources`` loads the data that linguists edit in ``config/``.
"""
