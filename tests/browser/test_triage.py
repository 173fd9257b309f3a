"""The duty officer triages from the feed: five alerts acknowledged at once, with the keyboard, without opening any."""

import pytest
from playwright.sync_api import expect

from ioc.core.models import Alert, AuditLog, Incident
from ioc.core.services.alerts import record_alert
from tests.conftest import PASSWORD, POINT_DOAN_KET

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_acknowledges_five_alerts_at_once_and_snoozes_one(browser, live_server, users, login, tiles_offline):
    alerts = [
        record_alert(
            kind="core.manual", source=f"s{i}", title=f"Cây đổ số {i}", lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1]
        )
        for i in range(6)
    ]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    login(page, "operator1", PASSWORD)
    page.wait_for_selector("#feed [data-alert-id]")
    assert "Cần xử lý 6" in page.inner_text("#feed .feed-tabs")
    # J moves to the next card and X chooses it: five of the six.
    for _ in range(5):
        page.keyboard.press("j")
        page.keyboard.press("x")
    assert page.inner_text("#picked") == "5"
    # A refresh of the feed keeps what was chosen.
    with page.expect_response(lambda r: "/dashboard/feed/" in r.url):
        page.evaluate("document.body.dispatchEvent(new Event('feed-refresh'))")
    expect(page.locator("#feed input.pick:checked")).to_have_count(5)
    page.keyboard.press("a")
    expect(page.locator("#triage-message")).to_have_text("Đã tiếp nhận 5 cảnh báo.")
    expect(page.locator("#feed [data-alert-id]")).to_have_count(1)
    assert Alert.objects.filter(status=Alert.Status.ACKNOWLEDGED).count() == 5
    assert AuditLog.objects.filter(action="alert.acknowledge", user=users["operator"]).count() == 5

    # The last one: snoozed with a reason through the panel, and it moves to the snoozed tab.
    page.click("#feed input.pick")
    page.click("[data-open=snooze]")
    page.select_option("[data-panel=snooze] select[name=minutes]", "60")
    page.fill("[data-panel=snooze] input[name=reason]", "Chờ đội cây xanh đến hiện trường")
    page.click("[data-panel=snooze] button[type=submit]")
    expect(page.locator("#triage-message")).to_have_text("Đã tạm hoãn 1 cảnh báo.")
    page.click("[data-tab=snoozed]")
    expect(page.locator("#feed .why")).to_have_text("Chờ đội cây xanh đến hiện trường")
    snoozed = Alert.objects.get(snoozed_until__isnull=False)
    assert snoozed.status == Alert.Status.NEW and snoozed.pk in {a.pk for a in alerts}
    assert "tab=snoozed" in page.url

    # Two of the acknowledged ones are one event: merged into one incident from the merge panel (M).
    page.click("[data-tab=acknowledged]")
    expect(page.locator("#feed [data-alert-id]")).to_have_count(5)
    page.locator("#feed input.pick").nth(0).check()
    page.locator("#feed input.pick").nth(1).check()
    page.keyboard.press("m")
    page.click("[data-panel=merge] button[type=submit]")
    expect(page.locator("#triage-message")).to_have_text("Đã gộp 2 cảnh báo thành một sự vụ.")
    assert Incident.objects.count() == 1 and Incident.objects.get().alerts.count() == 2
    page.close()
