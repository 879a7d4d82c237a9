# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's query log: a seeded, Zipf-like mix of realistic queries.

``ensure_queries(size, corpus)`` writes ``var/bench/queries-<size>.txt`` once (one
query a line, ``category<TAB>query``) and reuses it. The distinct queries are
drawn from the corpus itself and from the gazetteer:

* ``ar_word``: frequent Arabic words of the corpus as written (clitics and all),
  skipping the few hundred most frequent (function words) and stop words;
* ``ar_2words``, ``ar_3words``: frequent two- and three-word sequences of titles;
* ``ar_phrase``: the same kind of sequences, quoted (an exact-phrase query);
* ``place_ar``, ``place_latin``: gazetteer place names in Arabic and Latin script;
* ``en_topic``: English topical queries (ceasefire, peacekeepers, shelling ...).

The distinct queries are shuffled and ranked so that every stretch of ranks mixes
the categories in proportion (``stratified``); the log then samples
``LOG_LENGTH`` queries with probability ∝ 1/rank^s (Zipf, s = ``ZIPF_S``), so a few queries
repeat often and most appear once, as in a real search log.

>>> zipf_weights(3)
[1.0, 0.5, 0.3333333333333333]
"""

import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .corpus import BENCH_DIR, ROOT, read_corpus

SEED = 6
LOG_LENGTH = 500
#: How many distinct queries of each category the log is drawn from.
MIX = {"ar_word": 200, "ar_2words": 100, "ar_3words": 50, "ar_phrase": 50,
       "place_ar": 40, "place_latin": 30, "en_topic": 30}
#: Zipf exponent of the log (published web search logs give 0.8 to 1).
ZIPF_S = 0.8
EN_TOPICS = [
    "ceasefire", "peacekeepers", "shelling", "drone strikes", "prisoners of war",
    "humanitarian corridor", "landmines", "refugees", "cluster munitions", "blockade",
    "peace talks", "artillery fire", "ceasefire violations", "Lachin corridor",
    "Bayraktar drones", "Red Cross", "missile strikes", "line of contact",
    "civilians killed", "military positions", "interest rates", "elections",
    "humanitarian crisis", "Minsk Group", "withdrawal of troops", "\"prisoners of war\"",
    "\"peace talks\"", "Europa League", "Nagorno-Karabakh ceasefire", "aid convoy",
]
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u064b-\u0652\u0640]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u0259' .-]+")
_HARAKAT = re.compile(r"[\u064b-\u0652\u0640]")


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


def stratified(pool: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Shuffle within each category, then interleave the categories in proportion."""
    by_category: dict[str, list] = {}
    for item in pool:
        by_category.setdefault(item[0], []).append(item)
    keyed = []
    for items in by_category.values():
        rng.shuffle(items)
        keyed += [((j + rng.random()) / len(items), item) for j, item in enumerate(items)]
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]


def queries_path(size: int) -> Path:
    return BENCH_DIR / f"queries-{size}.txt"


def ensure_queries(size: int, corpus: Path, *, log=print) -> list[tuple[str, str]]:
    """Return the query log of ``size`` as (category, query), writing it the first time."""
    path = queries_path(size)
    if path.exists():
        return load_queries(path)
    log(f"queries: writing {path}")
    pool = distinct_queries(read_corpus(corpus))
    rng = random.Random(SEED)
    pool = stratified(pool, rng)
    picked = rng.choices(pool, weights=zipf_weights(len(pool), ZIPF_S), k=LOG_LENGTH)
    path.write_text("".join(f"{c}\t{q}\n" for c, q in picked), encoding="utf-8")
    return picked


def load_queries(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            category, query = line.split("\t", 1)
            out.append((category, query))
    return out


def distinct_queries(documents: Iterable[dict], sample: int = 20000) -> list[tuple[str, str]]:
    """The distinct queries of every category (``MIX`` of each), deterministic."""
    rng = random.Random(SEED)
    stop = _stopwords()
    words: Counter = Counter()
    ngrams = {2: Counter(), 3: Counter()}
    for i, doc in enumerate(documents):
        if i >= sample:
            break
        if doc.get("lang") != "ar":
            continue
        words.update(w for w in _ARABIC_WORD.findall(doc["body"]) if not _HARAKAT.search(w))
        title = [w for w in _ARABIC_WORD.findall(doc["title"]) if not _HARAKAT.search(w)]
        for n in (2, 3):
            for j in range(len(title) - n + 1):
                gram = title[j:j + n]
                if _key(gram[0]) in stop or _key(gram[-1]) in stop or any(len(w) < 2 for w in gram):
                    continue
                ngrams[n][" ".join(gram)] += 1
    ranked = [w for w, _ in words.most_common(3000)
              if len(w) >= 3 and _key(w) not in stop][200:]
    out: list[tuple[str, str]] = []
    out += [("ar_word", w) for w in rng.sample(ranked, min(MIX["ar_word"], len(ranked)))]
    bigrams = [g for g, c in ngrams[2].most_common(400) if c >= 2]
    trigrams = [g for g, c in ngrams[3].most_common(300) if c >= 2]
    two = rng.sample(bigrams, min(MIX["ar_2words"] + MIX["ar_phrase"] // 2, len(bigrams)))
    three = rng.sample(trigrams, min(MIX["ar_3words"] + MIX["ar_phrase"] // 2, len(trigrams)))
    out += [("ar_2words", g) for g in two[:MIX["ar_2words"]]]
    out += [("ar_3words", g) for g in three[:MIX["ar_3words"]]]
    out += [("ar_phrase", f'"{g}"') for g in two[MIX["ar_2words"]:] + three[MIX["ar_3words"]:]]
    ar_places, latin_places = _places()
    out += [("place_ar", p) for p in rng.sample(ar_places, min(MIX["place_ar"], len(ar_places)))]
    out += [("place_latin", p)
            for p in rng.sample(latin_places, min(MIX["place_latin"], len(latin_places)))]
    out += [("en_topic", q) for q in EN_TOPICS[:MIX["en_topic"]]]
    return out


def _key(word: str) -> str:
    from index.normalize import normalize_word

    return normalize_word(word, "ar")


def _stopwords() -> set[str]:
    path = ROOT / "config" / "stopwords_ar.txt"
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def _places() -> tuple[list[str], list[str]]:
    """Spellings of the gazetteer's places: (Arabic script, Latin script)."""
    from index.gazetteer import Gazetteer

    gazetteer = Gazetteer.load(ROOT / "config" / "gazetteer.txt")
    arabic, latin = [], []
    for entity in gazetteer.entities.values():
        if entity.kind != "place":
            continue
        for spelling in entity.spellings:
            if _ARABIC_WORD.search(spelling):
                arabic.append(spelling)
            elif _LATIN.fullmatch(spelling):
                latin.append(spelling)
    return sorted(set(arabic)), sorted(set(latin))
