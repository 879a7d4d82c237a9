"""Nothing is lost when the build is killed: SIGKILL at random moments (``TRIALS``).

Each trial starts ``python -m index build`` on a committed index and kills it at a
random moment (while reading and analysing, while writing segments, around the
commit). Afterwards the index must open, hold either the last committed state or the
new one (never a mixture), answer searches, and accept a writer at once (no stale
lock); the next build must finish the job. The same for ``--rebuild``, whose swap of
the index link is atomic. Each engine is tried (``--engine``).
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import xapian
from whoosh.query import Every

from index import store
from tests.support import ROOT

#: Trials per engine (half incremental, half rebuild): Whoosh's writer has more
#: moments to kill (segments, merges, its lock file) than Xapian's one transaction.
TRIALS = {"whoosh": 20, "xapian": 12}
BASE = 30
EXTRA = 300


def write_corpus(path, start, count):
    words = "قصف اشتباكات في لاتشين وستيباناكيرت وباكو ويريفان حرب سلام هدنة".split()
    rng = random.Random(start)
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(start, start + count):
            body = " ".join(rng.choice(words) for _ in range(400))
            handle.write(json.dumps({"id": f"d{n}", "title": f"خبر {n}", "body": body,
                                     "lang": "ar"}, ensure_ascii=False) + "\n")


def build_with_engine(index_dir, source, *extra, engine="whoosh"):
    return subprocess.Popen([sys.executable, "-m", "index", "build", str(source),
                             "--index-dir", str(index_dir), "--quiet", "--engine", engine,
                             *extra],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def count(index_dir):
    """The documents of the index, every one of them found by a search."""
    if store.engine_of(index_dir) == "xapian":
        db = xapian.Database(str(store.resolved_dir(index_dir)))
        enquire = xapian.Enquire(db)
        enquire.set_query(xapian.Query.MatchAll)
        found = len(enquire.get_mset(0, db.get_doccount() + 1))
        assert found == db.get_doccount()
        db.close()
        return found
    with store.open_index(index_dir).searcher() as searcher:
        found = len(searcher.search(Every(), limit=None))
        assert found == searcher.doc_count()
        return searcher.doc_count()


def take_the_writer(index_dir):
    """Open a writer at once (a killed build left no stale lock) and let it go."""
    if store.engine_of(index_dir) == "xapian":
        xapian.WritableDatabase(str(store.resolved_dir(index_dir)), xapian.DB_OPEN).close()
    else:
        store.open_index(index_dir).writer(timeout=1.0).cancel()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    write_corpus(folder / "base.jsonl", 0, BASE)
    write_corpus(folder / "extra.jsonl", BASE, EXTRA)
    return folder


@pytest.mark.parametrize("engine", ["whoosh", "xapian"])
@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_sigkill_at_random_moments_loses_nothing(corpora, tmp_path, rebuild, engine):
    index_dir = tmp_path / "ix"

    def build(*args):
        return build_with_engine(*args, engine=engine)
    assert build(index_dir, corpora / "base.jsonl").wait() == 0
    assert store.engine_of(index_dir) == engine
    rng = random.Random(7 if rebuild else 11)
    source = corpora / "extra.jsonl"
    outcomes = set()
    for _ in range(TRIALS[engine] // 2):
        process = build(index_dir, source, *(["--rebuild"] if rebuild else []))
        time.sleep(rng.uniform(0.3, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = count(index_dir)
        expected = {BASE, BASE + EXTRA} if not rebuild else {BASE, EXTRA}
        if not rebuild and found == BASE + EXTRA:
            # the previous trial finished: start again from the base
            assert build(index_dir, corpora / "base.jsonl", "--rebuild").wait() == 0
        assert found in expected, found
        outcomes.add(found)
        take_the_writer(index_dir)                                  # no stale lock
    assert build(index_dir, source, *(["--rebuild"] if rebuild else [])).wait() == 0
    assert count(index_dir) == (EXTRA if rebuild else BASE + EXTRA)
    assert len(list(tmp_path.glob("ix@*"))) <= 2     # the last swap cleared killed versions
    assert os.path.islink(index_dir)
