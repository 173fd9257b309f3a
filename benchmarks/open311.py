"""Open311 with 100,000 reports: GET requests.json with filters (p50/p95), and 200 concurrent POSTs with a photo.

Builds a throwaway SQLite data dir, fills it with 100,000 reports spread over a year, serves it with `ioc serve`
(waitress) on loopback, then:
- times GET /open311/v2/requests.json with the filters an app uses;
- sends 200 POST requests.json at once (each with a JPEG) and checks that every accepted report is stored once,
  with its photo on disk, and that nothing was stored for a refused one.
"""

import argparse
import concurrent.futures
import http.client
import io
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from _server import free_port, start_server


def setup(data_dir: Path, n: int):
    os.environ["IOC_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ioc.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from ioc.core.services.geo import current_units, random_point_in
    from ioc.core.services.profile import load_profile
    from ioc.feedback.api.open311 import create_key
    from ioc.feedback.defaults import ensure_default_categories
    from ioc.feedback.models import Category, Report
    from ioc.feedback.services import new_tracking_code

    call_command("migrate", verbosity=0)
    load_profile()
    ensure_default_categories()
    rng = random.Random(3)
    units = list(current_units())
    categories = list(Category.objects.all())
    statuses = ["submitted", "assigned", "in_progress", "resolved", "published", "rejected"]
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for i in range(n):
        unit = units[i % len(units)]
        lat, lon = random_point_in(unit.geometry, rng)
        at = now - timedelta(minutes=i * 5.2)  # a year of reports
        category = categories[i % len(categories)]
        batch.append(
            Report(
                tracking_code=new_tracking_code(),
                category=category,
                description=f"Phản ánh thử nghiệm số {i}",
                lat=lat,
                lon=lon,
                unit=unit,
                department_id=category.department_id,
                status=rng.choice(statuses),
                submitted_at=at,
                updated_at=at,
                due_at=at + timedelta(days=3),
            )
        )
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            batch = []
    Report.objects.bulk_create(batch)
    print(f"setup: {n} reports in {time.perf_counter() - started:.1f} s")
    return create_key("benchmark")[1]


def timed_get(port, path, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for i in range(n + 3):
        t = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, (path, response.status, body[:300])
        if i >= 3:
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(json.loads(body))


def jpeg(seed: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1024, 768), (seed % 255, 90, 160)).save(out, "JPEG", quality=85)
    return out.getvalue()


def post_one(port, key, i, marker):
    boundary = uuid.uuid4().hex
    fields = {
        "api_key": key,
        "service_code": "cay-xanh",
        "lat": "22.405",
        "long": "103.455",
        "description": f"{marker} #{i}",
        "email": f"nguoidan{i}@example.vn",
    }
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="media"; filename="a{i}.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + jpeg(i)
        + b"\r\n"
    )
    body.write(f"--{boundary}--\r\n".encode())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(
        "POST",
        "/open311/v2/requests.json",
        body.getvalue(),
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="ioc-bench311-"))
    key = setup(data_dir, args.reports)
    port = free_port()
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir), "IOC_LOG_CONSOLE": "0", "IOC_RATE_REPORT": "100000/h"}
    server = start_server(port, env, threads=16)
    try:
        from django.utils import timezone

        week_ago = (timezone.now() - timedelta(days=7)).isoformat()
        now_iso = timezone.now().isoformat()
        for name, params in [
            ("default (90 days, up to 1000)", {}),
            ("service_code + status=open", {"service_code": "den-duong", "status": "open"}),
            ("last 7 days, page_size=100", {"start_date": week_ago, "end_date": now_iso, "page_size": 100}),
            ("service_code, page 3 of 50", {"service_code": "rac-thai,sat-lo", "page_size": 50, "page": 3}),
            ("5 ids", {"service_request_id": "10,200,3000,40000,99999"}),
        ]:
            p50, p95, items = timed_get(port, "/open311/v2/requests.json?" + urlencode(params), args.requests)
            print(f"GET requests.json {name:34s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({items} items)")

        marker = f"bench-{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.posts) as pool:
            results = list(pool.map(lambda i: post_one(port, key, i, marker), range(args.posts)))
        elapsed = time.perf_counter() - started
        accepted = [body[0]["service_request_id"] for status, body in results if status == 201]
        refused = [(status, body) for status, body in results if status != 201]
        from ioc.feedback.models import Photo, Report

        stored = Report.objects.filter(description__startswith=marker)
        ids = sorted(str(pk) for pk in stored.values_list("pk", flat=True))
        photos = Photo.objects.filter(report__in=stored)
        files_ok = all(Path(p.image.path).exists() for p in photos)
        numbers = sorted(int(d.rsplit("#", 1)[1]) for d in stored.values_list("description", flat=True))
        print(
            f"POST x{args.posts} concurrent: {len(accepted)} accepted, {len(refused)} refused in {elapsed:.1f} s "
            f"({len(accepted) / elapsed:.1f}/s)"
        )
        print(
            f"stored {stored.count()} (ids match accepted: {ids == sorted(accepted)}), "
            f"no duplicates: {numbers == sorted(set(numbers))}, photos {photos.count()}, all files on disk: {files_ok}"
        )
        if refused:
            print("refused examples:", refused[:3])
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
