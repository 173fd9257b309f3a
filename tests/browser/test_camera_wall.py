"""The camera wall: the operator sees the live picture of a camera the analysis worker is decoding, and it moves."""

import threading

import pytest
from playwright.sync_api import expect

from ioc.cameras.models import Camera, CountLine
from ioc.cameras.synthetic import Mover, write_video
from ioc.cameras.workers import run_cameras
from ioc.core.models import AuditLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_camera_wall_shows_a_live_picture_that_changes(browser, live_server, users, units, login, tmp_path):
    movers = [Mover("car", 40 + 60 * i, -40, 0, 4, start=5 * i) for i in range(8)]
    clip = write_video(tmp_path / "junction.mp4", 640, 360, movers, 250)
    camera = Camera.objects.create(
        name="Ngã tư Trần Hưng Đạo", stream_url=str(clip), lat=22.405, lon=103.455, unit=units["Đoàn Kết"]
    )
    CountLine.objects.create(camera=camera, name="Vạch", x1=0, y1=0.5, x2=1, y2=0.5)
    stop = threading.Event()
    run_cameras([camera.pk], stop, realtime=True, flush_seconds=0.5, loop_files=True)  # a file played as live
    try:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        login(page, "operator1", PASSWORD)
        page.goto(live_server.url + "/dashboard/cameras/wall/?n=4")
        tile = page.locator(f"[data-camera='{camera.pk}']")
        expect(tile.locator("figcaption")).to_contain_text("Ngã tư Trần Hưng Đạo")
        expect(tile).to_have_attribute("data-frames", "2", timeout=15000)
        first = tile.locator("img").screenshot()
        expect(tile).to_have_attribute("data-frames", "4", timeout=15000)
        assert tile.locator("img").screenshot() != first  # the cars moved: a live picture, not a still
        expect(tile.locator(".cam-state")).to_have_text("Trực tuyến")
        assert AuditLog.objects.filter(action="cameras.live.view", user=users["operator"]).count() == 1
        page.close()
    finally:
        stop.set()
