"""Fahras's own query plan: plain, immutable values, no engine's objects.

``service.query.QueryBuilder`` turns a user's query into a tree of these nodes;
an engine (``service.engines``) turns the tree into its own query once per search.
The nodes
carry everything that decides what matches and how it scores, so two engines given
the same plan answer the same question, and ``explain`` shows a user the plan as
JSON (why a document matched: which field, which spelling, which translation, at
what weight).

* ``Term(field, text)``: one index term (a stem, an ``=`` exact form, an ``@``
  entity key, a name key of the ``names`` field);
* ``Phrase(field, slots, slop)``: one position of each slot, each following the
  previous one by 1 to ``slop`` positions; a slot is a ``Term`` or an ``AnyOf`` of
  terms (a word's stem, exact form or entity, any of which may stand there);
* ``AnyOf``: any child matches, scores add (a word's forms; the units of an OR);
* ``Best``: any child matches, the best child's score counts, plus ``tiebreak``
  times the others' (a word's translations: three senses are not three times as
  relevant; Elasticsearch's ``dis_max``, Xapian's ``OP_MAX``);
* ``All``: every child matches, scores add;
* ``Maybe(required, optional)``: what ``required`` matches, plus ``optional``'s
  score where it also matches (the proximity bonus);
* ``Not(positive, negative)``: what ``positive`` matches and ``negative`` does not.

Every node has a ``boost`` that multiplies its score (a field's or a translation's
weight), as a boost does in Lucene; ``Maybe`` and ``Not`` have none.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One term of one field."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Slots standing in order, each within ``slop`` positions of the previous one."""

    field: str
    slots: tuple["Node", ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class AnyOf:
    """Any child: the scores of those that match add up."""

    children: tuple["Node", ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Best:
    """Any child: the best score, plus ``tiebreak`` times the others'."""

    children: tuple["Node", ...]
    tiebreak: float = 0.0
    boost: float = 1.0


@dataclass(frozen=True)
class All:
    """Every child: the scores add up."""

    children: tuple["Node", ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Maybe:
    """What ``required`` matches, scored with ``optional`` where it matches too."""

    required: "Node"
    optional: "Node"


@dataclass(frozen=True)
class Not:
    """What ``positive`` matches and ``negative`` does not (scored by ``positive``)."""

    positive: "Node"
    negative: "Node"


Node = Term | Phrase | AnyOf | Best | All | Maybe | Not


def children(node: Node) -> tuple[Node, ...]:
    """A node's direct children (a phrase's slots; none for a term).

    >>> children(Not(Term("body", "a"), Term("body", "b")))
    (Term(field='body', text='a', boost=1.0), Term(field='body', text='b', boost=1.0))
    """
    if isinstance(node, Term):
        return ()
    if isinstance(node, Phrase):
        return node.slots
    if isinstance(node, Maybe):
        return node.required, node.optional
    if isinstance(node, Not):
        return node.positive, node.negative
    return node.children


def terms_of(node: Node) -> list[Term]:
    """Every term of a plan, in order, repeats kept.

    >>> [t.text for t in terms_of(AnyOf((Term("body", "a"), Phrase("body", (Term("body", "b"),
    ...     AnyOf((Term("body", "c"), Term("body", "=c")))), 1))))]
    ['a', 'b', 'c', '=c']
    """
    if isinstance(node, Term):
        return [node]
    return [term for child in children(node) for term in terms_of(child)]


def term_count(node: Node | None) -> int:
    """The terms a plan looks up: each term, each term of a phrase's slots.

    >>> term_count(AnyOf((Term("body", "a"), Phrase("body", (Term("body", "b"),
    ...     Term("body", "c")), 1))))
    3
    """
    return 0 if node is None else len(terms_of(node))


def any_of(nodes: list[Node], boost: float = 1.0) -> Node:
    """``AnyOf`` the nodes, or the one node alone (its boost then unchanged: a
    compound of one clause scores as that clause).

    >>> any_of([Term("body", "a")])
    Term(field='body', text='a', boost=1.0)
    """
    return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes), boost)


def all_of(nodes: list[Node]) -> Node:
    """``All`` the nodes, or the one node alone."""
    return nodes[0] if len(nodes) == 1 else All(tuple(nodes))


def best_of(nodes: list[Node]) -> Node:
    """``Best`` of the nodes, or the one node alone."""
    return nodes[0] if len(nodes) == 1 else Best(tuple(nodes))


def as_dict(node: Node) -> dict:
    """The JSON form of a plan (``explain``): ``{"type": ..., ...}`` with the
    children nested, boosts only where they are not 1.

    >>> as_dict(Best((Term("body", "x", 0.5), Term("title", "x")), 0.0))
    {'type': 'best', 'children': [{'type': 'term', 'field': 'body', 'text': 'x', \
'boost': 0.5}, {'type': 'term', 'field': 'title', 'text': 'x'}]}
    """
    if isinstance(node, Term):
        out = {"type": "term", "field": node.field, "text": node.text}
    elif isinstance(node, Phrase):
        out = {"type": "phrase", "field": node.field, "slop": node.slop,
               "slots": [as_dict(slot) for slot in node.slots]}
    elif isinstance(node, Maybe):
        return {"type": "maybe", "required": as_dict(node.required),
                "optional": as_dict(node.optional)}
    elif isinstance(node, Not):
        return {"type": "not", "positive": as_dict(node.positive),
                "negative": as_dict(node.negative)}
    else:
        kind = {AnyOf: "any", Best: "best", All: "all"}[type(node)]
        out = {"type": kind, "children": [as_dict(child) for child in node.children]}
        if isinstance(node, Best) and node.tiebreak:
            out["tiebreak"] = node.tiebreak
    if node.boost != 1.0:
        out["boost"] = round(node.boost, 6)
    return out
