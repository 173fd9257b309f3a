"""Stored files (photos, snapshots, attachments): unguessable names, and served only by views that checked the
object's own permission — there is no general /media/ route. Behind nginx, IOC_MEDIA_ACCEL_PREFIX hands the bytes
to nginx with X-Accel-Redirect (an `internal` location on the media dir) after the check."""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class UnguessableName:
    """`upload_to` giving `<folder>/<year>/<month>/<random>.<ext>`: a name nobody can guess from another's."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
        return f"{self.folder}/{timezone.localdate():%Y/%m}/{secrets.token_urlsafe(18)}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, UnguessableName) and other.folder == self.folder


def serve_file(field_file, content_type: str, *, filename: str | None = None, cache: str = "private, no-store"):
    """The response for a stored file the caller has already checked the reader may see."""
    if not field_file:
        raise Http404
    prefix = settings.IOC["MEDIA_ACCEL_PREFIX"]
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + field_file.name
    else:
        try:
            response = FileResponse(field_file.open("rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def serve_attachment(field_file):
    """An attachment someone may read (checked by the caller): photos and PDFs open in the browser, other files
    download under their own name."""
    import mimetypes

    kind = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    inline = kind in ("image/jpeg", "image/png", "application/pdf")
    return serve_file(field_file, kind, filename=None if inline else field_file.name.rsplit("/", 1)[-1])
