# SPDX-License-Identifier: GPL-3.0-or-later
"""Known-item search on real news: ``python -m tests.eval.known_item``.

A reader remembers a headline and types it the way people type: without the hamza
on alef, ه for a final ة, ى for a final ي (Egyptian style), a clitic added or left
out, a name spelled as another paper spells it, and only some of its words. Each query here is made from the title of a real
article of ``../shared/data/corpora/`` (chosen by a seeded hash of its id, titles of
four words or more) and changed by one of the
``VARIATIONS`` (``exact`` keeps the words as written, as a control): three to
seven consecutive words of the title, as a reader remembers part of it. The article
sought is found when it, or an article with the very same title, is among the
results: success@1, success@10 and the mean reciprocal rank in the first ten, per
variation and overall, for Fahras, stock Whoosh and SQLite FTS5, all built on the
same sample (every article sought and ``--others`` more, seed ``--seed``).

The rules of ``index/`` were never tuned on these queries: they are made by this
script from real titles, not written by the hands that wrote the rules.
"""

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.eval.systems import Document, Fahras, StockWhoosh, System
from tests.names.collect import CORPUS_PATHS, read_corpora
from tests.names.fts5 import Fts5

QUERIES = 300
OTHERS = 20_000
SEED = 18
MAX_WORDS = 7
MIN_TYPED = 3
MIN_WORDS = 4
CUTOFF = 10
#: an Arabic word with its harakat and tatweel, or a number
_ARABIC_WORD = re.compile(r"[\u0621-\u0652\u0670-\u06D3]+|[0-9\u0660-\u0669]+")
_HAMZA_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def bare_alef(words: list[str]) -> list[str]:
    """أ إ آ typed as ا.

    >>> bare_alef(["أعلن", "إيران", "آلاف"])
    ['اعلن', 'ايران', 'الاف']
    """
    return [word.translate(_HAMZA_ALEF) for word in words]


def ha_for_ta(words: list[str]) -> list[str]:
    """A final ة typed as ه.

    >>> ha_for_ta(["الحكومة", "الجديدة", "قال"])
    ['الحكومه', 'الجديده', 'قال']
    """
    return [word[:-1] + "ه" if word.endswith("ة") else word for word in words]


def alef_maqsura_for_ya(words: list[str]) -> list[str]:
    """A final ي typed as ى, as Egyptian papers print it.

    >>> alef_maqsura_for_ya(["وزير", "الخارجي", "في"])
    ['وزير', 'الخارجى', 'فى']
    """
    return [word[:-1] + "ى" if word.endswith("ي") else word for word in words]


def clitics(words: list[str]) -> list[str]:
    """The article left out of the first word holding it, or و added to the second
    word when none holds it.

    >>> clitics(["قصف", "المدينة", "القديمة"]), clitics(["ترامب", "يلتقي", "بوتين"])
    (['قصف', 'مدينة', 'القديمة'], ['ترامب', 'ويلتقي', 'بوتين'])
    """
    for i, word in enumerate(words):
        if word.startswith("ال") and len(word) > 4:
            return words[:i] + [word[2:]] + words[i + 1:]
    return words[:1] + ["و" + words[1]] + words[2:] if len(words) > 1 else words


def _other_spellings() -> dict[str, str]:
    """Each Arabic spelling of a name of ``tests/names/names.tsv`` (the press's, found
    in the corpora) with another spelling of the same name."""
    from tests.names.collect import read_names

    other = {}
    for name in read_names():
        for spelling, next_one in zip(name.arabic, name.arabic[1:] + name.arabic[:1]):
            if " " not in spelling and spelling != next_one and " " not in next_one:
                other[spelling] = next_one
    return other


_RESPELLINGS: dict[str, str] = {}


