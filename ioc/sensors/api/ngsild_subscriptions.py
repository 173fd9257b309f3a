"""NGSI-LD /subscriptions: create, list, read, update (PATCH a fragment) and delete.

A subscription belongs to the token's user; administrators see every subscription, others only their own.
Writes need an operator or administrator token, like every NGSI-LD write.
"""

from __future__ import annotations

from django.http import HttpResponse

from ioc.core.models import Role
from ioc.core.permissions import role_of
from ioc.sensors import ngsild, subscriptions
from ioc.sensors.api.common import (
    MAX_LIMIT,
    answer,
    body_of,
    endpoint,
    page_links,
    request_context,
    wants_ld,
    whole_number,
)
from ioc.sensors.models import Subscription
from ioc.sensors.ngsild import NgsiError


def _visible(user):
    qs = Subscription.objects.order_by("id")
    return qs if role_of(user) == Role.ADMIN else qs.filter(owner=user)


def _one(request, sub_id) -> Subscription:
    ngsild.check_id(sub_id, "the subscription id")
    found = _visible(request.ngsi_user).filter(sub_id=sub_id).first()
    if found is None:
        raise NgsiError("ResourceNotFound", f"subscription {sub_id} does not exist")
    return found


@endpoint(params={"limit", "offset", "count", "local"})
def subscription_list(request):
    if request.method == "POST":
        body = body_of(request)
        ctx = request_context(request, body)
        item = subscriptions.create_subscription(body, by=request.ngsi_user, request=request, ctx=ctx)
        return HttpResponse(status=201, headers={"Location": f"/ngsi-ld/v1/subscriptions/{item.sub_id}"})
    if request.method != "GET":
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported here")
    limit = whole_number(request.GET.get("limit"), "limit", 20, 0, MAX_LIMIT)
    offset = whole_number(request.GET.get("offset"), "offset", 0, 0, 10_000_000)
    qs = _visible(request.ngsi_user)
    ctx = request_context(request)  # the reader's terms (the core context's without a Link)
    page = [subscriptions.render(s, wants_ld(request), ctx) for s in qs[offset : offset + limit]]
    total = qs.count()
    headers = page_links(request, offset, limit, total)
    if request.GET.get("count") == "true":
        headers["NGSILD-Results-Count"] = str(total)
    return answer(page, request, headers=headers)


@endpoint(params={"local"})
def subscription_detail(request, sub_id):
    if request.method == "GET":
        ctx = request_context(request)  # the reader's terms (the core context's without a Link)
        return answer(subscriptions.render(_one(request, sub_id), wants_ld(request), ctx), request)
    if request.method not in ("PATCH", "DELETE"):
        raise NgsiError("MethodNotAllowed", f"{request.method} is not supported on a subscription")
    if role_of(request.ngsi_user) not in (Role.ADMIN, Role.OPERATOR):
        raise NgsiError("Forbidden", "This token may not do this")
    item = _one(request, sub_id)
    if request.method == "DELETE":
        subscriptions.delete_subscription(item, by=request.ngsi_user, request=request)
    else:
        body = body_of(request)
        ctx = request_context(request, body)
        subscriptions.update_subscription(item, body, by=request.ngsi_user, request=request, ctx=ctx)
    return HttpResponse(status=204)
