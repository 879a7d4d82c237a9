"""The Xapian engine when its matcher stops early.

The deadline becomes Xapian's time limit on the match (``set_time_limit``): once it
passes, Xapian stops counting every match and ends the match as soon as the best
hits are known, and the score rules must hold there too. The searches run in a
child process and the test reads how it ended: the language-first order's first
form, a ``ValueMapPostingSource`` on the language slot, crashed the process
(segmentation fault, Xapian 1.4.26) on that path with a query of the benchmark's
log at 100,000 articles; these synthetic documents did not make it crash, so this
test holds the behaviour (the preferred language first, cut short or not), not
that crash.
"""

import json
import pickle
import subprocess
import sys

import pytest

xapian = pytest.importorskip("xapian")

from index import xapian_layout as layout  # noqa: E402
from tests.support import ROOT  # noqa: E402

DOCS = 30_000
WORDS = 40

CHILD = r"""
import json, sys
from service import plan
from service.deadline import Deadline
from service.engines import Bonus, SearchRequest
from service.engines.xapian_engine import XapianSearcher

WORDS = int(sys.argv[2])
searcher = XapianSearcher(sys.argv[1])
# many words, each in many documents: a match that takes milliseconds to count
match = plan.AnyOf(tuple(plan.Term("body", f"w{i}") for i in range(WORDS)))
out = []
for bonus in (Bonus(prefer_lang="en"), Bonus(prefer_lang="ar"),
              Bonus(focus_entities=("lachin",), focus=2.0, prefer_lang="en")):
    for seconds in (1e-6, 0.002, 0.005, None):
        for _ in range(3):
            result = searcher.search(SearchRequest(match=match, limit=20, bonus=bonus),
                                     Deadline(seconds))
            langs = [searcher.stored(hit)["lang"] for hit in result.hits]
            out.append({"prefer": bonus.prefer_lang, "complete": result.complete,
                        "total": result.total, "langs": langs})
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def big_index(tmp_path_factory, resources):
    """A Xapian database of ``DOCS`` short documents with the terms and values the
    engine reads (``index.xapian_layout``), written directly: the writer's analysis
    would take about 40 s for them. Eight of the ``WORDS`` words each; the last tenth
    in English, as an archive is built source after source; one in five mentions
    Lachin."""
    folder = tmp_path_factory.mktemp("xapian-big") / "db"
    db = xapian.WritableDatabase(str(folder), xapian.DB_CREATE_OR_OVERWRITE)
    for n in range(DOCS):
        lang = "en" if n >= DOCS * 9 // 10 else "ar"
        doc = xapian.Document()
        for pos in range(8):
            doc.add_posting(layout.field_term("body", f"w{(n * 7 + pos * pos) % WORDS}"),
                            pos + 1)
        doc.add_boolean_term(layout.term(layout.ID_PREFIX, f"d{n}"))
        doc.add_boolean_term(layout.term(layout.LANG_PREFIX, lang))
        doc.add_value(layout.LANG_SLOT, lang)
        doc.add_value(layout.FACETS_SLOT, layout.facets_value(lang, None, None))
        entities = ["lachin"] if n % 5 == 0 else []
        for key in entities:
            doc.add_boolean_term(layout.term(layout.ENTITY_PREFIX, key))
        for slot, keys in layout.entity_values(entities).items():
            doc.add_value(slot, keys)
        doc.set_data(layout.dump_data({"id": f"d{n}", "title": "", "body": "", "lang": lang,
                                       "entities": " ".join(entities)}))
        db.add_document(doc)
    db.commit()
    db.close()
    with open(folder / layout.RESOURCES_FILE, "wb") as handle:
        pickle.dump(resources, handle)
    return folder


def test_the_language_first_order_survives_a_match_cut_short(big_index):
    child = subprocess.run([sys.executable, "-c", CHILD, str(big_index), str(WORDS)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
    runs = json.loads(child.stdout.splitlines()[-1])
    assert any(not run["complete"] for run in runs), "no time limit cut a match short"
    for run in runs:
        assert run["langs"], run
        # the preferred language first, complete match or not
        assert run["langs"] == sorted(run["langs"], key=lambda lang: lang != run["prefer"])
        if run["complete"]:
            assert run["total"] == DOCS
            assert set(run["langs"]) == {run["prefer"]}
