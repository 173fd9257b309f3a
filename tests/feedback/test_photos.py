"""Photos: only real JPEG/PNG/WebP, re-encoded and auto-oriented, with EXIF and GPS gone; bombs refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ioc.feedback.photos import PhotoError, clean_photo
from tests.feedback.conftest import jpeg_bytes


def exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (22.0, 23.0, 45.0), 3: "E", 4: (103.0, 27.0, 30.0)}  # GPS IFD
    return exif.tobytes()


def test_metadata_is_stripped_and_the_photo_turned_upright():
    raw = jpeg_bytes(size=(400, 200), exif=exif_with_gps_and_rotation())
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)  # the upload carries GPS
    clean = clean_photo(SimpleUploadedFile("p.jpg", raw, "image/jpeg"))
    served = Image.open(io.BytesIO(clean.content.read()))
    assert served.format == "JPEG"
    assert dict(served.getexif()) == {}  # no EXIF, no GPS, no maker
    assert (clean.width, clean.height) == (200, 400)  # auto-oriented


def jpeg_segments(data: bytes) -> set[int]:
    """The JPEG markers before the image data (APPn, COM, DQT, …)."""
    markers, i = set(), 2
    while i + 4 <= len(data) and data[i] == 0xFF and data[i + 1] != 0xDA:
        markers.add(data[i + 1])
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return markers


def test_comments_icc_profiles_and_every_other_metadata_segment_are_gone():
    """A phone number hidden in a JPEG comment (or an XMP/ICC segment) must not reach the public copy."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 60)).save(
        out, "JPEG", comment=b"goi 0912345678", icc_profile=b"\0" * 128, exif=exif_with_gps_and_rotation()
    )
    assert 0xFE in jpeg_segments(out.getvalue())  # the upload has a COM segment
    clean = clean_photo(SimpleUploadedFile("c.jpg", out.getvalue(), "image/jpeg")).content.read()
    assert b"0912345678" not in clean
    assert jpeg_segments(clean) <= {0xDB, 0xC0, 0xC2, 0xC4, 0xE0}  # tables, frame, JFIF header — nothing else


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_become_jpeg(fmt):
    out = io.BytesIO()
    Image.new(
        "RGBA" if fmt == "PNG" else "RGB", (300, 300), (0, 128, 255, 255) if fmt == "PNG" else (0, 128, 255)
    ).save(out, fmt)
    clean = clean_photo(SimpleUploadedFile(f"p.{fmt.lower()}", out.getvalue(), "image/png"))
    assert Image.open(io.BytesIO(clean.content.read())).format == "JPEG"


def test_big_photos_are_scaled_down():
    clean = clean_photo(SimpleUploadedFile("big.jpg", jpeg_bytes(size=(4000, 3000)), "image/jpeg"))
    assert max(clean.width, clean.height) == 2048


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00 this is an exe named .jpg", "not a valid photo"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a valid photo|Only JPEG"),
        (jpeg_bytes()[:200], "not a valid photo"),  # truncated
    ],
)
def test_files_that_are_not_photos_are_refused(data, message):
    with pytest.raises(PhotoError, match=message):
        clean_photo(SimpleUploadedFile("x.jpg", data, "image/jpeg"))


def test_gif_is_refused_by_its_bytes_not_its_name():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(PhotoError, match="Only JPEG, PNG or WebP"):
        clean_photo(SimpleUploadedFile("looks.jpg", out.getvalue(), "image/jpeg"))


def test_decompression_bombs_are_refused():
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(PhotoError, match="too large"):
        clean_photo(SimpleUploadedFile("bomb.png", out.getvalue(), "image/png"))


def test_oversized_files_are_refused(settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    with pytest.raises(PhotoError, match="larger than"):
        clean_photo(
            SimpleUploadedFile("x.jpg", jpeg_bytes(size=(1200, 900), color=(1, 2, 3)) + b"\0" * 20_000, "image/jpeg")
        )
