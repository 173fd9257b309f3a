"""The dashboard pages as an operator, an officer and a leader use them (server side; the browser tests click)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from ioc.core.models import Department, Incident
from ioc.core.services.alerts import acknowledge_alert, record_alert
from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG


def an_alert(title="Cây đổ chắn đường", point=POINT_DOAN_KET, **kw):
    return record_alert(kind="core.manual", source=title, title=title, lat=point[0], lon=point[1], **kw)


def test_map_page_has_the_registry_layers_and_tiles(users, client_for):
    page = client_for(users["operator"]).get("/dashboard/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '"core.units"' in html and '"hotline.calls"' in html
    # The operator's few tiles on the strip; the others one click away, not on the strip.
    assert 'data-kpi="core.open_alerts"' in html and 'data-kpi="hotline.calls_today"' not in html
    assert "Phường Đoàn Kết" in html  # the unit filter


def test_each_user_chooses_the_tiles_on_their_strip(users, client_for, settings):
    client = client_for(users["operator"])
    tiles = settings.IOC["ROLE_TILES"]["operator"]
    strip = client.get("/dashboard/kpis/").content.decode()
    assert strip.count("data-kpi=") == len(tiles)
    more = client.get("/dashboard/kpis/?more=1").content.decode()
    assert 'data-kpi="hotline.calls_today"' in more and 'data-kpi="core.open_alerts"' not in more
    response = client.post(
        "/dashboard/kpis/choose/", {"tiles": ["hotline.calls_today", "core.open_alerts"], "next": "/dashboard/?unit=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/?unit=1"
    strip = client.get("/dashboard/kpis/").content.decode()
    assert strip.count("data-kpi=") == 2 and 'data-kpi="hotline.calls_today"' in strip
    # Somewhere else is not a place to be sent back to; an unknown tile is refused with a message.
    response = client.post("/dashboard/kpis/choose/", {"tiles": ["nope.tile"], "next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/kpis/").content.decode().count("data-kpi=") == 2
    client.post("/dashboard/kpis/choose/", {"reset": "1"})
    assert client.get("/dashboard/kpis/").content.decode().count("data-kpi=") == len(tiles)
    leader_strip = client_for(users["leader"]).get("/dashboard/kpis/").content.decode()
    assert leader_strip.count("data-kpi=") == len(settings.IOC["ROLE_TILES"]["leader"])


def test_feed_filters_by_unit_and_severity(users, client_for, units):
    an_alert("Ở Đoàn Kết")
    an_alert("Ở Tân Phong", POINT_TAN_PHONG, severity="critical")
    client = client_for(users["operator"])
    assert "Ở Tân Phong" in client.get("/dashboard/feed/").content.decode()
    only_dk = client.get(f"/dashboard/feed/?unit={units['Đoàn Kết'].pk}").content.decode()
    assert "Ở Đoàn Kết" in only_dk and "Ở Tân Phong" not in only_dk
    critical = client.get("/dashboard/feed/?severity=4").content.decode()
    assert "Ở Tân Phong" in critical and "Ở Đoàn Kết" not in critical
    empty = client.get("/dashboard/feed/?domain=hotline").content.decode()
    assert "empty" in empty


def test_operator_acknowledges_assigns_notes_attaches_and_closes_through_the_pages(users, client_for):
    client = client_for(users["operator"])
    alert = an_alert()
    response = client.post(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    incident = Incident.objects.get()
    assert response.url == f"/dashboard/incidents/{incident.pk}/"
    dept = Department.objects.get(code="quan-ly-do-thi")
    client.post(
        f"/dashboard/incidents/{incident.pk}/assign/", {"department": dept.pk, "working_days": 2, "note": "Gấp"}
    )
    client.post(f"/dashboard/incidents/{incident.pk}/note/", {"text": "Đang xử lý"})
    client.post(
        f"/dashboard/incidents/{incident.pk}/attach/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf"), "text": "Biên bản"},
    )
    client.post(f"/dashboard/incidents/{incident.pk}/sop/", {"step": 1, "done": "1"})
    page = client.get(f"/dashboard/incidents/{incident.pk}/").content.decode()
    assert dept.name in page and "Đang xử lý" in page and "Biên bản" in page and "☑" in page
    client.post(f"/dashboard/incidents/{incident.pk}/close/", {"resolution": "Đã dọn xong"})
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.resolution == "Đã dọn xong"


def test_a_refused_action_shows_a_readable_message(users, client_for):
    client = client_for(users["operator"])
    incident = acknowledge_alert(an_alert(), users["operator"])
    response = client.post(f"/dashboard/incidents/{incident.pk}/close/", {"resolution": ""}, follow=True)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    bad_upload = client.post(
        f"/dashboard/incidents/{incident.pk}/attach/",
        {"file": SimpleUploadedFile("x.png", b"GIF89a....", "image/png")},
        follow=True,
    )
    assert "JPEG, PNG, PDF" in bad_upload.content.decode()
    assert client.post(f"/dashboard/incidents/{incident.pk}/explode/").status_code == 403


def test_leader_view_drills_down_by_unit_and_field(users, client_for, units):
    an_alert("A")
    an_alert("B", POINT_TAN_PHONG)
    client = client_for(users["leader"])
    city = client.get("/dashboard/leader/").content.decode()
    assert 'id="by-unit"' in city and '<svg class="bars" id="trend"' in city
    ward = client.get(f"/dashboard/leader/?unit={units['Đoàn Kết'].pk}").content.decode()
    assert "<h1>Phường Đoàn Kết" in ward
    field = client.get("/dashboard/leader/?domain=hotline&unit=").content.decode()
    assert "Hotline" in field or "Đường dây nóng" in field


def test_the_leader_view_says_whose_figures_it_shows(users, client_for):
    """A ward officer's figures are their ward's: the page must not call them the whole city's."""
    city = client_for(users["leader"]).get("/dashboard/leader/").content.decode()
    assert "<h1>Toàn thành phố" in city and "Số liệu của: Toàn thành phố" in city
    ward = client_for(users["ward_officer"]).get("/dashboard/leader/").content.decode()
    assert "<h1>Phường Đoàn Kết" in ward and "Toàn thành phố" not in ward
    department = client_for(users["department_officer"]).get("/dashboard/leader/").content.decode()
    assert "Số liệu của: Phòng Quản lý đô thị" in department


