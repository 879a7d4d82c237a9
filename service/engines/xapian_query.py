"""A query plan (``service.plan``) as a Xapian query, the one place the two meet.

Xapian's own operators do the work, in its matcher: a ``Term`` is the field's
prefixed term (``index.xapian_layout``) scaled by its boost (``OP_SCALE_WEIGHT``);
``AnyOf`` is ``OP_OR`` (scores add), ``Best`` is ``OP_MAX`` (the best child's
score: a word's translations), ``All`` is ``OP_AND``, ``Maybe`` is
``OP_AND_MAYBE`` and ``Not`` is ``OP_AND_NOT``. A ``Phrase`` scores as Whoosh
scores one, the sum of its slots' scores (their boosts included) where the slots
stand in order: ``OP_AND`` of the scored slots, filtered (``OP_FILTER``, no weight)
by ``OP_PHRASE`` over the bare slots (a slot of several spellings an ``OP_OR`` of
terms; Xapian 1.4 takes no weighted subquery inside a phrase).

Where the two engines differ (README "Engines"): Whoosh's phrase slop bounds each
gap between two slots, Xapian's phrase window bounds the whole phrase, so a
phrase of n slots with slop s gets the window ``1 + (n - 1) × s`` (the same for
slop 1, a little looser otherwise); ``Best``'s ``tiebreak`` (never set by the
builder) is not expressible and is refused.
"""

import xapian

from index.xapian_layout import field_term
from service import plan


def to_xapian(node: plan.Node) -> xapian.Query:
    """The Xapian query of a plan.

    >>> str(to_xapian(plan.AnyOf((plan.Term("body", "a"), plan.Term("title", "a", 2.0)))))
    'Query((XBa OR 2 * XTa))'
    """
    if isinstance(node, plan.Term):
        return _scaled(xapian.Query(field_term(node.field, node.text)), node.boost)
    if isinstance(node, plan.Phrase):
        scored = [to_xapian(slot) for slot in node.slots]
        if len(scored) == 1:
            return _scaled(scored[0], node.boost)
        window = 1 + (len(scored) - 1) * max(1, node.slop)
        positions = xapian.Query(xapian.Query.OP_PHRASE, [_slot(s) for s in node.slots],
                                 window)
        return _scaled(xapian.Query(xapian.Query.OP_FILTER,
                                    xapian.Query(xapian.Query.OP_AND, scored), positions),
                       node.boost)
    if isinstance(node, plan.Maybe):
        return xapian.Query(xapian.Query.OP_AND_MAYBE, to_xapian(node.required),
                            to_xapian(node.optional))
    if isinstance(node, plan.Not):
        return xapian.Query(xapian.Query.OP_AND_NOT, to_xapian(node.positive),
                            to_xapian(node.negative))
    subs = [to_xapian(child) for child in node.children]
    if isinstance(node, plan.Best):
        if node.tiebreak:
            raise ValueError("Xapian's OP_MAX has no tiebreak")
        op = xapian.Query.OP_MAX
    elif isinstance(node, plan.All):
        op = xapian.Query.OP_AND
    else:
        op = xapian.Query.OP_OR
    return _scaled(xapian.Query(op, subs), node.boost)


def _slot(node: plan.Node) -> xapian.Query:
    """A phrase's slot for position checks: a term, or an ``OP_OR`` of terms."""
    if isinstance(node, plan.Term):
        return xapian.Query(field_term(node.field, node.text))
    if isinstance(node, plan.AnyOf) and all(isinstance(c, plan.Term) for c in node.children):
        return xapian.Query(xapian.Query.OP_OR, [_slot(c) for c in node.children])
    raise ValueError(f"a phrase slot must be a term or any of terms, not {node!r}")


def _scaled(query: xapian.Query, boost: float) -> xapian.Query:
    if boost == 1.0:
        return query
    return xapian.Query(xapian.Query.OP_SCALE_WEIGHT, query, boost)
