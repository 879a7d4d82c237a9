"""Search-as-you-type suggestions and "did you mean" corrections.

``Suggester`` is built once per index (entity spellings sorted for prefix lookup)
and answers from the gazetteer and the index's own vocabulary, normalised the same
way as search, so a prefix typed without hamza (اذرب) still finds أذربيجان.
``did_you_mean`` proposes a correction for a query that found little, trying first
the letters Arabic writers confuse (ض/ظ, ذ/ز, ث/س, ص/س, ط/ت, ق/ك; ة/ه and ى/ي are
already folded by normalisation), then the engine's edit-distance corrections from the
index's terms (``service.engines``).
"""

import bisect
from dataclasses import dataclass

from index.analysis import EXACT_PREFIX
from index.normalize import normalize_text
from index.resources import Resources
from index.tokens import iter_words
from service.deadline import Deadline
from service.engines import Searcher
from service.shapes import entity_dict

#: Pairs of letters that Arabic writers confuse, each way.
CONFUSIONS = (("ض", "ظ"), ("ذ", "ز"), ("ث", "س"), ("ص", "س"), ("ط", "ت"), ("ق", "ك"))
MAX_ENTITIES = 6
MAX_TERMS = 6
MAX_TITLES = 3


@dataclass(frozen=True)
class _Spelling:
    key: str                 # normalised spelling, for prefix search
    text: str                # as written in the gazetteer
    entity: str


class Suggester:
    """Prefix suggestions from the gazetteer and the index vocabulary."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        spellings = []
        for entity in resources.gazetteer.entities.values():
            for text in entity.spellings + (entity.name, entity.name_ar):
                key = " ".join(normalize_text(text))
                if key:
                    spellings.append(_Spelling(key, text, entity.key))
        spellings.sort(key=lambda s: s.key)
        self._spellings = spellings
        self._keys = [s.key for s in spellings]

    def suggest(self, searcher: Searcher, text: str) -> list[dict]:
        """Suggestions for what has been typed: entities, then words, then titles."""
        prefix = " ".join(normalize_text(text))
        if not prefix:
            return []
        out = self._entities(prefix)
        words = list(iter_words(text))
        last = normalize_text(words[-1].surface)[0] if words else ""
        if last:
            out += self._terms(searcher, last)
            out += self._titles(searcher, last)
        return out

    def _entities(self, prefix: str) -> list[dict]:
        found: dict[str, dict] = {}
        start = bisect.bisect_left(self._keys, prefix)
        for spelling in self._spellings[start:]:
            if not spelling.key.startswith(prefix) or len(found) >= MAX_ENTITIES:
                break
            if spelling.entity not in found:
                entity = self.resources.gazetteer.entities[spelling.entity]
                found[spelling.entity] = {
                    "text": spelling.text, "kind": "entity",
                    "entity": entity_dict(entity),
                    "also": [s for s in (entity.name, entity.name_ar) if s != spelling.text],
                }
        return list(found.values())

    @staticmethod
    def _terms(searcher: Searcher, prefix: str) -> list[dict]:
        counted = [(n, word[len(EXACT_PREFIX):]) for word, n in
                   searcher.prefix_terms("body", EXACT_PREFIX + prefix, 201)]
        counted.sort(key=lambda item: (-item[0], item[1]))
        return [{"text": word, "kind": "word", "documents": n} for n, word in counted[:MAX_TERMS]]

    @staticmethod
    def _titles(searcher: Searcher, prefix: str) -> list[dict]:
        found = searcher.titles_with_prefix([prefix, EXACT_PREFIX + prefix], MAX_TITLES)
        return [{"text": hit["title"], "kind": "title", "id": hit["id"]} for hit in found]


def did_you_mean(searcher: Searcher, resources: Resources, text: str,
                 deadline: Deadline | None = None) -> str | None:
    """A corrected query when some word is unknown to the index and a close one is
    known (the words looked at before the ``deadline``, when there is one)."""
    changed = False
    out = []
    for word in iter_words(text):
        if deadline is not None and deadline.expired():
            deadline.cut_for_time("did_you_mean", "not every word was looked at")
            return None
        norm = normalize_text(word.surface)[0] if normalize_text(word.surface) else ""
        replacement = None
        if norm and not resources.is_stopword(norm, word.script) and \
                _frequency(searcher, resources, norm, word.script) == 0:
            replacement = _best_correction(searcher, resources, norm, word.script)
        out.append(replacement or word.surface)
        changed = changed or replacement is not None
    return " ".join(out) if changed else None


def _frequency(searcher: Searcher, resources: Resources, norm: str, script: str) -> int:
    return searcher.doc_frequency("body", resources.stem(norm, script)) + \
        searcher.doc_frequency("title", resources.stem(norm, script))


def _best_correction(searcher: Searcher, resources: Resources, norm: str,
                     script: str) -> str | None:
    candidates: set[str] = set()
    if script == "ar":
        for a, b in CONFUSIONS:
            for x, y in ((a, b), (b, a)):
                for i, char in enumerate(norm):
                    if char == x:
                        candidates.add(norm[:i] + y + norm[i + 1:])
    swaps = set(candidates)
    bare = resources.split(norm, script)[0]
    for suggestion in searcher.corrections("body", EXACT_PREFIX + bare, 3):
        if suggestion.startswith(EXACT_PREFIX):
            candidates.add(suggestion[len(EXACT_PREFIX):])
    # Most frequent first; on a tie a letter swap, which keeps the word as typed.
    scored = [(_frequency(searcher, resources, c, script), c in swaps, c)
              for c in candidates if c != norm]
    scored = [item for item in scored if item[0] > 0]
    return max(scored)[2] if scored else None
