"""BM25F with each segment's field lengths read once, not at every scored posting.

Whoosh's BM25F scorer asks the segment for a document's field length at every
posting it scores: a column lookup through a file read and a byte decode. Scoring
is most of a search at 100,000 articles, and a third of it went there. The lengths
never change within a segment, so ``service.engines.whoosh_docsets`` keeps them per segment as an
array (4 bytes per document and field), and the scorer reads that instead. The
values are Whoosh's own (``doc_field_length``), so scores are unchanged
(``tests/test_search_speed_parts.py`` compares them).
"""

from whoosh import scoring
from whoosh.searching import Searcher

from service.engines.whoosh_docsets import DocSets


class CachedLengthsBM25F(scoring.BM25F):
    """``scoring.BM25F`` whose scorers read field lengths from ``docsets``."""

    def __init__(self, docsets: DocSets, **options) -> None:
        super().__init__(**options)
        self.docsets = docsets

    def scorer(self, searcher: Searcher, fieldname: str, text: str, qf: int = 1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = self.docsets.lengths(searcher, fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer
