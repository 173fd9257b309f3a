"""The big-screen wall: the map, the live feed and each domain's board in turn, readable from three metres.

It opens on a kiosk URL that signs the wall's own view-only account in, so the display PC needs no keyboard; the
link stops working when that account's password changes. The page survives a network blip: it keeps asking
(`pulse`), shows how old its data is while it cannot, and reloads what it shows once the server answers again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.cache import never_cache

from ioc.core import selectors
from ioc.core.guards import roles_required
from ioc.core.models import Role
from ioc.core.permissions import WALL_ROLES, role_of
from ioc.core.registry import registry
from ioc.core.services import audit

SALT = "ioc.dashboard.wall"
wall_required = roles_required(WALL_ROLES)


def _password_mark(user) -> str:
    return salted_hmac(SALT, user.password).hexdigest()[:20]


def kiosk_token(user) -> str:
    """The kiosk link's token for a wall account; changing the account's password revokes it."""
    if role_of(user) != Role.WALL:
        raise ValueError("kiosk links are for wall display accounts only")
    return signing.dumps({"u": user.pk, "p": _password_mark(user)}, salt=SALT)


def kiosk_url(user) -> str:
    return f"{settings.IOC['BASE_URL']}/wall/{kiosk_token(user)}/"


@never_cache
def kiosk_login(request, token: str):
    """Sign the wall account in from its kiosk link, then show the wall."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or role_of(user) != Role.WALL or not constant_time_compare(_password_mark(user), data.get("p", "")):
        raise Http404
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit.record(user, "wall.kiosk_login", user, request=request)
    return redirect("dashboard:wall")


def boards() -> list[dict]:
    """The boards the wall rotates through: every domain with tiles, alerts or a board of its own."""
    return [
        {"key": d.key, "label": str(d.label), "icon": d.icon}
        for d in registry
        if d.key != "core" and (d.tiles or d.alert_kinds or d.board)
    ]


@wall_required
def wall(request):
    from ioc.dashboard.views import map_config

    config = map_config()
    config["layers"] = [layer for layer in config["layers"] if layer["visible"]]
    return render(
        request,
        "dashboard/wall.html",
        {
            "map_config": config,
            "boards": boards(),
            "rotate_seconds": settings.IOC["WALL_ROTATE_SECONDS"],
            "tiles": [{"tile": t, "value": t.value(request.user, None)} for t in registry.get("core").tiles],
        },
    )


@wall_required
def board(request, key: str):
    """One domain's board: its KPI tiles, its newest open alerts, and the lines its own board hook adds."""
    if key not in registry or key == "core":
        raise Http404
    domain = registry.get(key)
    alerts = (
        selectors.visible_alerts(request.user, selectors.Filters(domain=key, open_only=True))
        .filter(parent__isnull=True)
        .order_by("priority", "-last_seen_at")[:5]
    )
    hook = domain.hook("board")
    return render(
        request,
        "dashboard/_wall_board.html",
        {
            "domain": domain,
            "tiles": [{"tile": t, "value": t.value(request.user, None)} for t in domain.tiles],
            "alerts": alerts,
            "lines": hook(request.user) if hook else [],
        },
    )


@wall_required
def pulse(request):
    """The wall's heartbeat: the server's time and the core figures, asked every few seconds."""
    return JsonResponse(
        {
            "now": timezone.now().isoformat(),
            "tiles": {t.key: t.value(request.user, None) for t in registry.get("core").tiles},
        },
        headers={"Cache-Control": "no-store"},
    )
