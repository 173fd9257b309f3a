"""Fixtures for citizen reports: the default categories, photos made in the test, committed submissions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import POINT_DOAN_KET


def jpeg_bytes(size=(640, 480), color=(200, 60, 40), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def make_photo(name="anh.jpg", **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kw), content_type="image/jpeg")


@pytest.fixture
def categories(units):
    from ioc.feedback.defaults import ensure_default_categories
    from ioc.feedback.models import Category

    ensure_default_categories()
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def submit(categories, django_capture_on_commit_callbacks):
    """Submit a report as a citizen would, running its on-commit work (alerts, notices)."""
    from ioc.feedback.services import submit_report

    def do(code="den-duong", point=POINT_DOAN_KET, **kw):
        fields = {
            "description": "Cả dãy đèn tắt",
            "attributes": {"tinh_trang": "tat"} if code == "den-duong" else {},
            "photos": [make_photo()],
        }
        with django_capture_on_commit_callbacks(execute=True):
            return submit_report(category=categories[code], lat=point[0], lon=point[1], **{**fields, **kw})

    return do
