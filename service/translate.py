"""Query translation: English words to Arabic and Arabic words to English.

``Translator.find(words)`` looks query words up, longest phrase first, in the
glossary (``config/glossary.txt``) and then the FreeDict lexicon, by their word keys
(``index.lexicon``): English is stemmed before lookup, so ``clashes`` finds
``clash``; Arabic is normalised and light-stemmed, so الاشتباكات finds اشتباك. The
direction follows each word's script. Stop words never reach it (the analyzer drops
them) and names are left to the gazetteer.

A glossary entry also gives same-language alternatives (truce for ceasefire, خرق
for انتهاك) when the query has one of its Arabic phrases as written, not merely a
word with the same light stem (مُعَدّة "prepared" shares its stem with معدات
"equipment"). The glossary's alternatives are all kept (they are curated); of a dictionary entry's
senses only the ``DICTIONARY_SENSES`` that occur most in the index are kept, since
FreeDict lists rare senses first (shell: يقشر, قوقعة, صدفة, قصف).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.glossary import Glossary
from index.lexicon import Lexicon, word_key

#: Most dictionary senses kept for one word or phrase.
DICTIONARY_SENSES = 2
#: Most glossary alternatives kept.
GLOSSARY_SENSES = 4


@dataclass(frozen=True)
class TranslationMatch:
    """Words ``start`` to ``end`` (exclusive) of the query and their translations."""

    start: int
    end: int
    source: str            # "glossary" or "dictionary"
    target: str            # "ar" or "en"
    senses: tuple[str, ...]
    synonyms: tuple[str, ...] = ()   # same-language alternatives (glossary only)


class Translator:
    """Looks up words and phrases in the glossary, then in the dictionaries."""

    def __init__(self, lexicon: Lexicon, glossary: Glossary) -> None:
        self.lexicon = lexicon
        self.glossary = glossary
        longest = [len(k) for table in (lexicon.en_ar, lexicon.ar_en, glossary.en_ar,
                                        glossary.ar_en) for k in table]
        self.max_words = min(max(longest, default=1), 6)

    def find(self, words: Sequence[tuple[str, str]]) -> list[TranslationMatch]:
        """Translate (normalised word, script) pairs, longest match first, left to right.

        A ``None`` word breaks phrases (a name between two words).
        """
        keys = [None if w is None else (word_key(w[0], w[1]), w[1], w[0]) for w in words]
        found = []
        i = 0
        while i < len(keys):
            match = self._longest_at(keys, i)
            if match is None:
                i += 1
            else:
                found.append(match)
                i = match.end
        return found

    def _longest_at(self, keys: list, i: int) -> TranslationMatch | None:
        if keys[i] is None:
            return None
        script = keys[i][1]
        for n in range(min(self.max_words, len(keys) - i), 0, -1):
            span = keys[i:i + n]
            if any(k is None or k[1] != script for k in span):
                continue
            key = tuple(k[0] for k in span)
            english = script != "ar"
            for source, table in (("glossary", self.glossary.en_ar if english
                                   else self.glossary.ar_en),
                                  ("dictionary", self.lexicon.en_ar if english
                                   else self.lexicon.ar_en)):
                senses = table.get(key)
                if senses:
                    synonyms = ()
                    if source == "glossary" and (english or self.glossary.is_listed(
                            [k[2] for k in span], key)):
                        synonyms = self.glossary.synonyms.get(key, ())
                    return TranslationMatch(i, i + n, source, "ar" if english else "en",
                                            senses, synonyms)
        return None


def choose_senses(match: TranslationMatch, frequency: Callable[[str], int]) -> list[str]:
    """Keep the glossary's alternatives, or the dictionary senses most frequent in the index.

    :param frequency: how many documents hold a sense (0 when none does).
    """
    if match.source == "glossary":
        return [s for s in match.senses[:GLOSSARY_SENSES] if frequency(s) > 0]
    ranked = sorted(((frequency(s), -i, s) for i, s in enumerate(match.senses)), reverse=True)
    return [s for count, _, s in ranked[:DICTIONARY_SENSES] if count > 0]
