"""Phrases checked at chosen documents (``service.engines.whoosh_phrases``, ``DocSets.phrase_bits``)
match where Whoosh's phrase matchers match.

On random documents over several segments with deletions, for random ``Phrase``
and ``Sequence`` queries (slots of one term or an ``Or`` of terms, slops 1 to 3,
repeated words), the documents found equal Whoosh's matcher's, within any set of
allowed documents, whether a common slot is read whole or looked up at each
candidate, with Whoosh's codec read block by block or through its public
methods, and cut at a deadline: then every document found matches and every
document not checked is reported as such.
"""

import random

import numpy as np
import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from index import whoosh_private
import service.engines.whoosh_docsets
import service.engines.whoosh_phrases
from service.deadline import Deadline
from service.engines.whoosh_docsets import DocSets, bits_mask, to_bits

WORDS = "war peace ceasefire corridor drone border".split()


@pytest.fixture(scope="module")
def index():
    schema = fields.Schema(body=fields.TEXT(phrase=True), title=fields.TEXT(phrase=True))
    ix = RamStorage().create_index(schema)
    rng = random.Random(11)
    for part in range(3):
        writer = ix.writer()
        for _ in range(400):
            # a few long documents: a word hundreds of times
            length = rng.choice([3, 8, 20, 40]) if rng.random() > 0.02 else 600
            writer.add_document(body=" ".join(rng.choice(WORDS) for _ in range(length)),
                                title=" ".join(rng.choice(WORDS) for _ in range(3)))
        writer.commit(merge=False)
    writer = ix.writer()
    for docnum in rng.sample(range(1200), 60):
        writer.delete_document(docnum)
    writer.commit(merge=False)
    return ix


def _random_phrase(rng: random.Random) -> wq.Query:
    field = rng.choice(["body", "body", "title"])
    n = rng.randint(2, 4)
    if rng.random() < 0.5:
        return wq.Phrase(field, [rng.choice(WORDS + ["absent"]) for _ in range(n)],
                         slop=rng.randint(1, 3))
    slots = []
    for _ in range(n):
        terms = [wq.Term(field, w) for w in rng.sample(WORDS, rng.randint(1, 2))]
        slots.append(terms[0] if len(terms) == 1 else wq.Or(terms))
    return wq.Sequence(slots, slop=rng.randint(1, 3))


def _whoosh(leaf, q) -> set[int]:
    matcher = q.matcher(leaf, leaf.boolean_context())
    found = set(matcher.all_ids()) if matcher.is_active() else set()
    return {d for d in found if not leaf.reader().is_deleted(d)}


def _ids(bits: int, size: int) -> set[int]:
    return set(np.flatnonzero(bits_mask(bits, size)).tolist())


@pytest.mark.parametrize("ratio", [0, 10, 10**9])
@pytest.mark.parametrize("blocks", [True, False])
def test_phrase_documents_are_whooshs_within_any_allowed_set(index, monkeypatch, ratio,
                                                             blocks):
    monkeypatch.setattr(service.engines.whoosh_docsets, "PHRASE_READ_RATIO", ratio)
    if not blocks:
        monkeypatch.setattr(whoosh_private, "BLOCK_SKIP", ("no such attribute",))
    rng = random.Random(ratio + blocks)
    found_some = 0
    with index.searcher() as searcher:
        for _ in range(60):
            q = _random_phrase(rng)
            docsets = DocSets()
            for leaf, _ in searcher.leaf_searchers():
                size = leaf.doc_count_all()
                expected = _whoosh(leaf, q)
                live = docsets.live(leaf)
                for allowed in (live, live & to_bits(rng.sample(range(size), size // 3))):
                    bits, left = docsets.phrase_bits(leaf, q, allowed)
                    assert left == 0
                    assert _ids(bits, size) == expected & _ids(allowed, size), q
                # and again from what was kept of the first checks
                assert _ids(docsets.phrase_bits(leaf, q, live)[0], size) == expected
                found_some += bool(expected)
    assert found_some > 40


def test_a_phrase_cut_at_the_deadline_finds_only_matches_and_says_what_it_left(index):
    rng = random.Random(5)
    cut_somewhere = 0
    with index.searcher() as searcher:
        for _ in range(40):
            q = wq.Phrase("body", rng.sample(WORDS, 2), slop=rng.randint(1, 3))
            for leaf, _ in searcher.leaf_searchers():
                docsets = DocSets()
                size = leaf.doc_count_all()
                live = docsets.live(leaf)
                everything = _whoosh(leaf, q)
                for reads in (2, 5, 9):
                    clock = iter([0.0] * reads + [1e6] * 10**6)
                    deadline = Deadline(1.0, clock=lambda: next(clock))
                    bits, left = docsets.phrase_bits(leaf, q, live, deadline)
                    found, unchecked = _ids(bits, size), _ids(left, size)
                    assert found <= everything and not found & unchecked
                    assert everything <= found | unchecked
                    cut_somewhere += bool(unchecked)
                # what was checked before the cut is kept; the rest is checked now
                assert _ids(docsets.phrase_bits(leaf, q, live)[0], size) == everything
    assert cut_somewhere > 20


def test_an_exclusion_cut_at_the_deadline_takes_away_what_it_could_not_check(index):
    q = wq.AndNot(wq.Term("body", "war"), wq.Phrase("body", ["peace", "drone"]))
    with index.searcher() as searcher:
        leaf = searcher.leaf_searchers()[0][0]
        size = leaf.doc_count_all()
        truth = DocSets().evaluate(leaf, q)
        assert truth.complete and truth.bits
        clock = iter([0.0] * 4 + [1e6] * 10**6)
        cut = DocSets().evaluate(leaf, q, deadline=Deadline(1.0, clock=lambda: next(clock)))
        assert not cut.complete
        assert _ids(cut.bits, size) < _ids(truth.bits, size)
