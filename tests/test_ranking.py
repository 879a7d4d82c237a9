"""Ranking over arrays (``service.engines.whoosh_ranking``) gives Whoosh's scores and order.

* On random query trees over three segments with deletions, with score rules, the
  ranking equals a reference built from Whoosh's own score of each term and phrase,
  combined by the definitions in ``service.engines.whoosh_ranking``; where Whoosh's matchers are
  right (no ``DisjunctionMax``, no ``AndNot``), it equals Whoosh's search itself.
* Whoosh's ``DisjunctionMaxMatcher`` gives a document another document's score,
  and its ``AndMaybe`` matcher inside an ``And`` loses the optional clause's score;
  the ranking does neither.
* A phrase checked at a few documents (the proximity bonus) scores as Whoosh's.
* An order by date is Whoosh's sorting collector's (ties by document number,
  undated last); a date range holds the dated documents between its bounds.
* Ties go to the lower document number, also at the edge of the page; the deadline
  stops before the next segment; postings are read the same block by block or one
  by one.
"""

import random

import numpy as np
import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage
from whoosh.query.spans import Span, bisect_spans
from hypothesis import given, settings
from hypothesis import strategies as st

import service.engines.whoosh_docsets
import service.engines.whoosh_ranking
from service.engines.whoosh_docsets import DocSets, read_postings
from service.deadline import Deadline
from index import whoosh_private
from index.whoosh_private import skip_to as _skip_to
from service.engines.whoosh_phrases import _in_order_arrays, in_order
from service.engines.whoosh_ranking import by_field, rank, scores_at

WORDS = "war peace ceasefire corridor drone border talks army".split()


