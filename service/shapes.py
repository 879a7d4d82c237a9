"""JSON shapes used by more than one answer, each built in one place."""

from index.gazetteer import Entity


def entity_dict(entity: Entity, **extra) -> dict:
    """A gazetteer entity as every answer shows it (search results and facets,
    expansions, suggestions, /api/analyze), with ``extra`` fields after.

    >>> entity_dict(Entity("lachin", "place", "Lachin", "لاتشين", ()), count=2)
    {'key': 'lachin', 'name': 'Lachin', 'name_ar': 'لاتشين', 'kind': 'place', 'count': 2}
    """
    return {"key": entity.key, "name": entity.name, "name_ar": entity.name_ar,
            "kind": entity.kind, **extra}
