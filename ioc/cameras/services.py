"""Writing camera results: count bins, camera status with its offline alert, crowd alerts with a snapshot,
unusual-traffic checks and snapshot retention."""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from statistics import mean, pstdev

import cv2
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.cameras.models import Camera, CountBin, CountLine, Snapshot, Zone
from ioc.core.services import audit, timeseries
from ioc.core.services.alerts import raise_alert, resolve_condition

log = logging.getLogger(__name__)
BIN_MINUTES = (1, 15)


def record_crossings(camera: Camera, crossings: list[tuple[datetime, int, str, str, bool]]) -> int:
    """Add crossings (time, line id, class, direction, estimated) to the 1- and 15-minute bins; an estimated one
    (a rider cut out of a merged group) is counted and also kept apart in `estimated`. Returns how many."""
    return timeseries.add_to_bins(
        CountBin,
        (
            (
                moment,
                {"camera_id": camera.pk, "line_id": line, "cls": cls, "direction": direction},
                {"estimated": int(estimated)},
            )
            for moment, line, cls, direction, estimated in crossings
        ),
        sizes=BIN_MINUTES,
    )


def mark_online(camera: Camera, width: int, height: int, scene: dict | None = None) -> None:
    """Frames arrive: the camera is online; if it was offline, its "camera offline" alert ends. `scene`: what the
    analysis says of the picture (conditions, confidence of the counts)."""
    was_offline = Camera.objects.filter(pk=camera.pk).exclude(last_error="").exists()
    extra = {"scene_conditions": scene["conditions"], "confidence": scene["confidence"]} if scene else {}
    Camera.objects.filter(pk=camera.pk).update(
        status=Camera.Status.ONLINE, last_frame_at=timezone.now(), last_error="", width=width, height=height, **extra
    )
    if was_offline:
        resolve_condition(
            kind="cameras.offline", source=f"cameras:offline:{camera.pk}", reason=_("The camera sends frames again")
        )


def mark_offline(camera: Camera, reason: str) -> None:
    """The first failure since the last good frame raises one 'camera offline' alert; retries don't repeat it."""
    reason = (reason or "unknown error")[:300]
    first = Camera.objects.filter(pk=camera.pk, last_error="").update(status=Camera.Status.OFFLINE, last_error=reason)
    Camera.objects.filter(pk=camera.pk).update(status=Camera.Status.OFFLINE, last_error=reason)
    if first:
        raise_alert(
            kind="cameras.offline",
            source=f"cameras:offline:{camera.pk}",
            title=_("Camera offline: %(name)s") % {"name": camera.name},
            message=reason,
            lat=camera.lat,
            lon=camera.lon,
        )


def save_snapshot(camera: Camera, frame, reason: str) -> Snapshot:
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise ValueError("the frame could not be encoded")
    return _store_snapshot(camera, jpeg.tobytes(), reason)


def _store_snapshot(camera: Camera, jpeg: bytes, reason: str) -> Snapshot:
    now = timezone.now()
    snapshot = Snapshot(camera=camera, taken_at=now, reason=reason[:200])
    snapshot.image.save(f"camera{camera.pk}-{now:%Y%m%d%H%M%S}.jpg", ContentFile(jpeg), save=True)
    return snapshot


def crowd_detected(camera: Camera, zone: Zone, peak: int, frame) -> None:
    """A crowd held long enough: an alert in the feed with the frame attached as a snapshot."""
    with transaction.atomic():
        snapshot = save_snapshot(camera, frame, f"crowd in {zone.name}")
        raise_alert(
            kind="cameras.crowd",
            source=f"cameras:crowd:{zone.pk}",
            title=_("Crowd: %(camera)s · %(zone)s (%(n)s people)")
            % {"camera": camera.name, "zone": zone.name, "n": peak},
            message=_("%(n)s people in %(zone)s for more than %(s)s seconds")
            % {"n": peak, "zone": zone.name, "s": zone.crowd_seconds},
            lat=camera.lat,
            lon=camera.lon,
            data={"camera": camera.pk, "zone": zone.pk, "peak": peak, "snapshot": snapshot.pk},
        )


