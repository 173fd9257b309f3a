"""An operator draws a counting line and a zone on a camera's latest frame; the worker then counts on that line."""

import threading

import pytest

from ioc.cameras.models import Camera, CountBin
from ioc.cameras.synthetic import Mover, write_video
from ioc.cameras.workers import CameraRunner
from ioc.core.models import AuditLog
from tests.browser.test_operator import live_server_shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_draws_a_line_and_a_zone_then_counts_follow(browser, live_server, users, login, tmp_path):
    clip = write_video(tmp_path / "junction.mp4", 640, 360, [Mover("car", 320, -40, 0, 5, start=12)], 140)
    camera = Camera.objects.create(name="Ngã tư thử", stream_url=str(clip), lat=22.405, lon=103.455, analysed_fps=25)
    CameraRunner(camera.pk, threading.Event(), realtime=False).run()  # keeps a frame; no line yet: no counts
    assert not CountBin.objects.exists()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, "operator1", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/cameras/{camera.pk}/setup/")
    page.wait_for_selector("body[data-setup-ready='1']")
    box = page.locator("#overlay").bounding_box()
    assert box["width"] > 300  # the frame is shown
    # A line across the road from left to right at mid-height: "in" is downwards.
    page.mouse.click(box["x"] + 0.05 * box["width"], box["y"] + 0.5 * box["height"])
    page.mouse.click(box["x"] + 0.95 * box["width"], box["y"] + 0.5 * box["height"])
    assert page.input_value("#id_line-y1") == page.input_value("#id_line-y2")
    page.fill("#id_line-name", "Vạch dừng")
    page.screenshot(path=str(live_server_shot("camera-setup")))
    page.click("#line-form button[type=submit]")
    page.wait_for_selector("#items >> text=Vạch dừng")

    page.check("input[name=tool][value=zone]")
    for fx, fy in ((0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.fill("#id_zone-name", "Lòng đường")
    page.fill("#id_zone-crowd_threshold", "0")
    page.click("#zone-form button[type=submit]")
    page.wait_for_selector("#items >> text=Lòng đường")
    assert AuditLog.objects.filter(action="cameras.live.view").exists()

    CameraRunner(camera.pk, threading.Event(), realtime=False).run()
    assert sum(b.count for b in CountBin.objects.filter(minutes=1, direction="in", cls="car")) == 1
