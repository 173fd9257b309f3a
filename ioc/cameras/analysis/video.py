"""Opening a video file or stream with OpenCV (FFmpeg backend), refusing what is not usable video."""

from __future__ import annotations

from pathlib import Path

import cv2

MAX_SIDE = 4096
MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024


class VideoError(ValueError):
    """The source cannot be read as video (missing, not video, corrupt, zero-size or huge frames)."""


def open_video(source: str) -> tuple[cv2.VideoCapture, float, tuple[int, int]]:
    """(capture, frames per second, (width, height)) for a file path or an rtsp/http(s) URL."""
    is_url = source.startswith(("rtsp://", "rtsps://", "http://", "https://"))
    if not is_url:
        path = Path(source)
        if not path.is_file():
            raise VideoError(f"{source}: no such file")
        if path.stat().st_size == 0:
            raise VideoError(f"{source}: the file is empty")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise VideoError(f"{source}: the file is larger than 4 GB")
    capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG)
    if not capture.isOpened():
        raise VideoError(f"{source}: not a video OpenCV/FFmpeg can decode")
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if width <= 0 or height <= 0:
        capture.release()
        raise VideoError(f"{source}: the video has zero-size frames")
    if width > MAX_SIDE or height > MAX_SIDE:
        capture.release()
        raise VideoError(f"{source}: frames of {width}×{height} are larger than {MAX_SIDE} pixels a side")
    fps = capture.get(cv2.CAP_PROP_FPS)
    return capture, fps if 1 <= fps <= 240 else 25.0, (width, height)
