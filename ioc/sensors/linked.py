"""Linked entities (clause 4.5.23) and the pick/omit projections that shape them (4.21): used by the entity
API and by notifications alike."""

from __future__ import annotations

from ioc.sensors import jsonld, ngsild
from ioc.sensors.models import Entity
from ioc.sensors.ngsild import NgsiError

JOINS = ("inline", "flat")


def shaping(pick: dict | None, omit: dict | None, attrs: set[str] | None = None) -> dict:
    """The render options that pick/omit trees give one entity, and `links`: for each Relationship named with a
    projection, the (pick, omit) trees its linked entity is shown with."""
    picked = set(pick) if pick is not None else None
    omitted = {k for k, sub in (omit or {}).items() if sub is None}
    if picked and omitted & picked:
        raise NgsiError("BadRequestData", "the same member cannot be both picked and omitted")
    wanted = attrs or picked
    links = {
        key: ((pick or {}).get(key), (omit or {}).get(key))
        for key in set(pick or {}) | set(omit or {})
        if (pick or {}).get(key) is not None or (omit or {}).get(key) is not None
    }
    return {
        # pick=id shows no attribute at all: an empty set, not None (None shows them all)
        "attrs_wanted": {w for w in wanted if w not in ("id", "type")} if wanted else None,
        "omit": omitted or ({"id", "type"} - picked if picked else None),
        "links": links or None,
    }


def joined(entities: list, rendered: list[dict], join: str | None, level: int, options: dict) -> list[dict]:
    """Linked entities (clause 4.5.23): join=inline puts each Relationship's target inside it ("entity", or in
    place of the object in keyValues); join=flat lists the targets after the entities. joinLevel follows links
    further (at most 3)."""
    if not join:
        return rendered
    flat: list[dict] = []
    listed = {e.entity_id for e in entities}

    def follow(entity, shown: dict, depth: int, links: dict) -> None:
        targets = _targets_of(entity)
        if not targets:
            return
        found = {t.entity_id: t for t in Entity.objects.filter(entity_id__in=set(targets.values()))}
        for key, target_id in targets.items():
            target = found.get(target_id)
            name = jsonld.from_storage(key, options["ctx"])
            if target is None or name not in shown:
                continue
            link_options = {**options, **shaping(*links.get(key, (None, None)))}
            linked = ngsild.render(target, **link_options)
            if join == "flat":
                if target.entity_id not in listed:
                    listed.add(target.entity_id)
                    flat.append(linked)
            elif options["key_values"]:
                shown[name] = linked
            elif isinstance(shown[name], dict):
                shown[name]["entity"] = linked
            if depth < level:  # after listing this one: flat lists the nearer entities first
                follow(target, linked, depth + 1, link_options["links"] or {})

    for entity, shown in zip(entities, rendered, strict=True):
        follow(entity, shown, 1, options["links"] or {})
    return rendered + flat


def _targets_of(entity) -> dict[str, str]:
    """{attribute: the entity its (default) Relationship points to}."""
    out = {}
    for key, value in entity.attrs.items():
        item = ngsild.default_instance(value)
        if item and item.get("type") == "Relationship" and isinstance(item.get("object"), str):
            out[key] = item["object"]
    return out
