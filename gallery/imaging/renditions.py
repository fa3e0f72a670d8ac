"""The sizes made of every photo: one row each, and every size is read from here.

    name       the S3 key's file name (photos/<id>/<name>.<extension>, gallery.storage.s3.keys)
    field      the Photo record's fields (<field>_key, _width, _height) and ProcessedImage's
    long_side  px; the default of its setting, PHOTOSHARE_<FIELD>_SIZE, which fills it (LIMITS)
    format, extension, quality, progressive: how process_image encodes it

Both are upright JPEGs without any metadata: browsers cannot show every accepted original (TIFF,
HEIC), and GPS must not leak. Pure data: no Pillow, no Django.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rendition:
    name: str
    field: str
    long_side: int
    format: str
    extension: str
    quality: int
    progressive: bool = False


# The size list pages show (cards, 2x on phones through srcset).
THUMBNAIL = Rendition("thumb", "thumbnail", 400, "JPEG", "jpg", quality=85)
# The size the photo page shows (the original is a link away); progressive: it appears early.
DISPLAY = Rendition("display", "display", 1600, "JPEG", "jpg", quality=82, progressive=True)
RENDITIONS = (THUMBNAIL, DISPLAY)
