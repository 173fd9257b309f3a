"""An operator overrides a circuit from the lighting page; the controllers acknowledge over MQTT's handler; the
page then shows the circuit's lamps at the new level."""

import pytest

from ioc.lighting.commands import on_ack
from ioc.lighting.models import Command
from tests.browser.test_operator import live_server_shot
from tests.conftest import PASSWORD
from tests.lighting.conftest import network  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_overrides_a_circuit_and_sees_the_lamps_change(browser, live_server, users, login, network):  # noqa: F811
    minor = network["circuits"]["minor"]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    login(page, "operator1", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/lighting/")
    row = page.locator(f"tr[data-circuit='{minor.code}']")
    assert "tắt × 5" in row.inner_text()
    row.locator("input[name=level]").fill("20")
    row.locator("input[name=minutes]").fill("45")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li")
    assert "Đã đặt điều khiển tay" in page.inner_text(".messages")
    commands = list(Command.objects.filter(lamp__circuit=minor))
    assert len(commands) == 5 and {c.level for c in commands} == {20}
    # The lamp controllers obey and acknowledge (what `ioc ingest-mqtt` hands to the lighting domain).
    assert on_ack([(f"ioc/lighting/{c.lamp.code}/ack", b'{"id": %d}' % c.pk) for c in commands]) == []
    page.reload()
    row = page.locator(f"tr[data-circuit='{minor.code}']")
    assert "20% × 5" in row.inner_text()
    assert "override" in row.inner_text()  # the plan shows the override winning now
    page.screenshot(path=str(live_server_shot("lighting-override")))
