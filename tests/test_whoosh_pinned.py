"""The Whoosh engine's fast paths read private structures of Whoosh: pinned here.

``index/whoosh_private.py`` holds every one of them: column bytes and posting
blocks read, blocks skipped, postings written by block (its callers are
``service/engines/whoosh_docsets.py``, ``whoosh_phrases.py``, ``whoosh_ranking.py``
and ``index/segments.py``). Each has a slow path that a test holds equal to it, so
a Whoosh whose internals moved would be slower, not wrong; this module says which
Whoosh releases the fast paths were written for and fails, naming the attribute,
when an upgrade takes one away.
"""

import whoosh
from whoosh import fields
from whoosh.filedb.filestore import RamStorage

from index import whoosh_private

#: The releases the fast paths were written and tested for (requirements.txt pins
#: the first; the second is the documented alternative).
KNOWN_RELEASES = {(3, 54, 0), (2, 7, 5)}
#: What ``whoosh_private``'s block readers and skips use of a matcher.
MATCHER = (*whoosh_private.BLOCK_READER, *whoosh_private.BLOCK_SKIP, "block_max_id")


def test_whoosh_is_a_release_the_fast_paths_know():
    assert tuple(whoosh.__version__[:3]) in KNOWN_RELEASES, (
        f"whoosh {whoosh.versionstring()}: check index/whoosh_private.py against it, "
        "then add it here")


def _index():
    schema = fields.Schema(id=fields.ID(stored=True, sortable=True),
                           body=fields.TEXT(phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for n in range(300):
            writer.add_document(id=f"d{n}", body="ceasefire corridor " * (n % 5 + 1))
    return ix


def test_the_private_attributes_the_fast_paths_read_are_there():
    ix = _index()
    with ix.searcher() as searcher:
        leaf = searcher.leaf_searchers()[0][0]
        reader = leaf.reader()
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        lengths = reader._perdoc._cached_reader(_lenfield("body"), LENGTHS_COLUMN)
        missing = [name for name in whoosh_private.FIXED_COLUMN if not hasattr(lengths, name)]
        assert not missing, f"the lengths column lost {missing}"
        column = reader.column_reader("id")
        raw = column.raw_column() if hasattr(column, "raw_column") else column
        missing = [name for name in whoosh_private.VAR_COLUMN if not hasattr(raw, name)]
        assert not missing, f"the id column lost {missing}"
        matcher = reader.postings("body", "ceasefire")
        matcher.id()
        missing = [name for name in MATCHER if not hasattr(matcher, name)]
        assert not missing, f"the posting matcher lost {missing}"
