"""service.partial: the stages of a query whose full matches are few."""

from service import plan
from service.partial import MAX_COMBINATIONS, stages


def _terms(n):
    return [plan.Term("body", f"w{i}") for i in range(n)]


def test_stages_go_down_one_concept_at_a_time_within_the_bound():
    concepts = _terms(8)
    found = stages(concepts, None, lambda term: 1)
    # 8 of 7 and 28 of 6 combinations are asked for; 56 of 5 are past the bound
    assert [s.concepts for s in found] == [7, 6]
    assert MAX_COMBINATIONS < 56


def test_the_commonest_concept_alone_is_no_stage():
    a, b = _terms(2)
    [only] = stages([a, b], None, {a: 10, b: 2_000}.get)
    assert only.concepts == 1 and only.match.positive == a


def test_a_stage_leaves_out_the_full_matches_and_the_exclusions():
    a, b, c = _terms(3)
    excluded = plan.Term("body", "x")
    first = stages([a, b, c], excluded, lambda term: 1)[0]
    assert isinstance(first.match, plan.Not)
    assert first.match.negative == plan.AnyOf((plan.All((a, b, c)), excluded))
