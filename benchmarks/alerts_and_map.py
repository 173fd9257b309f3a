"""Alert list API and map layer latency with 100,000 alerts / 10,000 map points, and dashboard time to interactive.

Builds a throwaway SQLite data dir, fills it, serves it with `ioc serve` (waitress, 8 threads) on loopback, and
prints p50/p95/max per endpoint; then opens the dashboard in Debian's Chromium and prints the time until the map
and the feed are ready.
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
        batch.append(
            Alert(
                kind=rng.choice(kinds),
                severity=rng.randint(1, 4),
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


def dashboard_time(port: int, runs: int = 3) -> list[float]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/accounts/login/")
        page.fill("#id_username", "bench")
        page.fill("#id_password", "Bench-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for _ in range(runs):
            t = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/dashboard/")
            page.wait_for_selector("body[data-map-ready='1']", timeout=30000)
            page.wait_for_selector("#feed [data-alert-id]", timeout=30000)
            results.append(time.perf_counter() - t)
        browser.close()
    return results


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
        runs = dashboard_time(port)
        print(
            f"{'dashboard interactive (map + feed ready)':48s} "
            + "  ".join(f"{r:.2f} s" for r in runs)
            + f"   median {statistics.median(runs):.2f} s"
        )
        print(json.dumps({k: round(v["p95"], 1) for k, v in figures.items()}, ensure_ascii=False))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
