"""Screenshots of the running demo in Debian's Chromium: `python scripts/screenshot.py URL USER PASSWORD OUT_DIR`."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base: str, username: str, password: str, out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, viewport, paths in [
            (
                "desktop",
                {"width": 1440, "height": 900},
                [
                    "/dashboard/",
                    "/dashboard/incidents/",
                    "/dashboard/leader/",
                    "/dashboard/cameras/",
                    "/dashboard/cameras/3/",
                    "/dashboard/lighting/",
                ],
            ),
            ("phone", {"width": 390, "height": 844}, ["/dashboard/leader/"]),
        ]:
            page = browser.new_page(viewport=viewport)
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            for path in paths:
                page.goto(base + path)
                page.wait_for_timeout(2500)
                target = out_dir / f"{name}{path.strip('/').replace('/', '_') or 'home'}.png"
                page.screenshot(path=str(target), full_page=name == "phone")
                print(target)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
