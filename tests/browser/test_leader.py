"""A leader reads the KPIs on a phone (390×844), drills down into a ward and a field, and sees the trend chart."""

import pytest

from ioc.core.services import alerts
from ioc.core.services.alerts import record_alert
from tests.browser.test_operator import live_server_shot
from tests.conftest import PASSWORD, POINT_DOAN_KET, POINT_TAN_PHONG

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_on_a_phone(browser, live_server, users, login):
    raised = [
        record_alert(
            kind="core.manual", source=f"l{i}", title=f"Sự cố {i}", lat=point[0], lon=point[1], severity="major"
        )
        for i, point in enumerate([POINT_DOAN_KET, POINT_DOAN_KET, POINT_TAN_PHONG])
    ]
    incident = alerts.acknowledge_alert(raised[0], users["operator"])
    alerts.escalate_incident(incident, users["operator"], "Xin ý kiến chỉ đạo")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, "leader1", PASSWORD)
    assert page.url.endswith("/dashboard/leader/")  # leaders land on their view
    page.wait_for_selector("#trend rect", state="attached")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # First the few figures that matter, then what needs the leader; the rest one tap away.
    assert page.inner_text("#headline [data-kpi='core.open_incidents'] .v").startswith("1")
    assert "Sự cố 0" in page.inner_text("#attention") and "Đã báo cáo lãnh đạo" in page.inner_text("#attention")
    page.click("summary:has-text('Tất cả chỉ số')")
    assert page.inner_text("[data-kpi='core.open_alerts'] .v") == "3"
    rows = page.inner_text("#by-unit")
    assert "Phường Đoàn Kết" in rows and "Phường Tân Phong" in rows
    page.screenshot(path=str(live_server_shot("leader-phone")), full_page=True)

    page.click("#by-unit a:has-text('Phường Đoàn Kết')")
    page.wait_for_selector("#trend rect", state="attached")
    assert "Phường Đoàn Kết" in page.inner_text("h1")
    page.click("summary:has-text('Tất cả chỉ số')")
    assert page.inner_text("[data-kpi='core.open_alerts'] .v") == "2"
    # The trend chart counts today's alerts for this ward.
    assert page.get_attribute("#trend rect:last-child", "data-n") == "2"

    page.click("#by-domain a >> nth=0")  # drill into a field (domain) within the ward
    page.wait_for_selector("#trend rect", state="attached")
    assert "Phường Đoàn Kết" in page.inner_text("h1") and "·" in page.inner_text("h1")
    # The first screen is light enough for a slow mobile connection (no chart library, no map).
    weights = []
    page.on("response", lambda r: weights.append(len(r.body())) if r.ok and r.request.method == "GET" else None)
    page.goto(live_server.url + "/dashboard/leader/")
    page.wait_for_load_state("networkidle")
    assert sum(weights) < 300 * 1024, sum(weights)
    context.close()
