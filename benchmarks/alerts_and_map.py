"""Alert list API and map layer latency with 100,000 alerts / 10,000 map points, the dashboard's time to
interactive with the lamp layer on, and how long a committed alert takes to reach the wall's feed.

Builds a throwaway SQLite data dir, fills it (alerts, and the demo's street-lighting network of 2,700 lamps),
serves it with `ioc serve` (waitress, 8 threads) on loopback, and prints p50/p95/max per endpoint; then opens the
dashboard in Debian's Chromium and prints the time until the map (with the alerts and lamp layers drawn) and the
feed are ready, and the time from an alert's POST returning to its card appearing in the open feed.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _server import free_port, start_server


def setup(data_dir: Path, n_alerts: int, n_points: int) -> str:
    os.environ["IOC_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ioc.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from ioc.core.models import Alert, Role
    from ioc.core.services.accounts import create_token, create_user
    from ioc.core.services.geo import current_units, random_point_in
    from ioc.core.services.profile import load_profile

    call_command("migrate", verbosity=0)
    load_profile()
    from ioc.lighting.simulate import ensure_network

    ensure_network(random.Random(2))  # the demo's network: 30 cabinets, 90 circuits, 2,700 lamps
    rng = random.Random(1)
    units = list(current_units())
    now = timezone.now()
    kinds = ["core.manual", "hotline.fire", "hotline.flooding", "hotline.infrastructure", "hotline.accident"]
    started = time.perf_counter()
    batch = []
    for i in range(n_alerts):
        unit = units[i % len(units)]
        lat, lon = random_point_in(unit.geometry, rng)
        seen = now - timedelta(minutes=i * 0.5)
        severity = rng.randint(1, 3)  # the alert the feed benchmark pushes is critical: it lands on top
        batch.append(
            Alert(
                kind=rng.choice(kinds),
                severity=severity,
                priority=5 - severity,
                group_key=f"bench:{i}",
                title=f"Sự cố thử nghiệm {i}",
                source=f"bench:{i}",
                lat=lat,
                lon=lon,
                unit=unit,
                status="new" if i < n_points else "closed",
                first_seen_at=seen,
                last_seen_at=seen,
            )
        )
        if len(batch) == 5000:
            Alert.objects.bulk_create(batch)
            batch = []
    Alert.objects.bulk_create(batch)
    print(f"setup: {n_alerts} alerts ({n_points} open with a location) in {time.perf_counter() - started:.1f} s")
    user = create_user("bench", "Bench-pass-2026", Role.OPERATOR)
    return create_token(user, "bench")[1], units[0].pk


def measure(port: int, path: str, token: str, n: int) -> dict:
    times, size = [], 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(5):  # warm up
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        conn.getresponse().read()
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - t) * 1000)
        assert response.status == 200, (path, response.status, body[:200])
        size = len(body)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "max": times[-1], "bytes": size}


LAYERS = "core.units,core.alerts,core.incidents,lighting.faults,lighting.lamps"


def browser_figures(port: int, token: str, runs: int = 5) -> tuple[list[float], list[float]]:
    """Seconds to interactive (map with the alerts and lamp layers drawn, feed shown), then seconds from an alert's
    POST returning to its card in the feed, `runs` times each."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    interactive, feed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"http://127.0.0.1:{port}/accounts/login/")
        page.fill("#id_username", "bench")
        page.fill("#id_password", "Bench-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for _ in range(runs):
            t = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/dashboard/?layers={LAYERS}")
            page.wait_for_selector("body[data-map-ready='1'][data-layer_lighting_lamps]", timeout=30000)
            page.wait_for_selector("#feed [data-alert-id]", timeout=30000)
            interactive.append(time.perf_counter() - t)
        page.wait_for_timeout(2000)  # the feed's stamp has been read once
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(runs):
            body = json.dumps(
                {
                    "kind": "core.manual",
                    "source": f"bench-feed-{i}",
                    "title": f"Cảnh báo khẩn thử {i}",
                    "severity": "critical",
                    "lat": 22.3965,
                    "lon": 103.4581,
                }
            )
            conn.request(
                "POST", "/api/alerts", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            )
            response = conn.getresponse()
            alert_id = json.loads(response.read())["id"]
            t = time.perf_counter()
            page.wait_for_selector(f"#feed [data-alert-id='{alert_id}']", timeout=30000)
            feed.append(time.perf_counter() - t)
            page.wait_for_timeout(1500)
        browser.close()
    return interactive, feed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-bench-"))
    token, unit_id = setup(data_dir, args.alerts, args.points)
    port = free_port()
    env = {
        **os.environ,
        "IOC_DATA_DIR": str(data_dir),
        "IOC_TILE_URL": "/no-tiles/{z}/{x}/{y}.png",
        "IOC_LOG_CONSOLE": "0",
    }
    server = start_server(port, env)
    try:
        figures = {}
        for name, path in [
            ("alert list (newest 50)", "/api/alerts"),
            ("alert list, filtered (unit+severity+open)", f"/api/alerts?unit={unit_id}&severity=major&open=true"),
            ("alert list, page 100", "/api/alerts?offset=5000&limit=50"),
            (f"map layer core.alerts ({args.points} points)", "/api/layers/core.alerts"),
            ("KPI tiles", "/api/kpis"),
        ]:
            figures[name] = measure(port, path, token, args.requests)
            f = figures[name]
            print(
                f"{name:48s} p50 {f['p50']:6.1f} ms   p95 {f['p95']:6.1f} ms   max {f['max']:6.1f} ms"
                f"   {f['bytes'] / 1024:8.1f} KiB"
            )
        interactive, feed = browser_figures(port, token)
        for name, runs in (
            (f"dashboard interactive ({args.points} alerts + 2,700 lamps drawn)", interactive),
            ("committed alert → card in the feed", feed),
        ):
            print(
                f"{name:48s} "
                + "  ".join(f"{r:.2f} s" for r in runs)
                + f"   median {statistics.median(runs):.2f} s   max {max(runs):.2f} s"
            )
        print(json.dumps({k: round(v["p95"], 1) for k, v in figures.items()}, ensure_ascii=False))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
