"""Progress photos as the public may see them: re-encoded by Pillow, so no metadata (EXIF GPS,
camera serials) survives, turned upright, and no larger than a phone screen needs."""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600  # pixels: sharp on a phone and a projector, a few hundred KB as JPEG
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


def clean_photo(upload: UploadedFile) -> ContentFile[bytes]:
    """The upload as a fresh JPEG without metadata, or a ValidationError saying what is wrong."""
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("The photo is too large in pixels."), code="too_many_pixels"
                )
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise ValidationError(_("Only JPEG, PNG or WebP photos."), code="not_a_photo")
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a photo."), code="not_a_photo") from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=85, optimize=True)  # saved without exif= : nothing carried
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.jpg")
