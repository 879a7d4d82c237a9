"""A query plan (``service.plan``) as a Whoosh query, the one place the two meet.

Each node becomes the Whoosh query that scores and matches as the plan says:
``AnyOf`` an ``Or``, ``Best`` a ``DisjunctionMax``, ``All`` an ``And``, ``Maybe``
an ``AndMaybe``, ``Not`` an ``AndNot``; a phrase of plain terms of its own field a
``Phrase``, any other a ``Sequence`` of its slots (which ``service.engines.whoosh_phrases`` checks
the same way). The Whoosh engine's walkers (``service.engines.whoosh_docsets``,
``service.engines.whoosh_ranking``) work on the result.
"""

from functools import lru_cache

from whoosh import query as wq

from service import plan


@lru_cache(maxsize=256)
def to_whoosh(node: plan.Node) -> wq.Query:
    """The Whoosh query of a plan (memoised: a search converts its plan twice or
    more, for the matching and the ranking).

    >>> to_whoosh(plan.AnyOf((plan.Term("body", "a"), plan.Term("title", "a", 2.0))))
    Or([Term('body', 'a'), Term('title', 'a', boost=2.0)])
    """
    if isinstance(node, plan.Term):
        return wq.Term(node.field, node.text, boost=node.boost)
    if isinstance(node, plan.Phrase):
        if all(isinstance(slot, plan.Term) and slot.field == node.field and slot.boost == 1.0
               for slot in node.slots):
            return wq.Phrase(node.field, [slot.text for slot in node.slots],
                             slop=node.slop, boost=node.boost)
        return wq.Sequence([to_whoosh(slot) for slot in node.slots], slop=node.slop,
                           boost=node.boost)
    if isinstance(node, plan.Maybe):
        return wq.AndMaybe(to_whoosh(node.required), to_whoosh(node.optional))
    if isinstance(node, plan.Not):
        return wq.AndNot(to_whoosh(node.positive), to_whoosh(node.negative))
    subs = [to_whoosh(child) for child in node.children]
    if isinstance(node, plan.Best):
        return wq.DisjunctionMax(subs, boost=node.boost, tiebreak=node.tiebreak)
    if isinstance(node, plan.All):
        return wq.And(subs, boost=node.boost)
    return wq.Or(subs, boost=node.boost)