def _random_query(rng: random.Random, depth: int = 0) -> wq.Query:
    if depth > 2 or rng.random() < 0.3:
        if rng.random() < 0.2:
            return wq.Phrase("body", rng.sample(WORDS, 2), slop=rng.choice([1, 3]),
                             boost=rng.choice([1.0, 2.0]))
        return wq.Term(rng.choice(["body", "title"]), rng.choice(WORDS + ["absent"]),
                       boost=rng.choice([1.0, 1.0, 0.5, 2.0]))
    subs = [_random_query(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    kind = rng.choice(["or", "and", "dismax", "andmaybe", "andnot", "sequence"])
    boost = rng.choice([1.0, 1.0, 0.3])
    if kind == "or":
        return wq.Or(subs, boost=boost)
    if kind == "and":
        return wq.And(subs, boost=boost)
    if kind == "dismax":
        return wq.DisjunctionMax(subs, boost=boost)
    if kind == "sequence":
        slots = [wq.Or([wq.Term("body", w) for w in rng.sample(WORDS, rng.randint(1, 2))])
                 for _ in range(2)]
        return wq.Sequence(slots, slop=rng.choice([1, 2]), boost=boost)
    other = _random_query(rng, depth + 1)
    return wq.AndMaybe(subs[0], other) if kind == "andmaybe" else wq.AndNot(subs[0], other)


def _reference(searcher, q) -> dict[int, float]:
    """Each document's score: Whoosh's own for a term or a phrase, combined as
    ``service.engines.whoosh_ranking`` defines (a sum for Or and And, the best for DisjunctionMax)."""
    kind = type(q)
    if kind in (wq.Term, wq.Phrase, wq.Sequence):
        return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    if kind in (wq.Or, wq.And, wq.DisjunctionMax):
        parts = [_reference(searcher, sub) for sub in q.subqueries]
        if len(parts) == 1:
            return parts[0]
        docs = set().union(*parts) if kind is not wq.And else set.intersection(
            *(set(part) for part in parts))
        out = {}
        for doc in docs:
            found = [part[doc] for part in parts if doc in part]
            if kind is wq.DisjunctionMax:
                out[doc] = max(found)
            else:
                total = 0.0
                for score in found:
                    total += score
                out[doc] = total
        return {doc: score * q.boost for doc, score in out.items()}
    first, second = _reference(searcher, q.a), _reference(searcher, q.b)
    if kind is wq.AndNot:
        return {doc: score for doc, score in first.items() if doc not in second}
    return {doc: score + second[doc] if doc in second else score
            for doc, score in first.items()}


def _whoosh_is_right(q, root: bool = True) -> bool:
    """False for trees where a Whoosh matcher scores wrongly: ``DisjunctionMax``,
    ``AndNot`` (it leaks), and ``AndMaybe`` below the root."""
    if isinstance(q, (wq.DisjunctionMax, wq.AndNot)) or \
            isinstance(q, wq.AndMaybe) and not root:
        return False
    return all(_whoosh_is_right(sub, root=False) for sub in q.children())


def _matched(docsets, searcher, q):
    return [(leaf, offset, docsets.matching(leaf, q)) for leaf, offset in
            searcher.leaf_searchers()]


def _rules(docsets):
    return [(lambda leaf: docsets.term_bits(leaf, "tag", "focus"), 1.5, 0.25),
            (lambda leaf: docsets.term_bits(leaf, "body", "army"), 1.0, 0.7),
            (lambda leaf: docsets.term_bits(leaf, "tag", "focus"), 1.0, 1000.0)]


def _in_order(docnums, scores, rules_bits):
    """(docnum, score with the rules) best first, ties by document number."""
    out = []
    for doc in docnums:
        score = scores.get(doc, 0.0)
        for members, factor, offset in rules_bits:
            if doc in members:
                score = score * factor + offset
        out.append((doc, score))
    return sorted(out, key=lambda item: (-item[1], item[0]))


@pytest.fixture(scope="module")
def segmented():
    schema = fields.Schema(id=fields.ID(stored=True, unique=True), title=fields.TEXT(),
                           body=fields.TEXT(), tag=fields.KEYWORD())
    ix = RamStorage().create_index(schema)
    rng = random.Random(5)
    for part in range(3):
        writer = ix.writer()
        for n in range(250):
            writer.add_document(
                id=f"d{part}-{n}",
                title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))),
                body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 25))),
                tag="focus" if rng.random() < 0.3 else "other")
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 250, 4):
        writer.delete_by_term("id", f"d1-{n}")
    writer.commit(merge=False)
    return ix


def test_the_fixture_has_segments_and_deletions(segmented):
    with segmented.searcher() as s:
        assert len(s.leaf_searchers()) == 3 and s.doc_count() < s.doc_count_all()


def test_ranking_equals_whooshs_scores_combined_on_random_trees(segmented):
    docsets = DocSets()
    queries = [_random_query(random.Random(seed)) for seed in range(120)]
    kinds = set()
    compared_with_whoosh = 0
    with segmented.searcher() as s:
        for q in queries:
            kinds |= {type(node).__name__ for node in q.leaves()} | {type(q).__name__}
            matched = _matched(docsets, s, q)
            docnums = [offset + n for leaf, offset, bits in matched
                       for n in range(bits.bit_length()) if bits >> n & 1]
            rules = _rules(docsets)
            rules_bits = [({offset + n for leaf, offset in s.leaf_searchers()
                            for n in range(leaf.doc_count_all()) if docs(leaf) >> n & 1},
                           factor, add) for docs, factor, add in rules]
            got, timed_out = rank(s, q, matched, rules, len(docnums) + 5, docsets)
            expected = _in_order(docnums, _reference(s, q), rules_bits)
            assert not timed_out
            assert [hit.docnum for hit in got] == [doc for doc, _ in expected], q
            assert [hit.score for hit in got] == pytest.approx(
                [score for _, score in expected], rel=1e-12), q
            if _whoosh_is_right(q) and docnums:
                whoosh = {hit.docnum: hit.score for hit in s.search(q, limit=None)}
                plain, _ = rank(s, q, matched, [], len(docnums), docsets)
                assert {hit.docnum: hit.score for hit in plain} == pytest.approx(whoosh), q
                compared_with_whoosh += 1
    assert {"Or", "And", "DisjunctionMax", "AndMaybe", "AndNot", "Sequence", "Phrase",
            "Term"} <= kinds
    assert compared_with_whoosh > 20


