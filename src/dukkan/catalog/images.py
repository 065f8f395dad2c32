"""Covers and gallery pictures: checked by content, re-encoded, thumbnailed with Pillow.

Every picture is decoded and written anew (WebP), so no metadata (EXIF GPS, comments) and no
payload hidden in the original bytes survives; the EXIF orientation is applied first so a
phone photo stands upright. Anything Pillow cannot decode as a picture is refused.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 8000 x 5000; more is a decompression bomb, not a cover
ORIGINAL_WIDTH = 1600
SMALL_WIDTH = 320
LARGE_WIDTH = 960


@dataclass(frozen=True)
class Rendition:
    content: ContentFile[bytes]
    width: int
    height: int


def _encode(image: Image.Image, width: int, name: str) -> Rendition:
    copy = image.copy()
    if copy.width > width:
        height = max(1, round(copy.height * width / copy.width))
        copy = copy.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, "WEBP", quality=82, method=4)
    return Rendition(ContentFile(buffer.getvalue(), name=name), copy.width, copy.height)


def open_picture(upload: File[Any]) -> Image.Image:
    """The decoded picture, upright, in RGB(A); ValidationError for anything else."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The picture is larger than 15 MB."), code="too_large")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF picture."), code="bad_format"
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The picture has too many pixels."), code="too_large")
            probe.verify()
            upload.seek(0)
            opened = Image.open(upload)
            opened.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as error:
        raise ValidationError(
            _("This file is not a picture we can read (JPEG, PNG, WebP or GIF)."),
            code="not_image",
        ) from error
    image: Image.Image = ImageOps.exif_transpose(opened) or opened
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if has_alpha else "RGB")


def renditions(upload: File[Any], widths: tuple[int, ...]) -> list[Rendition]:
    """The picture re-encoded as WebP at each width (never enlarged)."""
    image = open_picture(upload)
    return [_encode(image, width, f"w{width}.webp") for width in widths]
