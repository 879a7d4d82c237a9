# SPDX-License-Identifier: GPL-3.0-or-later
"""Real-news names: the list is well formed, and Fahras finds the names typed in Latin letters.

A small run of ``tests.names.run_names`` (Fahras only): the articles of the shared corpora
holding each name, at most ``PER_NAME`` of them per name, and ``OTHERS`` holding none. The
full run, with stock Whoosh and FTS5 beside it, is ``python -m tests.names.run_names``.
Without the shared corpora (``../shared/data/corpora`` or ``FAHRAS_CORPORA_DIR``) the
run is skipped, saying so; the list's own checks always run.
"""

from collections import Counter

import pytest

from tests.names.collect import CORPUS_PATHS, KINDS, read_names
from tests.names.run_names import CUTOFF, DEPTH, format_names, format_summary, run

# Today's floors: the means this run measured with place names, two-word spellings
# and the common-word rule (p@10 0.954, R@500 0.950; with verified transliteration
# alone 0.875 and 0.885; at df721ab, before it, 0.449 and 0.507), less 0.05 and
# rounded down. Raise them when Fahras learns to spell more of the names.
FLOOR_P_AT_10 = 0.90
FLOOR_RECALL_AT_500 = 0.90

PER_NAME = 12
OTHERS = 300


def test_names_tsv_parses_with_a_spelling_for_every_name():
    names = read_names()
    assert all(name.arabic for name in names)
    assert len({name.latin.casefold() for name in names}) == len(names)


def test_names_span_kinds_and_regions():
    names = read_names()
    kinds = Counter(name.kind for name in names)
    regions = Counter(name.region for name in names)
    assert len(names) >= 100
    assert set(kinds) == set(KINDS)
    assert len(regions) >= 4, regions


MISSING = [str(path) for path in CORPUS_PATHS if not path.is_file()]
#: The corpora are the machine's shared data beside the checkout (never committed),
#: as the browser tests need Debian's Chromium: without them this test is skipped
#: and says why; FAHRAS_CORPORA_DIR names them elsewhere.
needs_corpora = pytest.mark.skipif(
    bool(MISSING), reason="shared real-news corpora missing (set FAHRAS_CORPORA_DIR): "
                          + ", ".join(MISSING))


@pytest.mark.slow
@needs_corpora
def test_fahras_finds_real_news_names():
    names = read_names()
    sample, (report,) = run(names, ["fahras"], per_name=PER_NAME, others=OTHERS)
    print(format_names([report]))
    print(f"{len(sample.documents)} articles ({sample.others} holding no name)")
    print(format_summary([report]))
    overall = report["summary"]["overall"]
    assert overall[f"p@{CUTOFF}"] >= FLOOR_P_AT_10
    assert overall[f"recall@{DEPTH}"] >= FLOOR_RECALL_AT_500


def test_scoring_an_index_of_the_whole_corpora(tmp_path):
    """``run_names --index``: Fahras is scored on an index built beforehand, every
    name's articles judged over all the corpora given (here a small one of our own)."""
    import gzip
    import json

    from tests.eval.systems import Fahras
    from tests.names.collect import Name, read_corpora
    from tests.names.run_names import evaluate_index

    articles = [
        {"id": "a1", "title": "بوتين يزور أنقرة", "lang": "ar",
         "body": "أعلن الكرملين أن الرئيس الروسي فلاديمير بوتين سيزور أنقرة الأسبوع المقبل."},
        {"id": "a2", "title": "قمة في موسكو", "lang": "ar",
         "body": "قال بوتين إن بلاده لن تتراجع عن موقفها في المفاوضات."},
        {"id": "a3", "title": "ترامب يلتقي ماكرون", "lang": "ar",
         "body": "التقى الرئيس الأمريكي دونالد ترامب نظيره الفرنسي إيمانويل ماكرون في باريس."},
        {"id": "a4", "title": "أسعار النفط", "lang": "ar",
         "body": "ارتفعت أسعار النفط اليوم بعد قرار خفض الإنتاج في الخليج."},
    ]
    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    system = Fahras()
    system.build(read_corpora([corpus]), tmp_path)
    system.close()
    names = [Name("Putin", "person", "europe", ("بوتين",)),
             Name("Trump", "person", "americas", ("ترامب",)),
             Name("Lavrov", "person", "europe", ("لافروف",))]
    judged, report = evaluate_index(tmp_path / "index", names, paths=[corpus])
    assert judged == 4
    rows = {row["query"]: row for row in report["names"]}
    assert rows["Putin"]["relevant"] == 2 and rows["Trump"]["relevant"] == 1
    assert set(rows["Putin"]["top"]) == {"a1", "a2"} and rows["Trump"]["top"] == ["a3"]
    assert rows["Putin"]["p@10"] == rows["Trump"]["recall@500"] == 1.0
    # a name no article holds scores 0 and counts among those below 0.5
    assert rows["Lavrov"]["relevant"] == 0 and report["below_half"] == ["Lavrov"]
    assert "names below 0.5 (p@10 or R@500): 1 of 3" in format_summary([report])
