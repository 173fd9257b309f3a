"""An operator watches the live map, sees an alert arrive, opens it from the map, assigns it and closes it."""

import pytest
from django.utils import translation

from ioc.core.models import Incident
from ioc.core.services.alerts import record_alert
from tests.conftest import PASSWORD, POINT_DOAN_KET

pytestmark = pytest.mark.django_db(transaction=True)


def label(choice):
    with translation.override("vi"):
        return str(choice.label)


def test_operator_sees_an_alert_arrive_opens_assigns_and_closes_it(browser, live_server, users, login, tiles_offline):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    login(page, "operator1", PASSWORD)
    assert "/dashboard/" in page.url  # the map keeps its layers and view in the query string
    page.wait_for_selector("body[data-map-ready='1']")
    # The offline base: unit boundaries are drawn even though no map tiles load.
    assert page.evaluate("document.body.dataset['layer_core_units']") == "2"
    assert page.locator("#feed .empty").count() == 1

    record_alert(
        kind="core.manual",
        source="browser",
        title="Sạt lở đất trên Quốc lộ 4D",
        severity="critical",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
    )
    # It arrives without a reload: in the feed (polled) and on the map (the alerts layer refreshes).
    page.wait_for_selector("#feed [data-alert-id]", timeout=15000)
    assert "Sạt lở đất trên Quốc lộ 4D" in page.inner_text("#feed")
    page.wait_for_selector("body[data-layer_core_alerts='1']", timeout=20000)
    assert page.inner_text("[data-kpi='core.open_alerts'] .v") in ("0", "1")

    # Open it from the map: click the marker where Leaflet draws it, then the popup's link.
    point = page.evaluate(
        """([lat, lon]) => { const p = window.iocMap.latLngToContainerPoint([lat, lon]);
             const box = document.getElementById('map').getBoundingClientRect();
             return [box.left + p.x, box.top + p.y]; }""",
        list(POINT_DOAN_KET),
    )
    page.mouse.click(*point)
    page.wait_for_selector(".leaflet-popup-content a")
    assert "Sạt lở đất" in page.inner_text(".leaflet-popup-content")
    page.click(".leaflet-popup-content a")
    page.wait_for_selector("#acknowledge")
    page.screenshot(path=str(live_server_shot("alert")))
    page.click("#acknowledge")

    page.wait_for_selector("#assign-form")
    page.select_option("#assign-form select[name=department]", label="Phòng Cảnh sát PCCC và CNCH")
    page.fill("#assign-form input[name=working_days]", "1")
    page.fill("#assign-form textarea[name=note]", "Phong tỏa đoạn đường, cử lực lượng đến ngay")
    page.click("#assign-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#incident-status") == label(Incident.Status.ASSIGNED)
    assert page.inner_text("#incident-department") == "Phòng Cảnh sát PCCC và CNCH"

    page.fill("#close-form textarea[name=resolution]", "Đã dọn đất đá, thông xe lúc 16:30")
    page.click("#close-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#incident-status") == label(Incident.Status.CLOSED)
    timeline = page.inner_text("#timeline")
    assert "Đã dọn đất đá" in timeline and "Phong tỏa" in timeline
    page.screenshot(path=str(live_server_shot("incident")))
    incident = Incident.objects.get()
    assert incident.status == "closed" and incident.department.code == "pccc"

    # Back on the map the closed alert is gone from the open-alerts layer.
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_selector("body[data-map-ready='1']")
    assert page.evaluate("document.body.dataset['layer_core_alerts']") == "0"
    page.close()


def live_server_shot(name):
    """Screenshots land in $IOC_SCREENSHOTS (or the test data dir) for a person to look at."""
    import os
    from pathlib import Path

    folder = Path(os.environ.get("IOC_SCREENSHOTS") or Path(os.environ["IOC_DATA_DIR"]) / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"
