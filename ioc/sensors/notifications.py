"""NGSI-LD notifications: what a subscription's notification shows (format, pick/omit, linked entities, previous
values, deletions) and its delivery by HTTP POST, in the worker, never in a request.

Throttling is enforced with a conditional UPDATE so two workers never both send within the period; notifications
inside the period are dropped, as Orion-LD does.
"""

from __future__ import annotations

import json
import logging
import urllib.request
import uuid
from urllib.parse import urlsplit

from django.db.models import F, Q
from django.utils import timezone

from ioc.sensors import jsonld, ngsild
from ioc.sensors.linked import joined
from ioc.sensors.models import Entity, Subscription
from ioc.sensors.ngsild import NgsiError
from ioc.sensors.subscriptions import TIMEOUT_S, _refuse_local, status

log = logging.getLogger(__name__)


PREVIOUS_MEMBER = {
    "Property": "previousValue",
    "GeoProperty": "previousValue",
    "Relationship": "previousObject",
    "LanguageProperty": "previousLanguageMap",
    "VocabProperty": "previousVocab",
    "JsonProperty": "previousJson",
    "ListProperty": "previousValueList",
    "ListRelationship": "previousObjectList",
}


def _show_previous(shown: dict, before: dict, ctx) -> None:
    """showChanges: each changed attribute of a normalized notification carries what it was (previousValue…)."""
    for key, old in before.items():
        name = jsonld.from_storage(key, ctx)
        item, old = shown.get(name), ngsild.default_instance(old)
        if not isinstance(item, dict) or not old:
            continue
        kind = old.get("type", "Property")
        value = old.get(ngsild.MAIN_MEMBER.get(kind, "value"))
        if kind == "VocabProperty":
            value = (
                [jsonld.from_storage(v, ctx) for v in value]
                if isinstance(value, list)
                else jsonld.from_storage(value, ctx)
            )
        item[PREVIOUS_MEMBER.get(kind, "previousValue")] = value


def _render_options(subscription: Subscription, ctx) -> dict:
    """How a subscription's notifications show entities: format, attributes or pick/omit, sysAttrs, lang…"""
    extras = subscription.extras or {}
    pick, omit = extras.get("pick"), set(extras.get("omit") or [])
    return {
        "attrs_wanted": set(subscription.attributes) or {k for k in pick or [] if k not in ("id", "type")} or None,
        "key_values": subscription.format in ("keyValues", "simplified"),
        "ctx": ctx,
        "concise": subscription.format == "concise",
        "sys_attrs": bool(extras.get("sysAttrs")),
        "lang": extras.get("lang"),
        "dataset_ids": set(extras["datasetId"]) if extras.get("datasetId") else None,
        "omit": (omit | ({"id", "type"} - set(pick) if pick else set())) or None,
        "links": None,
    }


class _Snapshot:
    """A deleted entity (or one that lost attributes) as the notification shows it."""

    def __init__(self, item: dict):
        self.entity_id, self.type, self.attrs = item["entity_id"], item["type"], item["attrs"]
        self.extra_types, self.scopes, self.deleted_at = item["extra_types"], item["scopes"], item["deleted_at"]
        self.types = [self.type, *self.extra_types]
        self.previous = item.get("previous")
        self.deleted, self.attributes_deleted_at = item.get("deleted", []), item.get("attributes_deleted_at")
        self.created_at, self.modified_at = item.get("created_at"), item.get("modified_at")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect could lead anywhere: treat it as a failure
        return None