def respelled(words: list[str]) -> list[str]:
    """The first name of the title written as the press also writes it (ترمب for
    ترامب, غوتيريش for غوتيريس), a proclitic kept.

    >>> respelled(["ترامب", "يهدد", "كوريا"]), respelled(["لقاء", "وترامب"])
    (['ترمب', 'يهدد', 'كوريا'], ['لقاء', 'وترمب'])
    """
    if not _RESPELLINGS:
        _RESPELLINGS.update(_other_spellings())
    for i, word in enumerate(words):
        folded = word.translate(_HAMZA_ALEF)
        for cut in (0, 1, 2):
            if folded[cut:] in _RESPELLINGS and (cut == 0 or folded[:cut] in ("و", "ب", "ل", "وب", "ول", "ال")):
                return words[:i] + [word[:cut] + _RESPELLINGS[folded[cut:]]] + words[i + 1:]
    return words


VARIATIONS: dict[str, Callable[[list[str]], list[str]]] = {
    "exact": lambda words: words,
    "bare_alef": bare_alef,
    "ha_for_ta": ha_for_ta,
    "ya_as_alef_maqsura": alef_maqsura_for_ya,
    "clitics": clitics,
    "name_respelled": respelled,
}


@dataclass(frozen=True)
class KnownItem:
    """One query: the words typed, the variation that made them, the article sought
    and the articles with the same title (any of them counts as found)."""

    text: str
    variation: str
    sought: str
    found_by: frozenset[str]


def _rank(seed: int, doc_id: str) -> str:
    return hashlib.sha1(f"{seed}:{doc_id}".encode()).hexdigest()


def title_words(title: str) -> list[str]:
    """The Arabic words of a title, in order.

    >>> title_words("ترامب: \\"لن نتراجع\\" عن العقوبات")
    ['ترامب', 'لن', 'نتراجع', 'عن', 'العقوبات']
    >>> title_words("تبوك تسجّل 2618 بلاغًا إسعافيًا")
    ['تبوك', 'تسجّل', '2618', 'بلاغًا', 'إسعافيًا']
    """
    return _ARABIC_WORD.findall(title)


def make_items(articles: Sequence[Document], count: int = QUERIES,
               seed: int = SEED) -> list[KnownItem]:
    """``count`` known items from the articles' titles, the variations in turn; a
    variation that changes nothing in a title gives way to the next one that does."""
    by_title: dict[str, set[str]] = {}
    for article in articles:
        by_title.setdefault(" ".join(title_words(article["title"])), set()).add(article["id"])
    chosen = sorted((a for a in articles if len(title_words(a["title"])) >= MIN_WORDS),
                    key=lambda a: _rank(seed, a["id"]))
    names = list(VARIATIONS)
    items = []
    respelled_count = 0
    for number, article in enumerate(chosen):
        if len(items) >= count:
            break
        words = title_words(article["title"])
        # three to seven words of it, from a place the hash chooses (a reader
        # remembers part of a headline)
        key = int(_rank(seed, article["id"])[:8], 16)
        length = min(len(words), MIN_TYPED + key % (MAX_WORDS - MIN_TYPED + 1))
        start = (key >> 8) % (len(words) - length + 1)
        typed = words[start:start + length]
        changed = respelled(list(typed))
        if changed != typed and respelled_count < count // len(names):
            # titles holding a listed name are few: each is respelled while its
            # share of the items is short
            name = "name_respelled"
            respelled_count += 1
        else:
            # the variation whose turn it is, else the next that changes the words
            name = names[number % len(names)]
            if name != "exact":
                for turn in range(len(names)):
                    name = names[(number + turn) % len(names)]
                    changed = VARIATIONS[name](list(typed))
                    if name != "exact" and changed != typed:
                        break
                else:
                    name, changed = "exact", typed
            else:
                changed = typed
        items.append(KnownItem(" ".join(changed), name, article["id"],
                               frozenset(by_title[" ".join(words)])))
    return items


