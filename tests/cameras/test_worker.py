"""The camera worker through the database: counts into 1- and 15-minute bins, offline alerts with the other cameras
still served, crowd alerts with a snapshot, unusual traffic, retention, and the pages and map layer."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from ioc.cameras import services
from ioc.cameras.models import Camera, CountBin, CountLine, Snapshot, Zone
from ioc.cameras.synthetic import Mover, write_video
from ioc.cameras.workers import CameraRunner, run_cameras, stream_address
from ioc.core.models import Alert, AuditLog, WorkerStatus
from ioc.core.services import timeseries

pytestmark = pytest.mark.django_db(transaction=True)
W, H = 640, 360


def traffic_clip(path, down=3, up=2):
    movers = [Mover("motorbike", 80 + 90 * i, -40, 0, 5, start=12 + 15 * i) for i in range(down)]
    movers += [Mover("car", 420 + 100 * i, H + 40, 0, -5, start=20 + 20 * i) for i in range(up)]
    return str(write_video(path, W, H, movers, 150))


def camera(units, source, **more):
    cam = Camera.objects.create(name=more.pop("name", "Ngã tư"), stream_url=source, lat=22.405, lon=103.455, **more)
    CountLine.objects.create(camera=cam, name="Vạch", x1=0, y1=0.5, x2=1, y2=0.5)
    return cam


def run_once(cam):
    runner = CameraRunner(cam.pk, threading.Event(), realtime=False, flush_seconds=0.2)
    runner.run()
    return runner


def test_counts_land_in_one_and_fifteen_minute_bins(units, tmp_path):
    cam = camera(units, traffic_clip(tmp_path / "a.mp4"), analysed_fps=25)
    runner = run_once(cam)
    assert runner.crossings == 5
    for minutes in (1, 15):
        bins = CountBin.objects.filter(camera=cam, minutes=minutes)
        assert sum(b.count for b in bins.filter(direction="in", cls="motorbike")) == 3
        assert sum(b.count for b in bins.filter(direction="out", cls="car")) == 2
    cam.refresh_from_db()
    assert cam.status == "online" and cam.last_frame_at and (cam.width, cam.height) == (W, H)


def test_an_unreachable_camera_raises_one_alert_and_the_others_keep_counting(units, tmp_path):
    broken = camera(units, "rtsp://127.0.0.1:9/stream", name="Camera hỏng")
    good = camera(units, traffic_clip(tmp_path / "b.mp4"), name="Camera tốt", analysed_fps=25)
    stop = threading.Event()
    runners = run_cameras([broken.pk, good.pk], stop, realtime=False, flush_seconds=0.2, max_backoff=0.2)
    deadline = timezone.now() + timedelta(seconds=40)
    while timezone.now() < deadline and (runners[1].crossings < 5 or not broken_failed(broken)):
        stop.wait(0.2)
    stop.wait(1.0)  # a few more retries of the broken one
    stop.set()
    assert runners[1].crossings == 5
    broken.refresh_from_db()
    assert broken.status == "offline" and broken.last_error
    alert = Alert.objects.get(kind="cameras.offline")
    assert "Camera hỏng" in alert.title and alert.count == 1  # retries don't repeat it


def broken_failed(cam):
    cam.refresh_from_db()
    return bool(cam.last_error)


def test_a_file_that_is_not_video_is_reported(units, tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_text("no video here")
    cam = camera(units, str(junk))
    stop = threading.Event()
    runner = CameraRunner(cam.pk, stop, realtime=False, max_backoff=0.1)
    thread = threading.Thread(target=runner.run)
    thread.start()
    stop.wait(1.0)
    stop.set()
    thread.join(5)
    cam.refresh_from_db()
    assert cam.status == "offline" and "not a video" in cam.last_error


def test_a_crowd_raises_an_alert_with_a_snapshot_only_operators_see(units, users, client_for, tmp_path):
    movers = [Mover("person", 220 + 30 * (i % 4), 120 + 60 * (i // 4), 0.4, 0.3, start=12) for i in range(8)]
    cam = camera(units, str(write_video(tmp_path / "c.mp4", W, H, movers, 200)), analysed_fps=25)
    Zone.objects.create(
        camera=cam,
        name="Quảng trường",
        points=[[0.2, 0.1], [0.8, 0.1], [0.8, 0.9], [0.2, 0.9]],
        crowd_threshold=6,
        crowd_seconds=2,
    )
    run_once(cam)
    alert = Alert.objects.get(kind="cameras.crowd")
    snapshot = Snapshot.objects.get(pk=alert.data["snapshot"])
    assert snapshot.image.read(3) == b"\xff\xd8\xff"  # a JPEG
    operator = client_for(users["operator"])
    page = operator.get(f"/dashboard/cameras/{cam.pk}/").content.decode()
    assert f"/dashboard/cameras/snapshots/{snapshot.pk}.jpg" in page
    assert operator.get(f"/dashboard/cameras/snapshots/{snapshot.pk}.jpg").status_code == 200
    assert AuditLog.objects.filter(action="cameras.snapshot.view", object_id=str(snapshot.pk)).exists()
    for role in ("leader", "ward_officer"):
        client = client_for(users[role])
        assert "snapshots/" not in client.get(f"/dashboard/cameras/{cam.pk}/").content.decode()
        assert client.get(f"/dashboard/cameras/snapshots/{snapshot.pk}.jpg").status_code == 403
        # No way around the check: there is no /media/ route, and the stored name cannot be guessed.
        assert client.get(f"/media/{snapshot.image.name}").status_code == 404
    assert f"camera{cam.pk}" not in snapshot.image.name and len(snapshot.image.name.rsplit("/", 1)[-1]) >= 24


def test_unusual_traffic_against_the_same_quarter_hour(units, tmp_path):
    cam = camera(units, "rtsp://example.invalid/x")
    line = cam.lines.get()
    now = timezone.now()
    start = timeseries.bin_start(now, 15) - timedelta(minutes=15)
    for days in range(1, 8):
        CountBin.objects.create(
            camera=cam,
            line=line,
            cls="motorbike",
            direction="in",
            minutes=15,
            start=start - timedelta(days=days),
            count=40 + days,
        )
    CountBin.objects.create(camera=cam, line=line, cls="motorbike", direction="in", minutes=15, start=start, count=50)
    assert services.check_unusual(now) == 0
    CountBin.objects.filter(start=start).update(count=160)
    import numpy as np

    services.save_live_frame(cam, np.zeros((36, 64, 3), dtype=np.uint8))  # as the worker keeps one
    assert services.check_unusual(now) == 1
    alert = Alert.objects.get(kind="cameras.unusual")
    assert "160" in alert.title
    assert Snapshot.objects.get(pk=alert.data["snapshot"]).image.read(3) == b"\xff\xd8\xff"


def test_snapshots_are_purged_after_the_cameras_retention(units):
    import numpy as np

    cam = camera(units, "rtsp://example.invalid/x", snapshot_days=3)
    old = services.save_snapshot(cam, np.zeros((36, 64, 3), dtype=np.uint8), "test")
    fresh = services.save_snapshot(cam, np.zeros((36, 64, 3), dtype=np.uint8), "test")
    Snapshot.objects.filter(pk=old.pk).update(taken_at=timezone.now() - timedelta(days=4))
    path = old.image.path
    assert services.purge_snapshots() == 1
    assert not Snapshot.objects.filter(pk=old.pk).exists() and Snapshot.objects.filter(pk=fresh.pk).exists()
    import os

    assert not os.path.exists(path)


def test_pages_map_layer_and_tiles(units, users, client_for, tmp_path):
    cam = camera(units, traffic_clip(tmp_path / "d.mp4"), analysed_fps=25)
    run_once(cam)
    client = client_for(users["leader"])
    listing = client.get("/dashboard/cameras/").content.decode()
    assert "Ngã tư" in listing and "<strong>5</strong>" in listing
    detail = client.get(f"/dashboard/cameras/{cam.pk}/").content.decode()
    assert 'id="flow-chart"' in detail and 'id="heatmap"' in detail and 'id="peaks"' in detail
    assert 'data-share="1.0"' in detail and 'data-share="1,0"' not in detail  # read by JS: no decimal comma
    layer = client.get("/api/layers/cameras.cameras").json()
    (feature,) = layer["features"]
    assert feature["properties"]["state"] == "online" and "5 lượt/15 phút" in feature["properties"]["title"]
    assert client_for(users["citizen"]).get("/dashboard/cameras/").status_code == 403
    from ioc.cameras.selectors import vehicles_last_hour

    assert vehicles_last_hour() == 5


def test_credentials_are_kept_out_of_the_url_and_never_shown(units, users, client_for):
    cam = camera(units, "rtsp://10.0.0.5:554/live", username="viewer", password="s3cr:t@x")
    cam = Camera.objects.get(pk=cam.pk)
    assert stream_address(cam) == "rtsp://viewer:s3cr%3At%40x@10.0.0.5:554/live"
    from django.db import connection

    with connection.cursor() as cursor:  # what a database dump would show
        cursor.execute("SELECT password FROM cameras_camera WHERE id = %s", [cam.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:") and "s3cr" not in stored
    admin = client_for(users["admin"])
    form = admin.get(f"/admin/cameras/camera/{cam.pk}/change/").content.decode()
    assert "s3cr" not in form
    refused = admin.post(
        "/admin/cameras/camera/add/",
        {
            "name": "x",
            "stream_url": "rtsp://u:p@10.0.0.6/live",
            "lat": 22.4,
            "lon": 103.45,
            "heading": 0,
            "status": "offline",
            "analysed_fps": 5,
            "snapshot_days": 7,
            "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0,
            "zones-TOTAL_FORMS": 0,
            "zones-INITIAL_FORMS": 0,
        },
    )
    assert "not in the URL" in refused.content.decode() and Camera.objects.count() == 1


def test_setup_forms_refuse_bad_shapes_and_only_operators_use_them(units, users, client_for, tmp_path):
    cam = camera(units, traffic_clip(tmp_path / "e.mp4"))
    operator = client_for(users["operator"])
    too_short = operator.post(
        f"/dashboard/cameras/{cam.pk}/setup/",
        {"line-name": "x", "line-x1": 0.5, "line-y1": 0.5, "line-x2": 0.505, "line-y2": 0.5},
        follow=True,
    )
    assert "quá ngắn" in too_short.content.decode() and cam.lines.count() == 1
    outside = operator.post(
        f"/dashboard/cameras/{cam.pk}/setup/",
        {
            "zone-name": "z",
            "zone-points": "0.1,0.1;1.4,0.1;0.5,0.9",
            "zone-crowd_threshold": 5,
            "zone-crowd_seconds": 10,
        },
        follow=True,
    )
    assert "trong khung hình" in outside.content.decode() and not cam.zones.exists()
    added = operator.post(
        f"/dashboard/cameras/{cam.pk}/setup/",
        {
            "zone-name": "Vỉa hè",
            "zone-points": "0.1,0.1;0.9,0.1;0.5,0.9",
            "zone-crowd_threshold": 5,
            "zone-crowd_seconds": 10,
        },
    )
    assert added.status_code == 302 and cam.zones.get().points == [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]
    cam.refresh_from_db()
    assert cam.config_version == 1  # a running worker restarts with the new zone
    leader = client_for(users["leader"])
    assert leader.get(f"/dashboard/cameras/{cam.pk}/setup/").status_code == 403
    assert leader.get(f"/dashboard/cameras/{cam.pk}/live.jpg").status_code == 403
    zone = cam.zones.get()
    assert operator.post(f"/dashboard/cameras/{cam.pk}/setup/zone/{zone.pk}/delete/").status_code == 302
    assert not cam.zones.exists()


def test_backups_keep_stream_passwords_sealed(units, tmp_path):
    import tarfile

    from ioc.core.services.backup import backup, restore

    cam = camera(units, "rtsp://10.0.0.5:554/live", username="viewer", password="mat-khau-camera")
    archive = backup(tmp_path / "b.tar.gz", portable=True)  # readable JSON Lines on either database
    with tarfile.open(archive) as tar:
        data = tar.extractfile("data.jsonl").read().decode()
    assert "mat-khau-camera" not in data and "fernet:" in data
    Camera.objects.filter(pk=cam.pk).update(name="đổi tên")
    restore(archive)
    restored = Camera.objects.get(pk=cam.pk)
    assert restored.name == "Ngã tư" and restored.password == "mat-khau-camera"


def test_a_dense_night_junction_says_what_it_estimated_and_how_far_to_trust_it(units, users, client_for, tmp_path):
    from ioc.cameras.scenes import dense_junction, frames_needed

    movers = dense_junction(seed=5, groups=12, with_bus=False)
    clip = str(write_video(tmp_path / "night.mp4", W, H, movers, frames_needed(movers), night=True))
    cam = camera(units, clip, analysed_fps=25)
    run_once(cam)
    cam.refresh_from_db()
    assert set(cam.scene_conditions) >= {"night", "dense"} and cam.confidence < 0.98  # below a clear scene's
    # The health figures carry it too (/api/health, /metrics: ioc_worker_confidence, ioc_worker_condition).
    status = WorkerStatus.objects.get(name=f"camera:{cam.pk}")
    assert "night" in status.detail["conditions"] and status.detail["confidence"] == cam.confidence
    bins = CountBin.objects.filter(camera=cam, minutes=15)
    assert 0 < sum(b.estimated for b in bins) <= sum(b.count for b in bins)
    page = client_for(users["operator"]).get(f"/dashboard/cameras/{cam.pk}/").content.decode()
    assert 'id="scene"' in page and "Ban đêm" in page and "Giao thông dày đặc" in page
    assert "ước lượng" in page  # the share of counts that are estimates
    listing = client_for(users["operator"]).get("/dashboard/cameras/").content.decode()
    assert f"Ban đêm, Giao thông dày đặc · {round(cam.confidence * 100)} %" in listing
