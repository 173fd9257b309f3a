"""The permission matrix: every URL of the product × every role × read (GET) and write (POST), against the answer
declared here per route. A route without a declaration fails the suite, so a new page cannot ship without a rule.

"Allowed" means the request passed authentication and authorisation (any answer but 401, 403, 404 or a redirect to
the login page); "refused" means one of those. Objects are set in Đoàn Kết and routed to the urban-management
department, so the ward officer and the department officer see them and nobody else's scope is widened.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import POINT_DOAN_KET

ANON, CITIZEN, WARD, DEPT, OPERATOR, LEADER, ADMIN, WALL = (
    "anonymous",
    "citizen",
    "ward_officer",
    "department_officer",
    "operator",
    "leader",
    "admin",
    "wall",  # the big screen's view-only account: the wall, its feed and map layers, nothing else
)
EVERYONE = {ANON, CITIZEN, WARD, DEPT, OPERATOR, LEADER, ADMIN, WALL}
STAFF = {WARD, DEPT, OPERATOR, LEADER, ADMIN}
CITY_WIDE = {OPERATOR, LEADER, ADMIN}
OPS = {OPERATOR, ADMIN}
SCOPED = STAFF  # an object in the officers' own ward and department
NOBODY: set[str] = set()
SIGNED_IN = {CITIZEN, WALL, *STAFF}
WALL_VIEW = {WALL, OPERATOR, LEADER, ADMIN}
VIEWERS = {WALL, *STAFF}

# route pattern: (sample path with {placeholders}, who may read (GET), who may write (POST); None: no such method)
RULES: dict[str, tuple[str, set[str] | None, set[str] | None]] = {
    # core
    "": ("/", SIGNED_IN, None),  # the anonymous are sent to the login page, the wall to its view
    "accounts/login/": ("/accounts/login/", EVERYONE, EVERYONE),
    "accounts/logout/": ("/accounts/logout/?next=/phan-anh/", None, EVERYONE),
    "accounts/password/": ("/accounts/password/", SIGNED_IN, SIGNED_IN),
    "accounts/notifications/": ("/accounts/notifications/", SIGNED_IN, SIGNED_IN),
    # An invalid kiosk token: 404 for everyone (test_wall signs the wall in with a valid one).
    "wall/<str:token>/": ("/wall/not-a-token/", NOBODY, None),
    # Prometheus: the machine itself or an operator's bearer token (test_metrics); a browser session from another
    # address (these clients come from 10.9.9.9) is refused whatever its role.
    "metrics": ("/metrics", NOBODY, None),
    "i18n/setlang/": ("/i18n/setlang/", None, EVERYONE),
    # 404 for everyone until a base map is loaded; test_basemap reads tiles anonymously once one is.
    "basemap/<int:z>/<int:x>/<int:y>": ("/basemap/0/0/0", NOBODY, None),
    # dashboard
    "dashboard/": ("/dashboard/", STAFF, None),
    "dashboard/feed/": ("/dashboard/feed/", VIEWERS, None),
    "dashboard/feed/stamp/": ("/dashboard/feed/stamp/", VIEWERS, None),
    "dashboard/wall/": ("/dashboard/wall/", WALL_VIEW, None),
    "dashboard/wall/board/<str:key>/": ("/dashboard/wall/board/feedback/", WALL_VIEW, None),
    "dashboard/wall/pulse/": ("/dashboard/wall/pulse/", WALL_VIEW, None),
    "dashboard/alerts.csv": ("/dashboard/alerts.csv", STAFF, None),
    "dashboard/kpis/": ("/dashboard/kpis/", STAFF, None),
    "dashboard/kpis/choose/": ("/dashboard/kpis/choose/", None, STAFF),
    # The alert itself has no department (its incident has): the department officer does not see it.
    "dashboard/alerts/<int:pk>/": ("/dashboard/alerts/{alert}/", {WARD, *CITY_WIDE}, None),
    "dashboard/alerts/<int:pk>/acknowledge/": ("/dashboard/alerts/{alert}/acknowledge/", None, OPS),
    "dashboard/alerts/triage/": ("/dashboard/alerts/triage/", None, OPS),
    "dashboard/incidents/": ("/dashboard/incidents/", STAFF, None),
    "dashboard/incidents/<int:pk>/": ("/dashboard/incidents/{incident}/", SCOPED, None),
    "dashboard/incidents/<int:pk>/files/<int:event_pk>/": (
        "/dashboard/incidents/{incident}/files/{attachment}/",
        SCOPED,
        None,
    ),
    "dashboard/incidents/<int:pk>/<str:action>/": ("/dashboard/incidents/{incident}/note/", None, SCOPED),
    "dashboard/leader/": ("/dashboard/leader/", STAFF, None),  # each sees the figures of their own scope
    "dashboard/my-work/": ("/dashboard/my-work/", STAFF, None),
    "dashboard/briefing/": ("/dashboard/briefing/", STAFF, None),  # each reads their own scope
    "dashboard/manifest.webmanifest": ("/dashboard/manifest.webmanifest", EVERYONE, None),  # no data in it
    "dashboard/sw.js": ("/dashboard/sw.js", EVERYONE, None),
    # citizens' reports
    "phan-anh/": ("/phan-anh/", EVERYONE, None),
    "phan-anh/gui/": ("/phan-anh/gui/", EVERYONE, EVERYONE),
    "phan-anh/gan-day.json": ("/phan-anh/gan-day.json?lat=22.40&lon=103.45", EVERYONE, None),
    "phan-anh/ban-do.geojson": ("/phan-anh/ban-do.geojson", EVERYONE, None),
    "phan-anh/theo-doi/": ("/phan-anh/theo-doi/", EVERYONE, EVERYONE),
    "phan-anh/theo-doi/<str:code>/": ("/phan-anh/theo-doi/{tracking}/", EVERYONE, EVERYONE),
    "phan-anh/<int:pk>/": ("/phan-anh/{report}/", EVERYONE, None),
    "phan-anh/anh/<int:photo_id>.jpg": ("/phan-anh/anh/{photo}.jpg", EVERYONE, None),
    "phan-anh/manifest.webmanifest": ("/phan-anh/manifest.webmanifest", EVERYONE, None),
    "phan-anh/ket-qua/": ("/phan-anh/ket-qua/", EVERYONE, None),
    "phan-anh/dang-nhap/": ("/phan-anh/dang-nhap/", EVERYONE, EVERYONE),
    # Without a code asked for first, everyone is sent back to step one (test_citizen_accounts goes through both).
    "phan-anh/dang-nhap/ma/": ("/phan-anh/dang-nhap/ma/", NOBODY, NOBODY),
    # The city's single sign-on: 404 without a provider configured (test_sso runs one).
    "phan-anh/dang-nhap/sso/": ("/phan-anh/dang-nhap/sso/", NOBODY, None),
    "phan-anh/dang-nhap/sso/callback/": ("/phan-anh/dang-nhap/sso/callback/", NOBODY, None),
    "phan-anh/cua-toi/": ("/phan-anh/cua-toi/", SIGNED_IN, None),  # the anonymous are sent to the code sign-in
    "phan-anh/cua-toi/nhan/": ("/phan-anh/cua-toi/nhan/", None, SIGNED_IN),
    "phan-anh/sw.js": ("/phan-anh/sw.js", EVERYONE, None),
    "dashboard/feedback/": ("/dashboard/feedback/", STAFF, None),
    "dashboard/feedback/stats/": ("/dashboard/feedback/stats/", STAFF, None),
    "dashboard/feedback/<int:pk>/": ("/dashboard/feedback/{report}/", SCOPED, None),
    "dashboard/feedback/photos/<int:photo_id>.jpg": ("/dashboard/feedback/photos/{photo}.jpg", SCOPED, None),
    "dashboard/feedback/<int:pk>/moderate/": ("/dashboard/feedback/{report}/moderate/", None, OPS),
    "dashboard/feedback/<int:pk>/<str:action>/": ("/dashboard/feedback/{report}/triage/", None, SCOPED),
    "^open311/v2/discovery\\.(?P<fmt>[A-Za-z0-9]+)$": ("/open311/v2/discovery.json", EVERYONE, None),
    "^open311/v2/services\\.(?P<fmt>[A-Za-z0-9]+)$": ("/open311/v2/services.json", EVERYONE, None),
    "^open311/v2/services/(?P<code>[\\w-]+)\\.(?P<fmt>[A-Za-z0-9]+)$": (
        "/open311/v2/services/den-duong.json",
        EVERYONE,
        None,
    ),
    # Open311 POSTs need an api_key (a client application, not a role): without one every role is refused.
    "^open311/v2/requests\\.(?P<fmt>[A-Za-z0-9]+)$": ("/open311/v2/requests.json", EVERYONE, NOBODY),
    "^open311/v2/requests/(?P<request_id>\\d+)\\.(?P<fmt>[A-Za-z0-9]+)$": (
        "/open311/v2/requests/{report}.json",
        EVERYONE,
        None,
    ),
    "^open311/v2/tokens/(?P<token_id>[\\w-]+)\\.(?P<fmt>[A-Za-z0-9]+)$": (
        "/open311/v2/tokens/{tracking}.json",
        EVERYONE,
        None,
    ),
    "^open311/v2/servicerequestupdates\\.(?P<fmt>[A-Za-z0-9]+)$": (
        "/open311/v2/servicerequestupdates.json",
        EVERYONE,
        NOBODY,
    ),
    # hotline intake: operators only (the caller's history is personal data)
    "dashboard/hotline/": ("/dashboard/hotline/", OPS, None),
    "dashboard/hotline/call/": ("/dashboard/hotline/call/", OPS, OPS),
    "dashboard/hotline/caller/": ("/dashboard/hotline/caller/?caller_phone=0912345678", OPS, None),
    # directions: to Đoàn Kết (lead) with urban management supporting
    "dashboard/directions/": ("/dashboard/directions/", STAFF, None),
    "dashboard/directions/new/": ("/dashboard/directions/new/", CITY_WIDE, CITY_WIDE),
    "dashboard/directions/<int:pk>/": ("/dashboard/directions/{direction}/", STAFF, None),
    "dashboard/directions/<int:pk>/files/<int:event_pk>/": (
        "/dashboard/directions/{direction}/files/{direction_event}/",
        STAFF,
        None,
    ),
    # Only the units the direction is for acknowledge it.
    "dashboard/directions/<int:pk>/<str:action>/": (
        "/dashboard/directions/{direction}/acknowledge/",
        None,
        {WARD, DEPT},
    ),
    # public services
    "dashboard/publicservice/": ("/dashboard/publicservice/", STAFF, None),
    "dashboard/publicservice/late/": ("/dashboard/publicservice/late/", STAFF, None),
    "dashboard/publicservice/files/<str:code>/letter.pdf": (
        "/dashboard/publicservice/files/{file}/letter.pdf",
        {DEPT, *CITY_WIDE},  # the department's file, not the ward's
        None,
    ),
    "dashboard/publicservice/report.<str:fmt>": ("/dashboard/publicservice/report.pdf", STAFF, None),
    "dashboard/publicservice/import/": ("/dashboard/publicservice/import/", OPS, None),
    "dashboard/publicservice/import/upload/": ("/dashboard/publicservice/import/upload/", None, OPS),
    "dashboard/publicservice/import/<int:pk>/": ("/dashboard/publicservice/import/{import_run}/", OPS, None),
    # sensors
    "dashboard/sensors/": ("/dashboard/sensors/", STAFF, None),
    "dashboard/sensors/<int:pk>/": ("/dashboard/sensors/{entity}/", SCOPED, None),
    "dashboard/sensors/<int:pk>/edit/": ("/dashboard/sensors/{entity}/edit/", None, OPS),
    "dashboard/sensors/<int:pk>/rules/": ("/dashboard/sensors/{entity}/rules/", None, OPS),
    "dashboard/sensors/<int:pk>/rules/<int:rule_pk>/delete/": (
        "/dashboard/sensors/{entity}/rules/{rule}/delete/",
        None,
        OPS,
    ),
    "dashboard/sensors/import/": ("/dashboard/sensors/import/", OPS, OPS),
    "^ngsi-ld/v1/entities/?$": ("/ngsi-ld/v1/entities?type=RainGauge", STAFF, NOBODY),
    "^ngsi-ld/v1/entities/(?P<entity_id>[^/]*)/attrs/(?P<name>[^/]+)/?$": (
        "/ngsi-ld/v1/entities/{urn}/attrs/rain",
        OPS,  # a write-only resource: its role check comes before the method's
        NOBODY,
    ),
    "^ngsi-ld/v1/entities/(?P<entity_id>[^/]*)/attrs/?$": ("/ngsi-ld/v1/entities/{urn}/attrs", OPS, NOBODY),
    "^ngsi-ld/v1/entities/(?P<entity_id>[^/]*)/?$": ("/ngsi-ld/v1/entities/{urn}", STAFF, NOBODY),
    "^ngsi-ld/v1/entityOperations/(?P<operation>[^/]+)/?$": ("/ngsi-ld/v1/entityOperations/upsert", OPS, NOBODY),
    "^ngsi-ld/v1/subscriptions/?$": ("/ngsi-ld/v1/subscriptions", STAFF, NOBODY),
    "^ngsi-ld/v1/subscriptions/(?P<sub_id>[^/]+)/?$": (
        "/ngsi-ld/v1/subscriptions/{subscription}",
        {OPERATOR, ADMIN},  # a subscription is its owner's (the operator here) and the administrators'
        NOBODY,
    ),
    "^ngsi-ld/v1/temporal/entityOperations/(?P<operation>[^/]+)/?$": (
        "/ngsi-ld/v1/temporal/entityOperations/query",
        OPS,
        NOBODY,
    ),
    "^ngsi-ld/v1/temporal/entities/?$": ("/ngsi-ld/v1/temporal/entities?type=RainGauge", STAFF, None),
    "^ngsi-ld/v1/temporal/entities/(?P<entity_id>[^/]*)/?$": ("/ngsi-ld/v1/temporal/entities/{urn}", STAFF, None),
    # The temporal provision resources are write-only: their role check comes before the method's.
    "^ngsi-ld/v1/temporal/entities/(?P<entity_id>[^/]*)/attrs/?$": (
        "/ngsi-ld/v1/temporal/entities/{urn}/attrs",
        OPS,
        NOBODY,
    ),
    "^ngsi-ld/v1/temporal/entities/(?P<entity_id>[^/]*)/attrs/(?P<name>[^/]+)/?$": (
        "/ngsi-ld/v1/temporal/entities/{urn}/attrs/rain",
        OPS,
        NOBODY,
    ),
    "^ngsi-ld/v1/temporal/entities/(?P<entity_id>[^/]*)/attrs/(?P<name>[^/]*)/(?P<instance_id>[^/]+)/?$": (
        "/ngsi-ld/v1/temporal/entities/{urn}/attrs/rain/urn:ngsi-ld:Instance:1",
        OPS,
        NOBODY,
    ),
    "^ngsi-ld/v1/types/?$": ("/ngsi-ld/v1/types", STAFF, NOBODY),
    "^ngsi-ld/v1/types/(?P<name>.+?)/?$": ("/ngsi-ld/v1/types/RainGauge", STAFF, NOBODY),
    "^ngsi-ld/v1/attributes/?$": ("/ngsi-ld/v1/attributes", STAFF, NOBODY),
    "^ngsi-ld/v1/attributes/(?P<name>.+?)/?$": ("/ngsi-ld/v1/attributes/rain", STAFF, NOBODY),
    # Any other path under /ngsi-ld/: a ProblemDetails 404 for everyone.
    "^ngsi-ld/(?P<rest>.*)$": ("/ngsi-ld/v1/nothing-here", NOBODY, NOBODY),
    # cameras
    "dashboard/cameras/wall/": ("/dashboard/cameras/wall/", OPS, None),  # live pictures: operators only
    "dashboard/cameras/wall/status.json": ("/dashboard/cameras/wall/status.json?ids={camera}", OPS, None),
    "dashboard/cameras/": ("/dashboard/cameras/", STAFF, None),
    "dashboard/cameras/<int:pk>/": ("/dashboard/cameras/{camera}/", STAFF, None),
    "dashboard/cameras/snapshots/<int:pk>.jpg": ("/dashboard/cameras/snapshots/{snapshot}.jpg", OPS, None),
    "dashboard/cameras/<int:pk>/setup/": ("/dashboard/cameras/{camera}/setup/", OPS, OPS),
    "dashboard/cameras/<int:pk>/setup/<str:kind>/<int:item_pk>/delete/": (
        "/dashboard/cameras/{camera}/setup/line/{line}/delete/",
        None,
        OPS,
    ),
    "dashboard/cameras/<int:pk>/live.jpg": ("/dashboard/cameras/{camera}/live.jpg", OPS, None),
    # lighting
    "dashboard/lighting/": ("/dashboard/lighting/", STAFF, None),
    "dashboard/lighting/circuits/<int:pk>/override/": ("/dashboard/lighting/circuits/{circuit}/override/", None, OPS),
    "dashboard/lighting/lamps/<int:pk>/": ("/dashboard/lighting/lamps/{lamp}/", STAFF, OPS),
    "dashboard/lighting/import/": ("/dashboard/lighting/import/", OPS, OPS),
    "dashboard/lighting/rules/": ("/dashboard/lighting/rules/", STAFF, OPS),
    "dashboard/lighting/rules/<int:pk>/<str:action>/": ("/dashboard/lighting/rules/{schedule}/toggle/", None, OPS),
    "dashboard/lighting/export.<str:fmt>": ("/dashboard/lighting/export.csv", STAFF, None),  # assets, no one's data
    "dashboard/lighting/report/<int:year>-<int:month>.<str:fmt>": (
        "/dashboard/lighting/report/2026-11.pdf",
        STAFF,
        None,
    ),
    # online media: the IOC and leaders see every keyword set, a department its own (the article was found by the
    # urban-management department's set); wards have none
    "dashboard/media/": ("/dashboard/media/", {DEPT, *CITY_WIDE}, None),
    "dashboard/media/articles/<int:pk>/": ("/dashboard/media/articles/{media_article}/", {DEPT, *CITY_WIDE}, None),
    "dashboard/media/submit/": ("/dashboard/media/submit/", None, {DEPT, *CITY_WIDE}),
    "dashboard/media/articles/<int:pk>/label/": (
        "/dashboard/media/articles/{media_article}/label/",
        None,
        {DEPT, *OPS},
    ),
    "dashboard/media/sources/": ("/dashboard/media/sources/", OPS, None),
    "dashboard/media/import/": ("/dashboard/media/import/", OPS, OPS),
    "dashboard/media/report/<str:period>.<str:fmt>": ("/dashboard/media/report/week.pdf", {DEPT, *CITY_WIDE}, None),
}
RULES.update(
    {
        # the JSON API (browser session here; bearer tokens carry the same roles)
        "api/": ("/api/", NOBODY, None),  # no page at the bare root: a 404 for everyone
        "api/openapi.json": ("/api/openapi.json", EVERYONE, None),
        "api/docs": ("/api/docs", EVERYONE, None),
        "api/health": ("/api/health", EVERYONE, None),
        "api/alerts": ("/api/alerts", STAFF, OPS),
        "api/alerts/<alert_id>": ("/api/alerts/{alert}", {WARD, *CITY_WIDE}, None),
        "api/alerts/<alert_id>/acknowledge": ("/api/alerts/{alert}/acknowledge", None, OPS),
        "api/incidents": ("/api/incidents", STAFF, None),
        "api/incidents/<incident_id>": ("/api/incidents/{incident}", SCOPED, None),
        "api/incidents/<incident_id>/assign": ("/api/incidents/{incident}/assign", None, OPS),
        "api/incidents/<incident_id>/escalate": ("/api/incidents/{incident}/escalate", None, {*OPS, LEADER}),
        # those who work on it — leaders escalate, they do not write the timeline
        "api/incidents/<incident_id>/notes": ("/api/incidents/{incident}/notes", None, SCOPED - {LEADER}),
        "api/incidents/<incident_id>/close": ("/api/incidents/{incident}/close", None, SCOPED - {LEADER}),
        "api/units": ("/api/units", EVERYONE, None),
        "api/units/lookup": ("/api/units/lookup?lat=22.40&lon=103.45", EVERYONE, None),
        "api/layers": ("/api/layers", STAFF, None),
        "api/layers/<key>": ("/api/layers/core.alerts", VIEWERS, None),
        "api/kpis": ("/api/kpis", STAFF, None),
        "api/calendar/deadline": ("/api/calendar/deadline?start=2026-11-25&working_days=3", EVERYONE, None),
        "api/hotline/calls": ("/api/hotline/calls", STAFF, OPS),
        "api/hotline/calls/<call_id>": ("/api/hotline/calls/{call}", SCOPED, None),
        "api/feedback/stats": ("/api/feedback/stats", STAFF, None),
        "api/publicservice/indicators": ("/api/publicservice/indicators?from=2026-01-01&to=2026-03-31", STAFF, None),
        "api/publicservice/files/<code>": ("/api/publicservice/files/{file}", {DEPT, *CITY_WIDE}, None),
        "api/publicservice/files": ("/api/publicservice/files", None, OPS),
        "api/lighting/plan": ("/api/lighting/plan?date=2026-11-25", STAFF, None),
        "api/lighting/telemetry": ("/api/lighting/telemetry", None, OPS),
        "api/lighting/overrides": ("/api/lighting/overrides", None, OPS),
        "api/lighting/commands": ("/api/lighting/commands", None, OPS),
        "api/lighting/acks": ("/api/lighting/acks", None, OPS),
    }
)

# JSON bodies for the API's writes: valid, so that a refusal can only come from the caller's role.
API_BODIES = {
    "api/alerts": {"title": "Kiểm tra", "source": "matrix", "lat": POINT_DOAN_KET[0], "lon": POINT_DOAN_KET[1]},
    "api/incidents/<incident_id>/assign": {"department": "quan-ly-do-thi"},
    "api/incidents/<incident_id>/escalate": {"reason": "Kiểm tra"},
    "api/incidents/<incident_id>/notes": {"text": "Kiểm tra"},
    "api/incidents/<incident_id>/close": {"resolution": "Kiểm tra"},
    "api/hotline/calls": {
        "channel": "1022",
        "topic": "infrastructure",
        "summary": "Kiểm tra",
        "lat": POINT_DOAN_KET[0],
        "lon": POINT_DOAN_KET[1],
    },
    "api/publicservice/files": [],
    "api/lighting/telemetry": [],
    "api/lighting/overrides": {"circuit": "{circuit}", "level": 50, "minutes": 10},
    "api/lighting/commands": {"lamp": "{lamp_code}", "level": 50},
    "api/lighting/acks": {"command": "{command}", "lamp": "{lamp_code}"},
}
# Writes that use their object up (a delete, an acknowledgement): a fresh one for each role's try.
FRESH = {
    "dashboard/sensors/<int:pk>/rules/<int:rule_pk>/delete/": lambda w: {"rule": _sensor_rule(w).pk},
    "dashboard/cameras/<int:pk>/setup/<str:kind>/<int:item_pk>/delete/": lambda w: {"line": _line(w).pk},
    "api/lighting/acks": lambda w: {"command": _command(w).pk},
}


def _sensor_rule(world):
    from ioc.sensors.models import Rule

    return Rule.objects.create(name="Mưa", entity_id=world["entity"], attr="rain", threshold=50, clear_at=30)


def _line(world):
    from ioc.cameras.models import CountLine

    return CountLine.objects.create(camera_id=world["camera"], name="Vạch", x1=0, y1=0.5, x2=1, y2=0.5)


def _command(world):
    from ioc.lighting.models import Command

    return Command.objects.create(lamp_id=world["lamp"], level=40)


ADMIN_PREFIX = "admin/"  # the Django admin: administrators only, every page of it


def _patterns(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_every_route_has_a_declared_rule():
    """A new page or API route fails here until its rule is written in RULES."""
    routes = {r for r in _patterns() if not r.startswith((ADMIN_PREFIX, "static/"))}
    assert sorted(routes - set(RULES)) == []
    assert sorted(set(RULES) - routes) == []  # no rule for a route that no longer exists


@pytest.fixture
def world(users, units, django_capture_on_commit_callbacks):
    """One object of every kind, in Đoàn Kết and routed to the urban-management department."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from ioc.cameras.models import Camera, CountLine, Snapshot
    from ioc.cameras.services import live_frame_path
    from ioc.core.models import Department
    from ioc.core.services import alerts
    from ioc.feedback.defaults import ensure_default_categories
    from ioc.feedback.models import Category
    from ioc.feedback.services import submit_report
    from ioc.hotline.services import record_call
    from ioc.lighting.models import Cabinet, Circuit, Lamp, ScheduleRule
    from ioc.publicservice.defaults import ensure_defaults
    from ioc.publicservice.importer import import_files
    from ioc.publicservice.models import ImportRun
    from ioc.sensors.models import Entity, Rule, Subscription
    from tests.feedback.conftest import make_photo
    from tests.publicservice.conftest import export, row

    lat, lon = POINT_DOAN_KET
    department = Department.objects.get(code="quan-ly-do-thi")
    with django_capture_on_commit_callbacks(execute=True):
        alert = alerts.record_alert(kind="core.manual", source="matrix", title="Cây đổ", lat=lat, lon=lon)
        incident = alerts.acknowledge_alert(alert, users["operator"])
        alerts.assign_incident(incident, users["operator"], department=department)
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        attachment = alerts.attach_file(incident, users["operator"], SimpleUploadedFile("a.png", png, "image/png"))
        ensure_default_categories()
        report = submit_report(
            category=Category.objects.get(code="den-duong"),
            description="Đèn tắt",
            lat=lat,
            lon=lon,
            attributes={"tinh_trang": "tat"},
            photos=[make_photo()],
        )
        call = record_call(channel="1022", topic="infrastructure", summary="Ổ gà", lat=lat, lon=lon)
    ensure_defaults()
    import_files(export([row("DK-9", status=4), row("QL-9", status=4, DonViXuLy=department.name, MaDonVi="")]), "x.csv")
    entity = Entity.objects.create(
        entity_id="urn:ngsi-ld:RainGauge:m1",
        type="RainGauge",
        lat=lat,
        lon=lon,
        unit=units["Đoàn Kết"],
        attrs={"rain": {"type": "Property", "value": 1.5}},
    )
    entity.department = department
    entity.save()
    rule = Rule.objects.create(name="Mưa", entity=entity, attr="rain", threshold=50, clear_at=30)
    subscription = Subscription.objects.create(
        sub_id="urn:ngsi-ld:Subscription:m1",
        entities=[{"type": "RainGauge"}],
        endpoint="https://example.org/n",
        owner=users["operator"],
    )
    camera = Camera.objects.create(
        name="Ngã tư", stream_url="rtsp://example.invalid/x", lat=lat, lon=lon, unit=units["Đoàn Kết"]
    )
    line = CountLine.objects.create(camera=camera, name="Vạch", x1=0, y1=0.5, x2=1, y2=0.5)
    snapshot = Snapshot(camera=camera, taken_at=timezone.now())
    snapshot.image.save("s.jpg", ContentFile(make_photo().read()), save=True)
    live = live_frame_path(camera.pk)
    live.parent.mkdir(parents=True, exist_ok=True)
    live.write_bytes(make_photo().read())
    cabinet = Cabinet.objects.create(code="TDM", name="Tủ", lat=lat, lon=lon)
    circuit = Circuit.objects.create(cabinet=cabinet, code="TDM-1", road_class="main", name="Tuyến")
    lamp = Lamp.objects.create(code="TDM-1-1", circuit=circuit, lat=lat, lon=lon, rated_w=100)
    schedule = ScheduleRule.objects.create(name="Thiên văn", kind="astro")
    from ioc.media.models import KeywordSet
    from ioc.media.services import ingest_article, save_keyword_set

    save_keyword_set(None, KeywordSet(name="Đô thị", terms="vỉa hè", department=department))
    media_article = ingest_article(
        url="https://baolaichau.vn/via-he.html",
        title="Lấn chiếm vỉa hè ở Đoàn Kết",
        text="Nhiều hộ kinh doanh lấn chiếm vỉa hè trên đường Trần Hưng Đạo, phường Đoàn Kết.",
        published_at=timezone.now(),
        via="feed",
    ).article
    from ioc.directions import services as directions

    direction = directions.issue(
        users["leader"],
        title="Kiểm tra",
        instruction="Kiểm tra điểm sạt lở",
        lead=[units["Đoàn Kết"]],
        support=[department],
        working_days=2,
    )
    reported = directions.report(
        users["ward_officer"], direction, "Đã kiểm tra", upload=SimpleUploadedFile("a.png", png, "image/png")
    )
    return {
        "direction": direction.pk,
        "direction_event": reported.events.exclude(attachment="").get().pk,
        "alert": alert.pk,
        "incident": incident.pk,
        "attachment": attachment.pk,
        "report": report.pk,
        "tracking": report.tracking_code,
        "photo": report.photos.first().pk,
        "call": call.pk,
        "file": "QL-9",
        "import_run": ImportRun.objects.first().pk,
        "entity": entity.pk,
        "urn": entity.entity_id,
        "rule": rule.pk,
        "camera": camera.pk,
        "line": line.pk,
        "snapshot": snapshot.pk,
        "circuit": circuit.pk,
        "lamp": lamp.pk,
        "lamp_code": lamp.code,
        "schedule": schedule.pk,
        "subscription": subscription.sub_id,
        "command": 0,
        "media_article": media_article.pk,
    }


