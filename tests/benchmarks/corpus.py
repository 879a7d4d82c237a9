# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark corpus: real Arabic news plus generated English articles.

``ensure_corpus(size)`` writes ``var/bench/corpus-<size>.jsonl`` once and reuses it:

* about 90% Arabic articles from ANT and SaudiNewsNet
  (``../shared/data/corpora/*/*.jsonl.gz``), taken at an even stride over the two
  corpora (so both, and all their sources, are represented at every size); past the
  72,337 real articles they are replicated with new ids (``<id>~r2``, ``~r3`` ...);
* about 10% English articles generated from a small vocabulary of conflict and
  general news sentences with place names (deterministic: article ``i`` is the same
  at every size), so that English queries have matches;
* one English article after every nine Arabic ones, so that segments mix both.

Each line has ``id``, ``title``, ``body``, ``lang``, ``source``, ``date`` and ``url``
(the fields every engine of the benchmark gets). A missing title gets the body's
first line, as ``index.readers`` would give it, so all engines see the same text.

>>> [d["id"] for d in generate_english(2)]
['en-gen-0000000', 'en-gen-0000001']
>>> 150 <= len(generate_english(1)[0]["body"].split()) <= 640
True
"""

import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
CORPORA_DIR = (ROOT / ".." / "shared" / "data" / "corpora").resolve()
CORPUS_FILES = ("ant_corpus/ant_corpus.jsonl.gz", "saudinewsnet/saudinewsnet.jsonl.gz")
ENGLISH_SHARE = 0.10
SEED = 6
FIELDS = ("id", "title", "body", "lang", "source", "date", "url")


def corpus_path(size: int) -> Path:
    return BENCH_DIR / f"corpus-{size}.jsonl"


def ensure_corpus(size: int, *, log=print) -> Path:
    """Write the corpus of ``size`` documents unless it is already there; return its path."""
    path = corpus_path(size)
    if path.exists() and _count_lines(path) == size:
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    n_en = round(size * ENGLISH_SHARE)
    n_ar = size - n_en
    log(f"corpus: writing {path} ({n_ar} Arabic, {n_en} English)")
    arabic = _arabic(n_ar)
    english = iter(generate_english(n_en))
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        written = 0
        for i, doc in enumerate(arabic):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            written += 1
            if i % 9 == 8:
                doc = next(english, None)
                if doc is not None:
                    out.write(json.dumps(doc, ensure_ascii=False) + "\n")
                    written += 1
        for doc in english:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            written += 1
    assert written == size, (written, size)
    temporary.replace(path)
    return path


def read_corpus(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def _real_lines() -> list[bytes]:
    lines: list[bytes] = []
    for name in CORPUS_FILES:
        with gzip.open(CORPORA_DIR / name, "rb") as f:
            lines.extend(line for line in f if line.strip())
    return lines


def _clean(record: dict, doc_id: str) -> dict:
    doc = {name: record.get(name) for name in FIELDS}
    doc["id"] = doc_id
    body = (doc["body"] or "").strip()
    title = (doc["title"] or "").strip()
    if not title:
        first = body.splitlines()[0].strip() if body else ""
        title = first if len(first) <= 120 else first[:120].rsplit(" ", 1)[0] + "…"
    doc["title"], doc["body"] = title, body
    doc["lang"] = doc["lang"] or "ar"
    return doc


def _arabic(n: int) -> Iterator[dict]:
    """``n`` Arabic articles: an even stride over the real ones, then replicas."""
    lines = _real_lines()
    total = len(lines)
    if n <= total:
        chosen = [lines[(i * total) // n] for i in range(n)]
        for raw in chosen:
            record = json.loads(raw)
            yield _clean(record, record["id"])
        return
    copy = 1
    produced = 0
    while produced < n:
        for raw in lines:
            if produced >= n:
                return
            record = json.loads(raw)
            doc_id = record["id"] if copy == 1 else f"{record['id']}~r{copy}"
            yield _clean(record, doc_id)
            produced += 1
        copy += 1


# ---------------------------------------------------------------- generated English

PLACES = ["Stepanakert", "Lachin", "Shusha", "Aghdam", "Kalbajar", "Fuzuli", "Hadrut",
          "Martuni", "Jabrayil", "Zangilan", "Qubadli", "Tartar", "Ganja", "Goris",
          "Nakhchivan", "Barda", "Khankendi", "Askeran", "Martakert", "Berdzor"]
CAPITALS = ["Baku", "Yerevan", "Moscow", "Ankara", "Tbilisi", "Tehran", "Brussels", "Washington"]
ELSEWHERE = ["Khartoum", "Kyiv", "Gaza", "Aleppo", "Tripoli", "Sanaa", "Mosul", "Kabul"]
ACTORS = ["Azerbaijani forces", "Armenian troops", "Russian peacekeepers", "the Minsk Group",
          "the OSCE", "the International Committee of the Red Cross", "European Union monitors",
          "Turkish officials", "the United Nations", "local authorities", "separatist fighters",
          "the defence ministry", "the foreign ministry", "President Ilham Aliyev",
          "Prime Minister Nikol Pashinyan", "human rights groups", "the Kremlin"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WAR = [
    "{actor} said on {day} that shelling near {place} had killed {n} civilians.",
    "A ceasefire brokered by {capital} came into force at midnight, but both sides accused each other of violations around {place}.",
    "Residents of {place} spent the night in basements as artillery fire continued.",
    "Drone strikes hit military positions outside {place}, the defence ministry in {capital} said.",
    "The two sides exchanged prisoners of war at a border crossing near {place}.",
    "Russian peacekeepers deployed along the Lachin corridor to monitor the truce.",
    "Humanitarian convoys carrying food and medicine reached {place} after days of delay.",
    "Landmines left in the fields around {place} continue to kill and maim farmers.",
    "Thousands of refugees fled towards {place} carrying what they could.",
    "{actor} called for an immediate ceasefire and a return to negotiations.",
    "Bayraktar drones supplied by Turkey changed the course of the fighting near {place}.",
    "The blockade of the Lachin corridor left {n} thousand people short of food and fuel.",
    "Satellite images showed destroyed homes and burned villages around {place}.",
    "{actor} accused the other side of targeting schools and hospitals in {place}.",
    "The peace talks in {capital} ended without agreement on the status of Nagorno-Karabakh.",
    "Clashes along the line of contact left {n} soldiers dead, officials in {capital} said.",
    "Aid workers warned of a humanitarian crisis as winter approached in {place}.",
    "The Red Cross said it had helped return the bodies of {n} soldiers.",
    "Cluster munitions were used in the attack on {place}, according to Amnesty International.",
    "Mourners gathered in {capital} for the funeral of soldiers killed near {place}.",
    "The army said it had taken control of the heights overlooking {place}.",
    "Journalists were wounded by shelling while reporting from {place}.",
    "{actor} said the withdrawal from {place} would be completed by {day}.",
    "Missile strikes on {place} damaged the power station and the water supply.",
]
GENERAL = [
    "The central bank in {capital} raised interest rates to curb inflation.",
    "Oil exports through the pipeline resumed after repairs, the energy ministry said.",
    "Voters in {capital} went to the polls on {day} in elections seen as a test for the government.",
    "Qarabag beat their rivals two goals to one in the Europa League on {day}.",
    "Heavy rain caused flooding in several districts of {elsewhere}.",
    "The health ministry reported {n} new cases of the virus and urged people to get vaccinated.",
    "A new university campus opened in {capital} with places for {n} thousand students.",
    "Talks on a gas deal between {capital} and Brussels made progress, diplomats said.",
    "The ceasefire in {elsewhere} held for a third day as aid trucks crossed the border.",
    "Protesters gathered outside parliament in {capital} demanding the resignation of the cabinet.",
    "Prices of bread and fuel rose sharply in {elsewhere} after the currency fell.",
    "The football federation fined the club after crowd trouble at the stadium.",
    "A court in {capital} sentenced a former minister to {n} years in prison for corruption.",
    "Farmers near {place} expect a good harvest of grapes and pomegranates this year.",
]
TITLES = [
    "Shelling in {place} kills {n} as ceasefire falters",
    "{actor_t} calls for talks on Nagorno-Karabakh",
    "Drone strikes hit positions near {place}",
    "Prisoners of war exchanged near {place}",
    "Peacekeepers deploy along the Lachin corridor",
    "Refugees flee {place} as fighting spreads",
    "Aid reaches {place} after blockade",
    "Landmines still kill farmers around {place}",
    "Elections in {capital}: what to know",
    "Central bank in {capital} raises rates",
    "Ceasefire holds in {elsewhere}",
    "Qarabag win in the Europa League",
]


def generate_english(n: int, seed: int = SEED) -> list[dict]:
    """``n`` English news articles of 150–600 words (article ``i`` never depends on ``n``)."""
    return [_english_article(i, seed) for i in range(n)]


def _english_article(i: int, seed: int) -> dict:
    rng = random.Random(f"{seed}-{i}")
    war = rng.random() < 0.7

    def fill(template: str) -> str:
        actor = rng.choice(ACTORS)
        return template.format(
            actor=actor[0].upper() + actor[1:], actor_t=actor[0].upper() + actor[1:],
            place=rng.choice(PLACES), capital=rng.choice(CAPITALS),
            elsewhere=rng.choice(ELSEWHERE), day=rng.choice(WEEKDAYS), n=rng.randint(2, 90))

    target = rng.randint(150, 600)
    words = 0
    paragraphs = []
    paragraph: list[str] = []
    while words < target:
        pool = WAR if (war and rng.random() < 0.8) or (not war and rng.random() < 0.2) else GENERAL
        sentence = fill(rng.choice(pool))
        paragraph.append(sentence)
        words += len(sentence.split())
        if len(paragraph) >= rng.randint(3, 6):
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    title = fill(rng.choice(TITLES[:8] if war else TITLES[8:]))
    year = rng.choice([2020, 2021, 2022, 2023])
    month = rng.randint(1, 12)
    return {"id": f"en-gen-{i:07d}", "title": title, "body": "\n\n".join(paragraphs),
            "lang": "en", "source": "bench/generated-en",
            "date": f"{year}-{month:02d}-{rng.randint(1, 28):02d}", "url": None}
