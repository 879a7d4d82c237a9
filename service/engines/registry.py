"""The engines by name, and the one place that opens an index with the engine that
wrote it (the app hands ``open_searcher`` to its ``IndexHandle``)."""

from pathlib import Path

from index import store
from service.engines import Searcher
from service.engines.whoosh_docsets import DocSets
from service.engines.whoosh_engine import WhooshSearcher
from service.engines.xapian_engine import XapianSearcher


def open_searcher(folder: Path, caches: dict, options: dict) -> Searcher:
    """A searcher of the index in ``folder``, by the engine that wrote it.

    :param caches: what the engine keeps across searchers of one index (the caller
        keeps it; the engine fills it).
    :param options: ``match_cache_bytes`` and ``postings_cache_bytes`` (Whoosh's
        caches of bit sets and postings arrays).
    :raises index.store.IndexMissing: when ``folder`` holds no index.
    """
    if store.engine_of(folder) == "xapian":
        return XapianSearcher(folder)
    if "whoosh" not in caches:
        caches["whoosh"] = DocSets(
            **({"max_bits_bytes": options["match_cache_bytes"]}
               if "match_cache_bytes" in options else {}),
            **({"max_postings_bytes": options["postings_cache_bytes"]}
               if "postings_cache_bytes" in options else {}))
    return WhooshSearcher(store.open_index(folder), caches["whoosh"])