def _fill(value, world):
    if isinstance(value, str):
        filled = value.format(**world)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


def _client(role, users):
    client = Client(REMOTE_ADDR="10.9.9.9")
    if role != ANON:
        client.force_login(users[role])
    return client


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/phan-anh/dang-nhap/" in location)


def test_every_role_gets_the_declared_answer_on_every_route(world, users, settings):
    """Read (GET) and write (POST) of every route for the eight roles; lists every mismatch at once."""
    import json

    from django.core.cache import cache

    settings.IOC = {**settings.IOC, "RATE_PUBLIC": "100000/m", "RATE_LOGIN": "100000/m", "RATE_REPORT": "100000/h"}
    mismatches, tried = [], 0
    for route, (sample, readers, writers) in RULES.items():
        for method, allowed in (("GET", readers), ("POST", writers)):
            if allowed is None:
                continue
            for role in sorted(EVERYONE):
                cache.clear()
                objects = {**world, **FRESH[route](world)} if route in FRESH and method == "POST" else world
                path = sample.format(**objects)
                client = _client(role, users)
                if method == "GET":
                    response = client.get(path)
                elif route in API_BODIES:
                    body = json.dumps(_fill(API_BODIES[route], objects))
                    response = client.post(path, body, content_type="application/json")
                else:
                    response = client.post(path, {})
                tried += 1
                expected_refused = role not in allowed
                if _refused(response) != expected_refused:
                    outcome = "refused" if _refused(response) else "allowed"
                    mismatches.append(f"{method} {path} as {role}: {outcome} ({response.status_code})")
    assert tried > 500
    assert mismatches == [], "\n".join(mismatches)


def test_the_admin_is_for_administrators_only(users, world):
    from django.urls import reverse

    pages = [
        reverse("admin:index"),
        reverse("admin:core_auditlog_changelist"),
        reverse("admin:core_loginlock_changelist"),
    ]
    for role in sorted(EVERYONE):
        client = _client(role, users)
        for page in pages:
            response = client.get(page)
            allowed = response.status_code == 200
            assert allowed == (role == ADMIN), (role, page, response.status_code)
