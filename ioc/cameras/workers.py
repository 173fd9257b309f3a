"""`ioc cameras worker`: one thread per camera, each decoding its stream, analysing a few frames a second and
writing counts every few seconds. A camera that fails is retried with backoff (core's worker base) and raises an
alert; the others keep running. Never run in the web process."""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import quote, urlsplit, urlunsplit

from django.utils import timezone

from ioc.cameras import services
from ioc.cameras.analysis.count import LineCounter, ZoneMonitor
from ioc.cameras.analysis.detect import ClassicalDetector
from ioc.cameras.analysis.pipeline import Analyzer
from ioc.cameras.analysis.video import VideoError, open_video
from ioc.cameras.models import Camera
from ioc.core.workers import StopWorker, Worker

log = logging.getLogger(__name__)
# How often the worker keeps the latest frame for the camera wall and the camera pages (a refreshed JPEG: about
# 40 KB a second per camera at 640×360, written over the last one).
LIVE_FRAME_SECONDS = 1


def stream_address(camera: Camera) -> str:
    """The stream URL with its credentials put in (they are stored apart and never shown)."""
    if not camera.username or "://" not in camera.stream_url:
        return camera.stream_url
    parts = urlsplit(camera.stream_url)
    auth = quote(camera.username, safe="") + (":" + quote(camera.password, safe="") if camera.password else "")
    return urlunsplit(parts._replace(netloc=f"{auth}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")))


class CameraRunner(Worker):
    """One camera's analysis on core's worker base: reconnects with backoff, marks the camera offline on errors."""

    def __init__(
        self,
        camera_id: int,
        stop: threading.Event,
        *,
        flush_seconds: float = 5.0,
        loop_files: bool = False,
        max_backoff: float = 60.0,
        realtime: bool = True,
        quiet_between_loops=None,
    ):
        super().__init__(f"camera:{camera_id}")
        # A looped file (the demo): seconds of empty road before it plays again, so its counts follow the hour.
        self.quiet_between_loops = quiet_between_loops
        self.camera_id, self.stop = camera_id, stop
        self.flush_seconds, self.loop_files = flush_seconds, loop_files
        self.max_backoff, self.realtime = max_backoff, realtime
        self.frames = 0
        self.crossings = 0
        self._camera: Camera | None = None

    def _detector(self, camera: Camera):
        path = camera.detector.file.path if camera.detector_id else camera.model_path
        if path:
            from ioc.cameras.analysis.onnx import OnnxDetector

            return OnnxDetector(path)
        return ClassicalDetector()

    def run(self, stop: threading.Event | None = None) -> None:
        super().run(stop or self.stop)

    def run_once(self) -> bool:
        camera = self._camera = Camera.objects.select_related("detector").filter(pk=self.camera_id).first()
        if camera is None or camera.status == Camera.Status.DISABLED:
            raise StopWorker
        reconfigured = self._analyse(camera)
        if not (reconfigured or self.loop_files):
            raise StopWorker
        if self.quiet_between_loops and not reconfigured:
            self.stop.wait(self.quiet_between_loops())
        return True

    def on_error(self, exc: Exception) -> None:
        if self._camera is not None:
            reason = str(exc) if isinstance(exc, VideoError | ValueError | OSError) else f"analysis error: {exc}"
            services.mark_offline(self._camera, reason)

    def _analyse(self, camera: Camera) -> bool:
        """Analyse until the source ends or stops; True when its lines or zones changed (start again with them)."""
        capture, fps, (width, height) = open_video(stream_address(camera))
        pending: list = []
        try:
            lines = services.lines_for(camera)
            zones = list(camera.zones.order_by("pk"))
            step = max(1, round(fps / max(camera.analysed_fps, 0.5)))
            analyzer = Analyzer(
                lines=[
                    LineCounter(c.x1 * width, c.y1 * height, c.x2 * width, c.y2 * height, name=c.name) for c in lines
                ],
                zones=[
                    ZoneMonitor(
                        [(x * width, y * height) for x, y in z.points],
                        name=z.name,
                        crowd_threshold=z.crowd_threshold,
                        crowd_seconds=z.crowd_seconds,
                    )
                    for z in zones
                ],
                fps=fps / step,
                detector=self._detector(camera),
            )
            services.mark_online(camera, width, height)
            last_flush, index, started = time.monotonic(), 0, time.monotonic()
            last_live = 0.0
            crowds_seen = [0] * len(zones)
            while not self.stop.is_set():
                ok, frame = capture.read()
                if not ok:
                    if "://" in camera.stream_url:
                        raise VideoError("the stream stopped sending frames")
                    break  # a recorded file played to its end (looped by run() when asked)
                index += 1
                if index % step:
                    continue
                self.frames += 1
                self.counters.received += 1  # frames analysed: /metrics' rate of it is the camera's FPS
                if time.monotonic() - last_live >= LIVE_FRAME_SECONDS:
                    services.save_live_frame(camera, frame)
                    last_live = time.monotonic()
                now = timezone.now()
                for line_index, cls, direction, _name, estimated in analyzer.process(frame):
                    pending.append((now, lines[line_index].pk, cls, direction, estimated))
                for i, (zone, monitor) in enumerate(zip(zones, analyzer.zones, strict=True)):
                    if len(monitor.crowd_events) > crowds_seen[i]:
                        crowds_seen[i] = len(monitor.crowd_events)
                        services.crowd_detected(camera, zone, monitor.crowd_events[-1]["peak"], frame)
                if time.monotonic() - last_flush >= self.flush_seconds:
                    self.crossings += services.record_crossings(camera, pending)
                    self.detail = analyzer.scene()
                    services.mark_online(camera, width, height, self.detail)
                    self.save_status()
                    pending, last_flush = [], time.monotonic()
                    if not Camera.objects.filter(pk=camera.pk, config_version=camera.config_version).exists():
                        return True
                if self.realtime:  # a file plays at its own pace, as a live camera would
                    ahead = index / fps - (time.monotonic() - started)
                    if ahead > 0:
                        self.stop.wait(ahead)
        finally:
            capture.release()
            if pending:
                self.crossings += services.record_crossings(camera, pending)
        return False


def run_cameras(camera_ids: list[int], stop: threading.Event, **options) -> list[CameraRunner]:
    """Start one runner thread per camera and return them (they stop when `stop` is set)."""
    runners = [CameraRunner(pk, stop, **options) for pk in camera_ids]
    for runner in runners:
        threading.Thread(target=runner.run, args=(stop,), name=f"camera-{runner.camera_id}", daemon=True).start()
    return runners