def test_a_page_is_the_best_of_the_full_ranking(segmented):
    docsets = DocSets()
    q = wq.Or([wq.Term("body", "drone"), wq.Term("title", "talks", boost=2.0)])
    with segmented.searcher() as s:
        matched = _matched(docsets, s, q)
        everything, _ = rank(s, q, matched, _rules(docsets), 10_000, docsets)
        for limit in (1, 7, 30):
            page, _ = rank(s, q, matched, _rules(docsets), limit, docsets)
            assert [(h.docnum, h.score) for h in page] == \
                [(h.docnum, h.score) for h in everything[:limit]]
    assert len(everything) > 100


def test_ties_go_to_the_lower_document_number_at_the_edge_of_the_page():
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(stored=True)))
    for part in range(2):
        writer = ix.writer()
        for n in range(10):
            writer.add_document(body="drone war" if n % 3 else "drone")
        writer.commit(merge=False)
    docsets = DocSets()
    q = wq.Term("body", "drone")
    with ix.searcher() as s:
        page, _ = rank(s, q, _matched(docsets, s, q), [], 4, docsets)
        scores = {h.docnum: h.score for h in rank(s, q, _matched(docsets, s, q), [], 99,
                                                   docsets)[0]}
    # "drone" alone (documents 0, 3, 6, 9, 10, 13, ...) is shorter: it scores higher
    assert [h.docnum for h in page] == [0, 3, 6, 9]
    assert len(set(scores.values())) == 2 and page[0].score == page[3].score


def test_whooshs_disjunction_max_gives_a_document_another_ones_score():
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(stored=True)))
    with ix.writer() as writer:
        for body in ("alpha beta gamma delta", "zulu", "alpha"):
            writer.add_document(body=body)
    alpha, zulu = wq.Term("body", "alpha"), wq.Term("body", "zulu")
    q = wq.DisjunctionMax([alpha, zulu])
    docsets = DocSets()
    with ix.searcher() as s:
        own = {h.docnum: h.score for term in (alpha, zulu) for h in s.search(term)}
        whoosh = {h.docnum: h.score for h in s.search(q)}
        ours = {h.docnum: h.score for h in rank(s, q, _matched(docsets, s, q), [], 10,
                                                 docsets)[0]}
    # document 0 has only "alpha", but Whoosh scores it as document 1's "zulu"
    assert whoosh[0] == pytest.approx(own[1]) and own[0] < own[1]
    assert ours == pytest.approx(own)


def test_whooshs_and_maybe_inside_an_and_loses_its_optional_score(segmented):
    docsets = DocSets()
    corridor, ceasefire = wq.Term("body", "corridor"), wq.Term("title", "ceasefire")
    army = wq.Term("body", "army")
    q = wq.And([wq.AndMaybe(corridor, ceasefire), army])
    with segmented.searcher() as s:
        own = {term: {h.docnum: h.score for h in s.search(term, limit=None)}
               for term in (corridor, ceasefire, army)}
        everything = set(own[corridor]) & set(own[army]) & set(own[ceasefire])
        whoosh = {h.docnum: h.score for h in s.search(q, limit=None)}
        ours = {h.docnum: h.score for h in rank(s, q, _matched(docsets, s, q), [], 10_000,
                                                 docsets)[0]}
    expected = {doc: own[corridor][doc] + own[ceasefire][doc] + own[army][doc]
                for doc in everything}
    assert len(everything) > 5
    assert {doc: ours[doc] for doc in everything} == pytest.approx(expected)
    # Whoosh's AndMaybe matcher, moved by the And's skip_to, misses some of them
    assert any(whoosh[doc] < expected[doc] - 1e-6 for doc in everything)


