"""Browser tests: Debian's Chromium driven by Playwright against a live test server."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by the tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's Chromium is missing: scripts/test installs it (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tiles_offline(settings):
    """No internet here: point the tile layer at a local URL that fails, as in an offline control room."""
    settings.IOC = {**settings.IOC, "TILE_URL": "/no-tiles/{z}/{x}/{y}.png"}


@pytest.fixture
def login(live_server):
    def do(page, username, password):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return do


@pytest.fixture
def categories(units):
    from ioc.feedback.defaults import ensure_default_categories
    from ioc.feedback.models import Category

    ensure_default_categories()
    return {c.code: c for c in Category.objects.all()}
