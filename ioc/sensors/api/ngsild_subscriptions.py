"""NGSI-LD /subscriptions: create, list, read, update (PATCH a fragment) and delete.

A subscription belongs to the token's user; administrators see every subscription, others only their own.
Writes need an operator or administrator token, like every NGSI-LD write.
"""

from __future__ import annotations

from django.http import HttpResponse

from ioc.core.models import Role
from ioc.core.permissions import role_of
from ioc.sensors import subscriptions
from ioc.sensors.api.ngsild import MAX_LIMIT, _body, _int, _json, _wants_ld, endpoint
from ioc.sensors.models import Subscription
from ioc.sensors.ngsild import NgsiError


def _visible(user):
    qs = Subscription.objects.order_by("id")
    return qs if role_of(user) == Role.ADMIN else qs.filter(owner=user)


def _one(request, sub_id) -> Subscription:
    found = _visible(request.ngsi_user).filter(sub_id=sub_id).first()
    if found is None:
        raise NgsiError("ResourceNotFound", f"subscription {sub_id} does not exist")
    return found


@endpoint()
def subscription_list(request):
    if request.method == "POST":
        body = _body(request)
        item = subscriptions.create_subscription(body, by=request.ngsi_user, request=request)
        return HttpResponse(status=201, headers={"Location": f"/ngsi-ld/v1/subscriptions/{item.sub_id}"})
    if request.method != "GET":
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported here")
    limit = _int(request.GET.get("limit"), "limit", 20, 0, MAX_LIMIT)
    offset = _int(request.GET.get("offset"), "offset", 0, 0, 10_000_000)
    qs = _visible(request.ngsi_user)
    page = [subscriptions.render(s, _wants_ld(request)) for s in qs[offset : offset + limit]]
    headers = {"NGSILD-Results-Count": str(qs.count())} if request.GET.get("count") == "true" else None
    return _json(page, request, headers=headers)


@endpoint()
def subscription_detail(request, sub_id):
    if request.method == "GET":
        return _json(subscriptions.render(_one(request, sub_id), _wants_ld(request)), request)
    if request.method not in ("PATCH", "DELETE"):
        raise NgsiError("OperationNotSupported", f"{request.method} is not supported on a subscription")
    if role_of(request.ngsi_user) not in (Role.ADMIN, Role.OPERATOR):
        raise NgsiError("Forbidden", "This token may not do this")
    item = _one(request, sub_id)
    if request.method == "DELETE":
        subscriptions.delete_subscription(item, by=request.ngsi_user, request=request)
    else:
        subscriptions.update_subscription(item, _body(request), by=request.ngsi_user, request=request)
    return HttpResponse(status=204)