def test_the_deadline_stops_before_the_next_segment(segmented):
    docsets = DocSets()
    q = wq.Term("body", "war")
    with segmented.searcher() as s:
        matched = _matched(docsets, s, q)
        first_end = s.leaf_searchers()[1][1]
        late, timed_out = rank(s, q, matched, [], 10_000, docsets, deadline=Deadline(1e-9))
        free, not_late = rank(s, q, matched, [], 10_000, docsets)
    assert timed_out and not not_late
    assert late and all(h.docnum < first_end for h in late)
    assert len(free) > len(late) and any(h.docnum >= first_end for h in free)


def test_postings_read_by_block_equal_postings_read_one_by_one(segmented, monkeypatch):
    with segmented.searcher() as s:
        reader = s.leaf_searchers()[0][0].reader()
        by_block = {w: read_postings(reader, "body", w) for w in WORDS + ["absent"]}
        monkeypatch.setattr(whoosh_private, "BLOCK_READER", ("no such attribute",))
        one_by_one = {w: read_postings(reader, "body", w) for w in WORDS + ["absent"]}
        for word in WORDS:
            matcher = reader.postings("body", word)
            expected = list(matcher.items_as("weight"))
            assert list(zip(by_block[word].ids.tolist(), by_block[word].weights.tolist())) \
                == expected
            assert len(expected) > 128               # more than one block
    for word in WORDS + ["absent"]:
        assert np.array_equal(by_block[word].ids, one_by_one[word].ids)
        assert np.array_equal(by_block[word].weights, one_by_one[word].weights)
    assert len(by_block["absent"].ids) == 0


@pytest.mark.parametrize("skip", ["by bisection", "whoosh's skip_to"])
def test_phrase_scores_at_a_few_documents_equal_whooshs_phrase_scores(segmented, skip,
                                                                      monkeypatch):
    if skip != "by bisection":
        monkeypatch.setattr(whoosh_private, "BLOCK_SKIP", ("no such attribute",))
    docsets = DocSets()
    rng = random.Random(3)
    phrases = [wq.Phrase("body", rng.sample(WORDS, rng.randint(2, 3)), slop=rng.randint(1, 4),
                         boost=rng.choice([1.0, 0.5])) for _ in range(25)]
    phrases += [wq.Or([wq.Phrase(field, ["war", "peace"], slop=4) for field in
                       ("title", "body")], boost=0.5),
                wq.Phrase("body", ["war", "absent"])]
    matched_somewhere = 0
    with segmented.searcher() as s:
        for q in phrases:
            whoosh = {h.docnum: h.score for h in s.search(q, limit=None)}
            for leaf, offset in s.leaf_searchers():
                docs = np.array(sorted(rng.sample(range(leaf.doc_count_all()), 60)))
                live = [d for d in docs.tolist() if not leaf.reader().is_deleted(d)]
                got = scores_at(s, leaf, q, np.array(live), docsets)
                expected = [whoosh.get(offset + d, 0.0) for d in live]
                assert got.tolist() == pytest.approx(expected), q
                matched_somewhere += sum(1 for score in expected if score)
    assert matched_somewhere > 100


def test_skipping_by_bisection_reads_the_postings_whooshs_skip_to_reads(segmented):
    rng = random.Random(5)
    with segmented.searcher() as s:
        reader = s.leaf_searchers()[0][0].reader()
        for word in WORDS:
            docs = [d for d, _ in reader.postings("body", word).items_as("weight")]
            assert len(docs) > 128                    # more than one block
            for _ in range(5):
                chosen = sorted(rng.sample(docs, 40))
                ours, whoosh = reader.postings("body", word), reader.postings("body", word)
                for doc in chosen:
                    _skip_to(ours, doc)
                    whoosh.skip_to(doc)
                    assert ours.id() == whoosh.id() == doc
                    assert ours.value_as("positions") == whoosh.value_as("positions")