def choose_sample(paths: Iterable[Path] = CORPUS_PATHS, count: int = QUERIES,
                  others: int = OTHERS, seed: int = SEED
                  ) -> tuple[list[Document], list[KnownItem]]:
    """The Arabic articles indexed (the sought ones and ``others`` more) and the items."""
    arabic = [a for a in read_corpora(paths) if a["lang"] == "ar" and a["title"]]
    ranked = sorted(arabic, key=lambda a: _rank(seed, a["id"]))
    sample = ranked[:count * 2 + others]
    return sample, make_items(sample, count, seed)


def score(items: Sequence[KnownItem], results: Sequence[Sequence[str]]) -> dict[str, dict]:
    """success@1, success@10 and MRR@10 per variation and overall.

    >>> item = KnownItem("a b", "exact", "d1", frozenset({"d1"}))
    >>> score([item, item], [["d1"], ["x", "d1"]])["overall"]
    {'queries': 2, 'success@1': 0.5, 'success@10': 1.0, 'mrr': 0.75}
    """
    rows: dict[str, list[float]] = {}
    for item, ranked in zip(items, results):
        rank = next((i + 1 for i, doc_id in enumerate(ranked[:CUTOFF])
                     if doc_id in item.found_by), None)
        for group in (item.variation, "overall"):
            rows.setdefault(group, []).append(rank or 0)
    out = {}
    for group, ranks in rows.items():
        n = len(ranks)
        out[group] = {"queries": n,
                      "success@1": round(sum(r == 1 for r in ranks) / n, 3),
                      "success@10": round(sum(r > 0 for r in ranks) / n, 3),
                      "mrr": round(sum(1 / r for r in ranks if r) / n, 3)}
    return dict(sorted(out.items(), key=lambda kv: kv[0] == "overall"))


SYSTEMS: dict[str, Callable[[], System]] = {
    Fahras.name: lambda: Fahras(settings={"SEARCH_TIME_LIMIT": 0}),
    StockWhoosh.name: StockWhoosh,
    Fts5.name: Fts5,
}


def evaluate(system: System, documents: Sequence[Document],
             items: Sequence[KnownItem]) -> dict[str, object]:
    """Build the system on the documents and search every item."""
    with tempfile.TemporaryDirectory(prefix=f"fahras-known-{system.name}-") as tmp:
        started = time.perf_counter()
        system.build(documents, Path(tmp))
        built = time.perf_counter()
        try:
            results = [system.search(item.text, CUTOFF) for item in items]
        finally:
            system.close()
    return {"system": system.name, "summary": score(items, results),
            "build_seconds": round(built - started, 1),
            "search_seconds": round(time.perf_counter() - built, 1)}


def format_report(reports: Sequence[dict]) -> str:
    """One table per system: each variation's success@1, success@10 and MRR."""
    lines = []
    for report in reports:
        lines.append(f"{report['system']} (build {report['build_seconds']} s, search "
                     f"{report['search_seconds']} s)")
        lines.append(f"  {'variation':<20} {'queries':>7} {'s@1':>6} {'s@10':>6} {'MRR':>6}")
        for group, row in report["summary"].items():
            lines.append(f"  {group:<20} {row['queries']:>7} {row['success@1']:>6.3f} "
                         f"{row['success@10']:>6.3f} {row['mrr']:>6.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build each system on the sample, search the known items, print the tables."""
    parser = argparse.ArgumentParser(prog="python -m tests.eval.known_item",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--others", type=int, default=OTHERS,
                        help=f"articles indexed besides those sought (default {OTHERS})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--json", type=Path, metavar="OUT")
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in names if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    documents, items = choose_sample(count=args.queries, others=args.others, seed=args.seed)
    reports = [evaluate(SYSTEMS[name](), documents, items) for name in names]
    print(f"{len(documents)} articles, {len(items)} known items; seed {args.seed}")
    print(format_report(reports))
    if args.json:
        args.json.write_text(json.dumps({"articles": len(documents), "seed": args.seed,
                                         "items": [item.__dict__ | {"found_by": sorted(
                                             item.found_by)} for item in items],
                                         "reports": reports}, ensure_ascii=False, indent=2)
                             + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