def check_unusual(now: datetime | None = None, *, factor: float = 2.0, minimum: int = 30) -> int:
    """Each camera's last full 15 minutes against the same quarter-hour of the previous 14 days: far above
    (more than `factor` × the usual and 3 standard deviations, and at least `minimum`) raises an alert."""
    now = now or timezone.now()
    start = timeseries.bin_start(now, 15) - timedelta(minutes=15)
    earlier = [start - timedelta(days=days) for days in range(1, 15)]
    totals: dict[int, dict] = {}
    for row in (
        CountBin.objects.filter(minutes=15, start__in=[start, *earlier])
        .values("camera_id", "start")
        .annotate(n=Sum("count"))
    ):
        totals.setdefault(row["camera_id"], {})[row["start"]] = row["n"]
    raised = 0
    for camera in Camera.objects.exclude(status=Camera.Status.DISABLED).filter(pk__in=totals):
        current = totals[camera.pk].get(start, 0)
        seen = [n for moment, n in totals[camera.pk].items() if moment != start and n]
        if len(seen) < 3 or current < minimum:
            continue
        usual, spread = mean(seen), pstdev(seen)
        if current > factor * usual and current > usual + 3 * spread:
            snapshot = _snapshot_from_live_frame(camera, "unusual traffic")
            raise_alert(
                kind="cameras.unusual",
                source=f"cameras:unusual:{camera.pk}",
                title=_("Unusual traffic: %(camera)s (%(n)s passages/15 min)") % {"camera": camera.name, "n": current},
                message=_("Usually about %(usual).0f passages at this time") % {"usual": usual},
                lat=camera.lat,
                lon=camera.lon,
                data={
                    "camera": camera.pk,
                    "count": current,
                    "usual": round(usual, 1),
                    "snapshot": snapshot.pk if snapshot else None,
                },
            )
            raised += 1
    return raised


def _snapshot_from_live_frame(camera: Camera, reason: str) -> Snapshot | None:
    """The worker's latest frame of this camera kept as the alert's snapshot (None when there is no recent one)."""
    path = live_frame_path(camera.pk)
    if not path.exists() or time.time() - path.stat().st_mtime > 120:
        return None
    return _store_snapshot(camera, path.read_bytes(), reason)


def purge_snapshots(now: datetime | None = None) -> int:
    """Snapshots older than their camera's retention are deleted with their files (personal data)."""
    now = now or timezone.now()
    removed = 0
    for camera in Camera.objects.all():
        for snapshot in camera.snapshots.filter(taken_at__lt=now - timedelta(days=camera.snapshot_days)):
            snapshot.image.delete(save=False)
            snapshot.delete()
            removed += 1
    return removed


def lines_for(camera: Camera) -> list[CountLine]:
    return list(camera.lines.order_by("pk"))


def live_frame_path(camera_id: int) -> Path:
    """Where the worker keeps the camera's latest frame (outside the public media, served after a role check)."""
    return Path(settings.DATA_DIR) / "cameras" / "live" / f"{camera_id}.jpg"


def save_live_frame(camera: Camera, frame) -> None:
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 75])
    if not ok:
        return
    path = live_frame_path(camera.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(jpeg.tobytes())
    os.replace(partial, path)  # readers never see half a file


def _changed(camera: Camera) -> None:
    Camera.objects.filter(pk=camera.pk).update(config_version=F("config_version") + 1)


@transaction.atomic
def add_line(
    camera: Camera, *, name: str, x1: float, y1: float, x2: float, y2: float, by=None, request=None
) -> CountLine:
    """A counting line, in fractions of the frame; running workers pick it up; audited."""
    line = CountLine.objects.create(camera=camera, name=name, x1=x1, y1=y1, x2=x2, y2=y2)
    _changed(camera)
    audit.record(by, "cameras.line.create", line, request=request, camera=camera.pk)
    return line


@transaction.atomic
def add_zone(
    camera: Camera, *, name: str, points: list, crowd_threshold: int, crowd_seconds: int, by=None, request=None
) -> Zone:
    """A zone watched for occupancy, dwell and crowds; audited."""
    zone = Zone.objects.create(
        camera=camera, name=name, points=points, crowd_threshold=crowd_threshold, crowd_seconds=crowd_seconds
    )
    _changed(camera)
    audit.record(by, "cameras.zone.create", zone, request=request, camera=camera.pk)
    return zone


@transaction.atomic
def remove(item, by=None, request=None) -> None:
    """Delete a line (its counts go with it) or a zone; audited."""
    camera = item.camera
    kind = "line" if isinstance(item, CountLine) else "zone"
    audit.delete_recorded(by, f"cameras.{kind}.delete", item, request=request, name=item.name)
    _changed(camera)


LIVE_VIEW_WINDOW = timedelta(minutes=5)


def record_view(user, obj, what: str, request=None, **detail) -> None:
    """Seeing a snapshot or the live frame is seeing people: each view is logged (Law 91/2025 on personal data).

    The live picture refreshes every second: watching one camera is one line per five minutes, not one per frame.
    """
    from ioc.core.models import AuditLog

    camera = obj.camera_id if isinstance(obj, Snapshot) else obj.pk
    action = f"cameras.{what}.view"
    if (
        what == "live"
        and AuditLog.objects.filter(
            user=user, action=action, object_id=str(obj.pk), at__gte=timezone.now() - LIVE_VIEW_WINDOW
        ).exists()
    ):
        return
    audit.record(user, action, obj, request=request, camera=camera, **detail)
