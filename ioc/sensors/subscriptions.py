"""NGSI-LD subscriptions: validation and rendering, and matching entity changes and deletions.

A write commits first; then the subscriptions its changes match are queued (one task per subscription) and the
worker sends the notification (notifications.py); periodic ones are in periodic.py.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
import time
import urllib.parse
import urllib.request
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ioc.core.services import audit
from ioc.sensors import jsonld, ngsild
from ioc.sensors.linked import JOINS
from ioc.sensors.models import Entity, Subscription
from ioc.sensors.ngsild import NgsiError
from ioc.sensors.ngsild_query import geo_predicate, parse_q, parse_types, types_match
from ioc.sensors.ngsild_query import matches as q_matches

log = logging.getLogger(__name__)
TIMEOUT_S = 5
KNOWN = {
    "id",
    "type",
    "@context",
    "description",
    "subscriptionName",
    "entities",
    "watchedAttributes",
    "q",
    "geoQ",
    "notification",
    "expiresAt",
    "throttling",
    "isActive",
    "notificationTrigger",
    "jsonldContext",
    "datasetId",
    "lang",
    "scopeQ",
    "timeInterval",
}
TRIGGERS = {
    "entityCreated",
    "entityUpdated",
    "entityDeleted",
    "attributeCreated",
    "attributeUpdated",
    "attributeDeleted",
}
DEFAULT_TRIGGERS = ("attributeCreated", "attributeUpdated")  # clause 5.2.12
CHANGE_TRIGGERS = TRIGGERS - {"entityDeleted", "attributeDeleted"}
FORMATS = ("normalized", "keyValues", "simplified", "concise")


def _bad(detail: str) -> NgsiError:
    return NgsiError("BadRequestData", detail)


def _check_endpoint(uri) -> str:
    if not isinstance(uri, str) or len(uri) > 500:
        raise _bad("notification.endpoint.uri must be an http(s) URL")
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad("notification.endpoint.uri must be an http(s) URL (mqtt endpoints are not supported)")
    if parts.username or parts.password:
        raise _bad("notification.endpoint.uri must not carry credentials")
    _refuse_local(parts.hostname, resolve=False)
    return uri


def _refuse_local(host: str, *, resolve: bool) -> None:
    """Loopback, link-local and unspecified addresses are refused unless the setting allows them."""
    if settings.NGSI_NOTIFY_ALLOW_LOCAL:
        return
    if host.lower() in ("localhost", "localhost.localdomain"):
        raise _bad("notification.endpoint.uri may not point at this server")
    addresses = []
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        if resolve:
            addresses = [ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)]
    for address in addresses:
        if address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast:
            raise _bad("notification.endpoint.uri may not point at a loopback or link-local address")


def _entities(value, ctx) -> list[dict]:
    if not isinstance(value, list) or len(value) > 100:
        raise _bad("entities must be a list of {type, id or idPattern}")
    out = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"type", "id", "idPattern"}:
            raise _bad("each of entities is an object with type and optionally id or idPattern")
        raw = item.get("type")
        if isinstance(raw, str) and any(c in raw for c in "(|,;"):  # a type expression, as in queries (4.17)
            groups = parse_types(raw, ctx)
            clean = {"type": raw, "types": [sorted(g) for g in groups]}
        else:
            clean = {"type": ngsild.check_type(raw, ctx)}
        if "id" in item:
            clean["id"] = ngsild.check_id(item["id"], "entities.id")
        if "idPattern" in item:
            try:
                ngsild.id_pattern(item["idPattern"])
            except ValueError:
                raise _bad("entities.idPattern is not a valid regular expression") from None
            clean["idPattern"] = str(item["idPattern"])[:200]
        out.append(clean)
    return out


def _names(value, what: str, ctx) -> list[str]:
    """Attribute names as stored (expanded against the subscription's @context)."""
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise _bad(f"{what} must be a list of attribute names")
    return [jsonld.to_storage(ngsild.check_name(n, what), ctx) for n in value]


def _geo_q(value) -> dict:
    if not isinstance(value, dict) or not {"geometry", "coordinates", "georel"} <= set(value):
        raise _bad("geoQ needs geometry, coordinates and georel")
    coordinates = value["coordinates"]
    if isinstance(coordinates, str):
        try:
            coordinates = json.loads(coordinates)
        except ValueError:
            raise _bad("geoQ.coordinates must be GeoJSON coordinates") from None
    geo_predicate(value["georel"], value["geometry"], coordinates)  # raises when invalid
    return {"geometry": value["geometry"], "coordinates": coordinates, "georel": value["georel"]}


def subscription_context(subscription: Subscription):
    return jsonld.context(subscription.extras.get("context"))


def apply(subscription: Subscription, body, *, creating: bool, ctx=None) -> Subscription:
    """Check a subscription payload (whole on create, a fragment on PATCH) and copy it onto the model. Terms are
    read in `ctx`, the request's @context (kept, so later reads and notifications speak the same terms)."""
    if not isinstance(body, dict):
        raise _bad("a subscription is a JSON object")
    unknown = set(body) - KNOWN
    if unknown:
        raise _bad(f"unknown member(s) {', '.join(sorted(unknown))} (temporalQ is not supported)")
    ctx = ctx or jsonld.core()
    extras = dict(subscription.extras or {})
    if creating:
        extras["context"] = ctx.value if ctx is not jsonld.core() else None
    _extras(body, extras)
    subscription.extras = extras
    if creating:
        if body.get("type") != "Subscription":
            raise _bad("type must be Subscription")
        given = body["id"] if "id" in body else f"urn:ngsi-ld:Subscription:{uuid.uuid4()}"
        subscription.sub_id = ngsild.check_id(given if isinstance(given, str) else None, "the subscription id")
    elif "id" in body and body["id"] != subscription.sub_id:
        raise _bad("the id of a subscription cannot change")
    if "description" in body or "subscriptionName" in body:
        subscription.description = str(body.get("description") or body.get("subscriptionName") or "")[:500]
    if "entities" in body:
        subscription.entities = _entities(body["entities"], ctx)
    if "watchedAttributes" in body:
        subscription.watched_attributes = _names(body["watchedAttributes"], "watchedAttributes", ctx)
    if "q" in body:
        # q is written as in a URL, percent-encoding included (name=="Eiffel%20Tower")
        query = urllib.parse.unquote(str(body["q"] or ""))
        if query:
            parse_q(query, ctx)
        subscription.q = query
    if "geoQ" in body:
        subscription.geo_q = _geo_q(body["geoQ"]) if body["geoQ"] else None
    if "notification" in body:
        note = body["notification"]
        if not isinstance(note, dict) or not isinstance(note.get("endpoint"), dict):
            raise _bad("notification needs an endpoint with a uri")
        subscription.endpoint = _check_endpoint(note["endpoint"].get("uri"))
        accept = note["endpoint"].get("accept", "application/json")
        if accept not in ("application/json", "application/ld+json"):
            raise _bad("notification.endpoint.accept must be application/json or application/ld+json")
        subscription.accept = accept
        subscription.attributes = _names(note.get("attributes", []), "notification.attributes", ctx)
        if note.get("format", "normalized") not in FORMATS:
            raise _bad(f"notification.format must be one of {', '.join(FORMATS)}")
        picks = {k: note[k] for k in ("pick", "omit") if k in note}
        for key, names in picks.items():
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                raise _bad(f"notification.{key} is a list of attribute names")
        if picks and note.get("attributes"):
            raise _bad("notification.attributes cannot be used with pick or omit")
        if len(picks) == 2 and set(picks["pick"]) & set(picks["omit"]):
            raise _bad("the same member cannot be both picked and omitted")
        for key, names in picks.items():
            subscription.extras[key] = [n if n in ("id", "type") else jsonld.to_storage(n, ctx) for n in names]
        if "receiverInfo" in note["endpoint"]:
            subscription.extras["receiverInfo"] = _receiver_info(note["endpoint"]["receiverInfo"])
        if "join" in note:
            if note["join"] not in JOINS:
                raise _bad("notification.join is inline or flat")
            subscription.extras["join"] = note["join"]
        if "joinLevel" in note:
            level = note["joinLevel"]
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 3:
                raise _bad("notification.joinLevel is a whole number from 1 to 3")
            subscription.extras["joinLevel"] = level
        for member in ("sysAttrs", "showChanges"):
            if member in note:
                if not isinstance(note[member], bool):
                    raise _bad(f"notification.{member} is true or false")
                subscription.extras[member] = note[member]
        subscription.format = note.get("format", "normalized")
    elif creating:
        raise _bad("a subscription needs a notification with an endpoint")
    if "expiresAt" in body:
        moment = parse_datetime(body["expiresAt"]) if isinstance(body["expiresAt"], str) else None
        if body["expiresAt"] is not None and (moment is None or timezone.is_naive(moment)):
            raise _bad("expiresAt must be an ISO 8601 date-time with its offset")
        if moment and moment <= timezone.now():
            raise _bad("expiresAt is in the past")
        subscription.expires_at = moment
    if "throttling" in body:
        value = body["throttling"]
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 86_400:
            raise _bad("throttling is a number of seconds from 0 to 86400")
        subscription.throttling = int(value)
    if "isActive" in body:
        if not isinstance(body["isActive"], bool):
            raise _bad("isActive is true or false")
        subscription.is_active = body["isActive"]
    if not (subscription.entities or subscription.watched_attributes):
        raise _bad("a subscription needs entities or watchedAttributes")
    if subscription.extras.get("timeInterval") and subscription.watched_attributes:
        raise _bad("a periodic subscription (timeInterval) has no watchedAttributes")
    return subscription


HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")
RESERVED_HEADERS = {"host", "content-type", "content-length", "link", "connection", "transfer-encoding"}


def _receiver_info(value) -> list[dict]:
    """Extra HTTP headers the subscriber wants on each notification (endpoint.receiverInfo)."""
    if not isinstance(value, list) or len(value) > 20:
        raise _bad("notification.endpoint.receiverInfo is a list of {key, value}")
    out = []
    for pair in value:
        if not isinstance(pair, dict) or not isinstance(pair.get("key"), str) or not isinstance(pair.get("value"), str):
            raise _bad("each receiverInfo item is {key, value} with strings")
        if not HEADER_NAME.match(pair["key"]) or pair["key"].lower() in RESERVED_HEADERS:
            raise _bad(f"receiverInfo key {pair['key']!r} is not a header a subscriber may set")
        if any(c in pair["value"] for c in "\r\n") or len(pair["value"]) > 500:
            raise _bad("receiverInfo values are one line of at most 500 characters")
        out.append({"key": pair["key"], "value": pair["value"]})
    return out


def _extras(body: dict, extras: dict) -> None:
    if "notificationTrigger" in body:
        triggers = body["notificationTrigger"]
        if not isinstance(triggers, list) or not triggers or not set(triggers) <= TRIGGERS:
            raise _bad(f"notificationTrigger is a list of {', '.join(sorted(TRIGGERS))}")
        extras["notificationTrigger"] = triggers
    if "jsonldContext" in body:
        value = body["jsonldContext"]
        if not isinstance(value, str) or ":" not in value:
            raise _bad("jsonldContext is the URI of an @context")
        jsonld.context(value)  # raises LdContextNotAvailable when it cannot be had
        extras["jsonldContext"] = value
    if "datasetId" in body:
        ids = body["datasetId"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise _bad("datasetId is a list of URIs")
        extras["datasetId"] = ids
    if "lang" in body:
        if not isinstance(body["lang"], str):
            raise _bad("lang is a language tag")
        extras["lang"] = body["lang"]
    if "scopeQ" in body:
        extras["scopeQ"] = str(body["scopeQ"])[:500]
    if "timeInterval" in body:
        value = body["timeInterval"]
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 86_400):
            raise _bad("timeInterval is a whole number of seconds from 1 to 86400")
        extras["timeInterval"] = value
        if value is None:
            extras.pop("timeInterval")


def status(subscription: Subscription, now=None) -> str:
    now = now or timezone.now()
    if subscription.expires_at and subscription.expires_at <= now:
        return "expired"
    return "active" if subscription.is_active else "paused"


def render(subscription: Subscription, with_context: bool = False, ctx=None) -> dict:
    """A subscription in the terms of `ctx` (the reader's @context; by default the one it was created with)."""
    ctx = ctx or subscription_context(subscription)
    extras = subscription.extras or {}

    def stamp(moment):
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    notification = {
        "format": subscription.format,
        "endpoint": {"uri": subscription.endpoint, "accept": subscription.accept},
    }
    if extras.get("receiverInfo"):
        notification["endpoint"]["receiverInfo"] = extras["receiverInfo"]
    if subscription.times_sent:  # the delivery record, once there is one
        failed = subscription.last_failure and (
            not subscription.last_success or subscription.last_failure > subscription.last_success
        )
        notification.update(timesSent=subscription.times_sent, status="failed" if failed else "ok")
    if subscription.attributes:
        notification["attributes"] = [jsonld.from_storage(a, ctx) for a in subscription.attributes]
    for member in ("sysAttrs", "showChanges", "join", "joinLevel"):
        if member in extras:
            notification[member] = extras[member]
    for key, value in (
        ("lastNotification", subscription.last_notification),
        ("lastSuccess", subscription.last_success),
        ("lastFailure", subscription.last_failure),
    ):
        if value:
            notification[key] = stamp(value)
    out = {"id": subscription.sub_id, "type": "Subscription"}
    if subscription.description:
        out["description"] = subscription.description
    if subscription.entities:
        out["entities"] = [
            {k: v for k, v in e.items() if k != "types"}
            if "types" in e
            else {**e, "type": jsonld.from_storage(e["type"], ctx)}
            for e in subscription.entities
        ]
    if subscription.watched_attributes:
        out["watchedAttributes"] = [jsonld.from_storage(a, ctx) for a in subscription.watched_attributes]
    out["notificationTrigger"] = extras.get("notificationTrigger") or list(DEFAULT_TRIGGERS)
    for member in ("jsonldContext", "datasetId", "lang", "scopeQ", "timeInterval"):
        if member in extras:
            out[member] = extras[member]
    if subscription.q:
        out["q"] = subscription.q
    if subscription.geo_q:
        out["geoQ"] = subscription.geo_q
    out["notification"] = notification
    if subscription.expires_at:
        out["expiresAt"] = stamp(subscription.expires_at)
    if subscription.throttling:
        out["throttling"] = subscription.throttling
    if not subscription.is_active:  # true is the default, left out as brokers do
        out["isActive"] = False
    out["status"] = status(subscription)
    if with_context:
        out["@context"] = ctx.value
    return out


# --- matching ------------------------------------------------------------------------------------------------


def matches(subscription: Subscription, entity: Entity, changed_attrs: set[str]) -> bool:
    if subscription.watched_attributes and not changed_attrs & set(subscription.watched_attributes):
        return False
    if (subscription.extras or {}).get("timeInterval"):
        return False  # periodic: notified on its interval, not on changes
    triggers = (subscription.extras or {}).get("notificationTrigger")
    if triggers and not set(triggers) & CHANGE_TRIGGERS:
        return False  # only deletions wanted: a change is not one
    if subscription.entities and not any(
        _type_ok(item, entity.types)
        and ("id" not in item or item["id"] == entity.entity_id)
        and ("idPattern" not in item or ngsild.id_pattern(item["idPattern"]).search(entity.entity_id))
        for item in subscription.entities
    ):
        return False
    groups, near = _compiled(subscription)
    if groups and not q_matches(entity, groups):
        return False
    return near is None or near(entity)


def _compiled(subscription: Subscription):
    """The parsed q and the geo test, made once per subscription object (the cache keeps those objects)."""
    if not hasattr(subscription, "_compiled"):
        groups = parse_q(subscription.q, subscription_context(subscription)) if subscription.q else None
        near = None
        if geo := subscription.geo_q:
            near = geo_predicate(geo["georel"], geo["geometry"], geo["coordinates"])[1]
        subscription._compiled = (groups, near)
    return subscription._compiled


_cache: dict = {"at": 0.0, "rows": []}
CACHE_SECONDS = 2.0


def forget_subscriptions(**_kwargs) -> None:
    """Saved or deleted here: the next write reads them again (other processes within CACHE_SECONDS)."""
    _cache["at"] = 0.0


def active_subscriptions(now=None) -> list[Subscription]:
    """Active, unexpired subscriptions, kept CACHE_SECONDS: most writes then pay no query for them."""
    now = now or timezone.now()
    if time.monotonic() - _cache["at"] > CACHE_SECONDS:
        _cache["rows"] = list(Subscription.objects.filter(is_active=True))
        _cache["at"] = time.monotonic()
    return [s for s in _cache["rows"] if s.expires_at is None or s.expires_at > now]


def entities_changed(changes: dict[int, set[str]], previous: dict | None = None) -> int:
    """Called after a write commits: queue one notification per matching subscription. Returns how many.
    `previous` ({entity pk: {attribute: what it was}}) goes to subscriptions that show changes."""
    if not changes:
        return 0
    subscriptions = active_subscriptions()
    if not subscriptions:
        return 0
    from ioc.sensors.tasks import send_notification

    entities = list(Entity.objects.filter(pk__in=changes))
    queued = 0
    for subscription in subscriptions:
        hits = [e.pk for e in entities if matches(subscription, e, changes[e.pk])]
        if hits:
            shown_before = None
            if (subscription.extras or {}).get("showChanges") and previous:
                shown_before = {str(pk): previous[pk] for pk in hits if pk in previous}
            send_notification(subscription.pk, hits, None, shown_before)
            queued += 1
    return queued


def snapshot(entity, deleted: set[str], *, entity_deleted: bool = False) -> dict:
    """What a deletion notification shows of an entity: its state with the deleted attributes set to
    "urn:ngsi-ld:null" (all of them when the entity itself went, with its deletedAt)."""
    attrs = dict(entity.attrs) if not entity_deleted else {}
    for key in deleted:
        was = ngsild.default_instance(entity.attrs.get(key)) or {}
        kind = was.get("type", "Property")
        null = {"@none": ngsild.NULL} if kind == "LanguageProperty" and not entity_deleted else ngsild.NULL
        attrs[key] = {"type": kind, ngsild.MAIN_MEMBER.get(kind, "value"): null}
        attrs[key].update({k: was[k] for k in ("createdAt", "modifiedAt") if k in was})  # shown with sysAttrs
    return {
        "entity_id": entity.entity_id,
        "type": entity.type,
        "extra_types": list(entity.extra_types or []),
        "scopes": list(entity.scopes or []),
        "attrs": attrs,
        "deleted": sorted(deleted),
        "deleted_at": ngsild.stamp(timezone.now()) if entity_deleted else None,
        "attributes_deleted_at": ngsild.stamp(timezone.now()),
        "created_at": getattr(entity, "created_at", None),
        "modified_at": getattr(entity, "modified_at", None),
        "previous": {key: entity.attrs[key] for key in deleted if key in entity.attrs},
    }


def deletions(snapshots: list[dict], trigger: str) -> int:
    """After a deletion commits: notify the subscriptions whose notificationTrigger asks for it (entityDeleted,
    attributeDeleted); deletions are never notified by default (clause 5.8.6)."""
    queued = 0
    from ioc.sensors.tasks import send_notification

    for subscription in active_subscriptions():
        triggers = set((subscription.extras or {}).get("notificationTrigger") or [])
        if trigger not in triggers and not (trigger == "entityDeleted" and "attributeDeleted" in triggers):
            continue
        hits = [
            item
            for item in snapshots
            if _snapshot_matches(subscription, item)
            and (not subscription.watched_attributes or set(item["deleted"]) & set(subscription.watched_attributes))
        ]
        if hits:
            send_notification(subscription.pk, [], hits)
            queued += 1
    return queued


def _type_ok(entry: dict, entity_types) -> bool:
    """An entities entry's type: one type, or a type expression kept as groups (either group, all of one)."""
    if "types" in entry:
        return types_match(entity_types, [set(g) for g in entry["types"]])
    return entry["type"] in entity_types


def _snapshot_matches(subscription: Subscription, item: dict) -> bool:
    types = [item["type"], *item["extra_types"]]
    return not subscription.entities or any(
        _type_ok(entry, types)
        and ("id" not in entry or entry["id"] == item["entity_id"])
        and ("idPattern" not in entry or ngsild.id_pattern(entry["idPattern"]).search(item["entity_id"]))
        for entry in subscription.entities
    )


post_save.connect(forget_subscriptions, sender=Subscription)
post_delete.connect(forget_subscriptions, sender=Subscription)


# --- writes (the API calls these; each is audited) -----------------------------------------------------------------


@transaction.atomic
def create_subscription(body: dict, *, by, request=None, ctx=None) -> Subscription:
    """A new subscription owned by the token's user; refused if its id is taken."""
    item = apply(Subscription(owner=by), body, creating=True, ctx=ctx)
    if Subscription.objects.filter(sub_id=item.sub_id).exists():
        raise NgsiError("AlreadyExists", f"subscription {item.sub_id} already exists")
    item.save()
    audit.record(by, "subscription.create", item, request=request, endpoint=item.endpoint)
    if (item.extras or {}).get("timeInterval"):
        from ioc.sensors.periodic import schedule_periodic

        transaction.on_commit(lambda: schedule_periodic(item))  # the first one now, not at the next minute
    return item


@transaction.atomic
def update_subscription(item: Subscription, body: dict, *, by, request=None, ctx=None) -> Subscription:
    item = Subscription.objects.select_for_update().get(pk=item.pk)
    apply(item, body, creating=False, ctx=ctx)
    item.save()
    audit.record(by, "subscription.update", item, request=request, endpoint=item.endpoint)
    return item


def delete_subscription(item: Subscription, *, by, request=None) -> None:
    audit.delete_recorded(by, "subscription.delete", item, request=request, endpoint=item.endpoint)