def test_pages_show_readable_errors_not_tracebacks(users, client_for):
    client = client_for(users["operator"])
    missing = client.get("/dashboard/incidents/99999/")
    assert missing.status_code == 404
    citizen = client_for(users["citizen"]).get("/dashboard/")
    assert citizen.status_code == 403 and "Traceback" not in citizen.content.decode()


def test_notifications_page(users, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # notifications go out when the alert commits
        an_alert(severity="critical")  # priority 1: at once, not in the next digest
    client = client_for(users["operator"])
    page = client.get("/accounts/notifications/").content.decode()
    assert "Cây đổ chắn đường" in page
    client.post("/accounts/notifications/")
    assert users["operator"].notifications.filter(read_at__isnull=True).count() == 0


def test_a_ward_officers_map_opens_on_their_ward(users, client_for, units):
    page = client_for(users["ward_officer"]).get("/dashboard/").content.decode()
    assert f'<option value="{units["Đoàn Kết"].pk}" selected>' in page
    page = client_for(users["operator"]).get("/dashboard/").content.decode()
    assert "selected>Phường" not in page  # the operator's opens on the whole city
    strip = client_for(users["ward_officer"]).get("/dashboard/kpis/").content.decode()
    assert 'data-kpi="publicservice.processing"' in strip


def test_figures_are_judged_against_their_targets(users):
    from ioc.core.models import KpiTarget
    from ioc.core.selectors import kpi_target
    from ioc.dashboard.selectors import rag

    assert kpi_target("publicservice.on_time") == (95.0, 5.0)  # the plan's default
    assert [rag(v, "high", (95, 5)) for v in (97, 92, 80, None)] == ["green", "amber", "red", ""]
    assert [rag(v, "low", (0, 2)) for v in (0, 2, 3)] == ["green", "amber", "red"]
    KpiTarget.objects.create(key="publicservice.on_time", target=98, amber_margin=1)
    assert kpi_target("publicservice.on_time") == (98.0, 1.0)  # the administrator's
    assert kpi_target("nothing.here") is None


def test_the_headline_shows_the_change_against_the_period_before(users, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from ioc.directions import services as directions
    from ioc.directions.models import Direction

    leader = users["leader"]
    done = []
    for days_ago, late in ((45, False), (40, True), (5, False)):  # before: 1 of 2 on time; now: 1 of 1
        d = directions.issue(
            leader, title="Kiểm tra", instruction="Kiểm tra", lead=[users["ward_officer"].profile.unit], hours=4
        )
        closed = timezone.now() - timedelta(days=days_ago)
        Direction.objects.filter(pk=d.pk).update(
            status=Direction.Status.ACCEPTED, closed_at=closed, due_at=closed + timedelta(hours=-1 if late else 1)
        )
        done.append(d)
    leader.profile.kpi_tiles = ["directions.on_time"]
    leader.profile.save()
    page = client_for(leader).get("/dashboard/leader/").content.decode()
    assert "100,0%" in page and "▲ +50,0" in page and "rag-green" in page and "chỉ tiêu ≥ 90%" in page


def test_an_officer_sees_their_own_queue_with_deadlines(users, client_for, units, django_capture_on_commit_callbacks):
    from ioc.core.models import Department
    from ioc.core.services import alerts as svc
    from ioc.directions import services as directions

    alert = an_alert("Cây đổ")
    incident = svc.acknowledge_alert(alert, users["operator"])
    svc.assign_incident(incident, users["operator"], department=Department.objects.get(code="quan-ly-do-thi"))
    directions.issue(users["leader"], title="Dọn cây đổ", instruction="Dọn ngay", lead=[units["Đoàn Kết"]], hours=3)
    page = client_for(users["department_officer"]).get("/dashboard/my-work/").content.decode()
    assert "Cây đổ" in page and "Dọn cây đổ" not in page  # the direction is the ward's, not the department's
    page = client_for(users["ward_officer"]).get("/dashboard/my-work/").content.decode()
    assert "Dọn cây đổ" in page and 'class="clock" data-due=' in page and "Việc của tôi" in page


def test_the_staff_app_is_installable_on_the_leaders_phone(client, users, client_for):
    manifest = client.get("/dashboard/manifest.webmanifest").json()
    assert manifest["start_url"] == "/dashboard/leader/" and manifest["display"] == "standalone"
    worker = client.get("/dashboard/sw.js")
    assert worker["Service-Worker-Allowed"] == "/dashboard/" and b"/dashboard/leader/" in worker.content
    page = client_for(users["leader"]).get("/dashboard/leader/").content.decode()
    assert 'rel="manifest" href="/dashboard/manifest.webmanifest"' in page and "dashboard/pwa.js" in page