def _whooshs_in_order(positions, slop, mindist=1):
    # SpanNear2's ordered check over single positions, as Whoosh's Span objects do it
    aspans = [Span(p) for p in positions[0]]
    for later in positions[1:]:
        if not aspans:
            return False
        bspans = [Span(p) for p in later]
        spans = set()
        for aspan in aspans:
            for bspan in bspans[bisect_spans(bspans, aspan.start):]:
                if bspan.start > aspan.end + slop:
                    break
                if mindist <= aspan.distance_to(bspan) <= slop:
                    spans.add(aspan.to(bspan))
        aspans = sorted(spans)
    return bool(aspans)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), unique=True).map(sorted), min_size=2, max_size=4),
       st.integers(1, 5))
def test_words_in_order_as_whooshs_spans_say(positions, slop):
    assert in_order(positions, slop) == _whooshs_in_order(positions, slop)
    assert _in_order_arrays(positions, slop) == in_order(positions, slop)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 600), min_size=60, max_size=200, unique=True).map(sorted),
                min_size=2, max_size=3), st.integers(1, 3))
def test_long_lists_of_positions_are_compared_as_whooshs_spans_say(positions, slop):
    # a word hundreds of times in a document: compared as arrays
    assert in_order(positions, slop) == _whooshs_in_order(positions, slop)


@pytest.fixture(scope="module")
def dated():
    ix = RamStorage().create_index(fields.Schema(
        body=fields.TEXT(), date=fields.ID(stored=True, sortable=True)))
    rng = random.Random(9)
    for _ in range(3):
        writer = ix.writer()
        for _ in range(60):
            writer.add_document(body=rng.choice(["war", "war peace", "peace"]),
                                date=rng.choice(["", "2019-12-31", "2020-01-01", "2020-01-02",
                                                 "2021-05-05"]))
        writer.commit(merge=False)
    return ix


@pytest.mark.parametrize("descending", [True, False])
def test_an_order_by_date_is_whooshs_sorting_collectors(dated, descending):
    from whoosh import sorting
    from whoosh.collectors import SortingCollector

    undated_last = sorting.TranslateFacet(lambda value: 0 if value else 1,
                                          sorting.FieldFacet("date"))
    facet = sorting.MultiFacet([undated_last, sorting.FieldFacet("date", reverse=descending)])
    q = wq.Term("body", "war")
    docsets = DocSets()
    with dated.searcher() as s:
        collector = SortingCollector(facet, limit=None)
        s.search_with_collector(q, collector)
        results = collector.results()
        expected = [results[i].docnum for i in range(results.scored_length())]
        matched = _matched(docsets, s, q)
        got = [h.docnum for h in by_field(s, matched, "date", descending, 10_000, docsets)]
        page = [h.docnum for h in by_field(s, matched, "date", descending, 7, docsets)]
        dates = [s.stored_fields(d)["date"] for d in got]
    assert len(s.leaf_searchers()) == 3
    assert got == expected and page == expected[:7]
    assert dates[-1] == "" and len(set(dates)) == 5          # ties and undated, last


def test_a_date_range_holds_the_dated_documents_between_its_bounds(dated):
    docsets = DocSets()
    bounds = [(None, None), ("2020-01-01", None), (None, "2020-01-01"),
              ("2020-01-01", "2020-01-02"), ("2020-06-01", "2020-07-01"), ("2022", None)]
    with dated.searcher() as s:
        for leaf, _ in s.leaf_searchers():
            dates = [leaf.stored_fields(n)["date"] for n in range(leaf.doc_count_all())]
            for low, high in bounds:
                bits = docsets.in_range(leaf, "date", low, high)
                expected = {n for n, date in enumerate(dates) if date
                            and (low is None or date >= low) and (high is None or date <= high)}
                assert {n for n in range(len(dates)) if bits >> n & 1} == expected, (low, high)
