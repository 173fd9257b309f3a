"""Photos from citizens and officers: only real JPEG/PNG/WebP, re-encoded, auto-oriented, without any metadata.

The served copy is a fresh JPEG written from the pixels alone, so EXIF, GPS and any payload hidden in the file
never leave the server. Decompression bombs (tiny files that expand to huge images) are refused.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest phone camera we accept
MAX_SIDE = 2048  # served copies are at most this wide or tall


class PhotoError(ValueError):
    """The file is not an acceptable photo; the message says why."""


@dataclass
class CleanPhoto:
    content: ContentFile
    width: int
    height: int


def clean_photo(upload) -> CleanPhoto:
    """Check and re-encode one uploaded photo; raises PhotoError with a readable message."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise PhotoError(_("The photo is larger than %(n)s MB") % {"n": limit // 2**20})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(_("The photo is larger than %(n)s MB") % {"n": limit // 2**20})
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoError(_("Only JPEG, PNG or WebP photos are accepted"))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(_("The image is too large")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise PhotoError(_("The file is not a valid photo")) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # A new image from the pixels alone: `info` (JPEG comments, ICC profiles, XMP…) would otherwise be written again.
    image = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return CleanPhoto(ContentFile(out.getvalue()), image.width, image.height)
