"""The wall on a real server: it rotates through the domains' boards, says how stale it is when the server goes
away, and picks up again by itself when the server is back — no one touches the wall's PC."""

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.core.test_cli import free_port, wait_for

SETUP = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ioc.core.services.profile import load_profile
load_profile()
from ioc.core.models import Role
from ioc.core.services.accounts import create_user
from ioc.dashboard.wall import kiosk_token
print(kiosk_token(create_user("manhinh", "Wall-pass-2026x", Role.WALL)))
"""


def serve(port, env):
    return subprocess.Popen(
        [sys.executable, "-m", "ioc.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.skipif("IOC_DATABASE_URL" in os.environ, reason="the server under test keeps its own SQLite data dir")
def test_the_wall_rotates_and_recovers_after_the_server_restarts(browser, tmp_path):
    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path / "data"), "IOC_WALL_ROTATE_SECONDS": "5"}
    env["IOC_TILE_URL"] = "/no-tiles/{z}/{x}/{y}.png"
    env.pop("IOC_TASKS_IMMEDIATE", None)
    token = (
        subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, check=True, timeout=180)
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    server = serve(port, env)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"http://127.0.0.1:{port}/wall/{token}/")
        expect(page.locator("#wall-board h2")).to_be_visible()
        first = page.get_attribute("body", "data-board")
        expect(page.locator("body")).not_to_have_attribute("data-board", first, timeout=15000)  # it rotated
        page.screenshot(path=str(tmp_path / "wall.png"))

        server.terminate()
        server.wait(timeout=20)
        expect(page.locator("body")).to_have_attribute("data-connection", "lost", timeout=20000)
        expect(page.locator("#wall-status")).to_contain_text("Mất kết nối — dữ liệu cách đây")

        server = serve(port, env)
        wait_for(f"http://127.0.0.1:{port}/api/health")
        expect(page.locator("body")).to_have_attribute("data-connection", "ok", timeout=20000)
        shown = int(page.get_attribute("body", "data-boards-shown"))
        expect(page.locator("body")).not_to_have_attribute("data-boards-shown", str(shown), timeout=15000)
        assert page.locator("#wall-status").inner_text() in ("Đã kết nối lại", "")
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
