# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure ranking metrics over a ranked list of document ids and graded judgments.

Grades follow the collection: 3 central, 2 substantial, 1 mentions, unjudged 0.
A ranked list is read best first; an id repeated further down counts only once.
"""

from collections.abc import Iterable, Mapping, Sequence
from math import log2
from statistics import fmean

Row = Mapping[str, object]


def _top(ranked_ids: Sequence[str], k: int | None = None) -> list[str]:
    """Return the first k distinct ids of a ranking (all of them when k is None)."""
    seen: dict[str, None] = {}
    for doc_id in ranked_ids:
        if k is not None and len(seen) >= k:
            break
        seen.setdefault(doc_id)
    return list(seen)


def _gain(grade: int) -> float:
    """Return the graded gain 2**grade - 1."""
    return float(2**grade - 1)


def ndcg_at_k(ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Return nDCG@k with gain 2**g - 1 and a log2(rank + 1) discount; 0.0 when nothing is relevant.

    The ideal ranking is built from all judged grades, not only from those retrieved.

    >>> ndcg_at_k(["a", "b"], {"a": 3, "b": 1})
    1.0
    >>> round(ndcg_at_k(["b", "a"], {"a": 3, "b": 1}), 4)
    0.7098
    >>> ndcg_at_k(["x"], {"a": 2})
    0.0
    """
    dcg = sum(_gain(grades.get(doc_id, 0)) / log2(rank + 1)
              for rank, doc_id in enumerate(_top(ranked_ids, k), start=1))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(_gain(g) / log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked_ids: Sequence[str], grades: Mapping[str, int],
                    min_grade: int = 1) -> float:
    """Return 1/rank of the first document graded at least min_grade, or 0.0 if none is ranked.

    >>> reciprocal_rank(["x", "a"], {"a": 1})
    0.5
    >>> reciprocal_rank(["a", "b"], {"a": 1, "b": 3}, min_grade=2)
    0.5
    """
    for rank, doc_id in enumerate(_top(ranked_ids), start=1):
        if grades.get(doc_id, 0) >= min_grade:
            return 1.0 / rank
    return 0.0


def recall_at_k(ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = 10,
                min_grade: int = 1) -> float:
    """Return the share of documents graded min_grade or more found in the top k; 0.0 if none.

    >>> recall_at_k(["a", "x", "b"], {"a": 3, "b": 1, "c": 2}, k=2)
    0.3333333333333333
    """
    relevant = {doc_id for doc_id, grade in grades.items() if grade >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_top(ranked_ids, k))) / len(relevant)


def trap_rate(ranked_ids: Sequence[str], traps: Iterable[str], k: int = 10) -> float:
    """Return the fraction of the query's trap documents in the top k; 0.0 when it has no traps.

    >>> trap_rate(["a", "t1", "b"], ("t1", "t2"))
    0.5
    >>> trap_rate(["a"], ())
    0.0
    """
    trap_set = set(traps)
    if not trap_set:
        return 0.0
    return len(trap_set.intersection(_top(ranked_ids, k))) / len(trap_set)


def summarise(per_query_rows: Iterable[Row], *, metrics: Sequence[str] | None = None,
              overall: str = "overall") -> dict[str, dict[str, float | None]]:
    """Return, per category and for all rows together, the query count and the mean of each metric.

    A row is a mapping with a ``category`` and numeric metric values; a value of None (such as
    the trap rate of a query without traps) is left out of that metric's mean, and a metric with
    no values at all has mean None. Metrics default to every key of the first row that is not
    ``qid``, ``category``, ``query`` or ``system``.

    >>> rows = [{"category": "en", "mrr": 1.0, "trap_rate": None},
    ...         {"category": "en", "mrr": 0.5, "trap_rate": 1.0},
    ...         {"category": "trap", "mrr": 0.0, "trap_rate": 0.0}]
    >>> summarise(rows)["en"]
    {'queries': 2, 'mrr': 0.75, 'trap_rate': 1.0}
    >>> summarise(rows)["overall"]["mrr"]
    0.5
    """
    rows = list(per_query_rows)
    if metrics is None:
        labels = {"qid", "category", "query", "system"}
        metrics = [key for key in rows[0] if key not in labels] if rows else []
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(str(row["category"]), []).append(row)
    groups[overall] = rows
    summary: dict[str, dict[str, float | None]] = {}
    for name, members in groups.items():
        entry: dict[str, float | None] = {"queries": len(members)}
        for metric in metrics:
            values = [float(row[metric]) for row in members if row.get(metric) is not None]
            entry[metric] = fmean(values) if values else None
        summary[name] = entry
    return summary
