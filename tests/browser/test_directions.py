"""On a phone (390×844): a leader gives a direction from an escalated incident, the ward officer reports it done with
a photo, the leader accepts it."""

import pytest
from playwright.sync_api import expect

from ioc.core.services import alerts
from ioc.directions.models import Direction
from tests.conftest import PASSWORD, POINT_DOAN_KET
from tests.feedback.conftest import make_photo

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_a_direction_from_an_escalated_incident_to_done_and_accepted(
    browser, live_server, users, units, login, tiles_offline, tmp_path
):
    alert = alerts.record_alert(
        kind="core.manual",
        source="x",
        title="Sạt lở taluy đường Trần Phú",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
    )
    incident = alerts.acknowledge_alert(alert, users["operator"])
    alerts.escalate_incident(incident, users["operator"], "Cần lãnh đạo chỉ đạo di dời dân")

    leader = browser.new_context(viewport=PHONE).new_page()
    login(leader, "leader1", PASSWORD)
    leader.goto(f"{live_server.url}/dashboard/incidents/{incident.pk}/")
    leader.click("#give-direction")
    expect(leader.locator("#id_title")).to_have_value("Sạt lở taluy đường Trần Phú")
    leader.fill("#id_instruction", "Phong tỏa đoạn đường, di dời 3 hộ dân, báo cáo kết quả")
    leader.get_by_label("Phường Đoàn Kết").first.check()
    leader.fill("#id_hours", "4")
    leader.click("#direction-form button[type=submit]")
    expect(leader.locator("#direction-status")).to_have_text("Đã giao")
    leader.screenshot(path=str(tmp_path / "leader-direction.png"), full_page=True)
    direction = Direction.objects.get()
    assert direction.subject_kind == "incident" and direction.subject_id == str(incident.pk)

    ward = browser.new_context(viewport=PHONE).new_page()
    login(ward, "doanket1", PASSWORD)
    ward.goto(f"{live_server.url}/dashboard/directions/")
    ward.click("#directions a.title")
    ward.click("#acknowledge-direction")
    expect(ward.locator("#direction-status")).to_have_text("Đang xử lý")
    photo = tmp_path / "hien-truong.jpg"
    photo.write_bytes(make_photo().read())
    ward.fill("#report-form textarea[name=text]", "Đã phong tỏa và di dời xong 3 hộ")
    ward.set_input_files("#report-form input[name=file]", str(photo))
    ward.click("#report-done")
    expect(ward.locator("#direction-status")).to_have_text("Báo cáo hoàn thành")
    expect(ward.locator("#timeline")).to_contain_text("Đã phong tỏa và di dời xong 3 hộ")

    leader.reload()
    expect(leader.locator("#timeline a", has_text="Tệp đính kèm")).to_be_visible()
    leader.click("#accept-direction")
    expect(leader.locator("#direction-status")).to_have_text("Đã nghiệm thu")
    direction.refresh_from_db()
    assert direction.status == Direction.Status.ACCEPTED
