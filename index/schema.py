"""The index schema: one bilingual analyzer for both text fields.

Documents mix scripts (Arabic articles quote Lacin and News.am), so one chain that
sends each word down its script's branch is simpler than a field per language.
``names`` holds the cross-script keys of name-like words of title and body (not
stored). ``entities`` holds the gazetteer keys found in the title and body (for filters and
facets); ``content_hash`` lets a re-run skip unchanged documents; ``furniture``
keeps the page furniture cut from the body, stored but not searched. A change of
fields must raise ``index.resources.ANALYSIS_VERSION`` so that old indexes read as stale.
"""

from whoosh import fields

from index.analysis import fahras_analyzer, names_analyzer
from index.resources import Resources


def make_schema(resources: Resources) -> fields.Schema:
    """Build the schema; both text fields share one analyzer built from ``resources``."""
    analyzer = fahras_analyzer(resources)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, phrase=True),
        body=fields.TEXT(analyzer=analyzer, stored=True, phrase=True),
        names=fields.TEXT(analyzer=names_analyzer(resources), phrase=False),
        lang=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True),
        date=fields.ID(stored=True, sortable=True),
        url=fields.STORED(),
        entities=fields.KEYWORD(stored=True, scorable=False, commas=False),
        furniture=fields.STORED(),
        content_hash=fields.ID(stored=True, sortable=True),
    )