def deliver(
    subscription_pk: int, entity_pks: list[int], snapshots: list[dict] | None = None, previous: dict | None = None
) -> str:
    """POST one notification. Returns 'sent', 'failed', 'throttled' or 'inactive'."""
    now = timezone.now()
    subscription = Subscription.objects.filter(pk=subscription_pk).first()
    if subscription is None or status(subscription, now) != "active":
        return "inactive"
    claim = Subscription.objects.filter(pk=subscription_pk)
    if subscription.throttling:
        from datetime import timedelta

        claim = claim.filter(
            Q(last_notification__isnull=True)
            | Q(last_notification__lte=now - timedelta(seconds=subscription.throttling))
        )
    if not claim.update(last_notification=now, times_sent=F("times_sent") + 1):
        return "throttled"
    ld = subscription.accept == "application/ld+json"
    extras = subscription.extras or {}
    context_value = extras.get("jsonldContext") or extras.get("context") or ngsild.CORE_CONTEXT
    ctx = jsonld.context(context_value)
    entities = list(Entity.objects.filter(pk__in=entity_pks).order_by("pk"))
    entities += [_Snapshot(item) for item in snapshots or []]
    options = _render_options(subscription, ctx)
    data = []
    for e in entities:
        shown = ngsild.render(e, **options)
        before = (previous or {}).get(str(getattr(e, "pk", ""))) or getattr(e, "previous", None)
        if before and extras.get("showChanges"):
            _show_previous(shown, before, ctx)
        if getattr(e, "deleted_at", None):  # the entity went
            core = ("id", "type", "createdAt", "modifiedAt")
            if "entityDeleted" in (extras.get("notificationTrigger") or []):
                if not extras.get("showChanges"):  # its attributes only to show what they were
                    shown = {k: v for k, v in shown.items() if k in core}
            elif subscription.watched_attributes:  # heard as attributeDeleted: the watched attributes went
                watched = {jsonld.from_storage(k, ctx) for k in subscription.watched_attributes}
                shown = {k: v for k, v in shown.items() if k in core or k in watched}
                for name in watched & set(shown) if extras.get("sysAttrs") else ():
                    if isinstance(shown[name], dict):
                        shown[name]["deletedAt"] = e.deleted_at
            shown = {"id": shown["id"], "type": shown["type"], "deletedAt": e.deleted_at, **shown}
        elif getattr(e, "deleted", None) and extras.get("sysAttrs"):
            for key in e.deleted:
                if isinstance(item := shown.get(jsonld.from_storage(key, ctx)), dict):
                    item["deletedAt"] = e.attributes_deleted_at
        data.append(shown)
    if extras.get("join"):
        data = joined(entities, data, extras["join"], extras.get("joinLevel", 1), options)
    body = {
        "id": f"urn:ngsi-ld:Notification:{uuid.uuid4()}",
        "type": "Notification",
        "subscriptionId": subscription.sub_id,
        "notifiedAt": ngsild.stamp(now),
        "data": data,
    }
    headers = {"Content-Type": subscription.accept}
    for pair in extras.get("receiverInfo", []):
        headers.setdefault(pair["key"], pair["value"])
    if ld:
        body["@context"] = context_value
        for item in data:
            item["@context"] = context_value
    else:
        link = context_value[0] if isinstance(context_value, list) and len(context_value) == 1 else context_value
        link = link if isinstance(link, str) else ngsild.CORE_CONTEXT
        headers["Link"] = f'<{link}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    request = urllib.request.Request(  # noqa: S310 (http or https only, checked when stored)
        subscription.endpoint, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        _refuse_local(urlsplit(subscription.endpoint).hostname or "", resolve=True)  # DNS may have changed
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=TIMEOUT_S) as response:
            ok = 200 <= response.status < 300
            reason = f"HTTP {response.status}"
    except NgsiError as exc:
        ok, reason = False, exc.detail
    except Exception as exc:  # unreachable, refused, timed out, HTTP error: recorded on the subscription
        ok, reason = False, str(exc)[:300]
    if ok:
        Subscription.objects.filter(pk=subscription_pk).update(last_success=timezone.now())
        return "sent"
    log.warning("notification for %s failed: %s", subscription.sub_id, reason)
    Subscription.objects.filter(pk=subscription_pk).update(last_failure=timezone.now(), last_failure_reason=reason)
    return "failed"
