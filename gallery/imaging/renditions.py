"""The sizes made of every photo: one row each, and every size is read from here.

    name       the S3 key's file name (photos/<id>/<name>.<extension>, gallery.storage.s3.keys)
    field      the Photo record's fields (<field>_key, _width, _height) and ProcessedImage's;
               "sources" for the rows of SOURCES, which a photo lists in its `sources` field
    long_side  px; for THUMBNAIL and DISPLAY the default of its setting, PHOTOSHARE_<FIELD>_SIZE,
               which fills it (LIMITS)
    format, extension, quality, progressive, effort: how process_image encodes it

All are upright images without any metadata: browsers cannot show every accepted original (TIFF,
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
    effort: int = 0  # WebP's `method` (0 fastest .. 6 smallest)

    @property
    def content_type(self):
        return f"image/{self.extension}" if self.extension != "jpg" else "image/jpeg"


# The JPEG sizes every photo has had: the fallback of <picture> (gallery/templates/gallery/_picture.html)
# and all that photos made before SOURCES existed have.
# The size list pages show to browsers without WebP (and photos without sources).
THUMBNAIL = Rendition("thumb", "thumbnail", 400, "JPEG", "jpg", quality=85)
# The size the photo page shows (the original is a link away); progressive: it appears early.
DISPLAY = Rendition("display", "display", 1600, "JPEG", "jpg", quality=82, progressive=True)
RENDITIONS = (THUMBNAIL, DISPLAY)

# The modern-format sizes <picture> offers through srcset: a card (278-372 CSS px) and the viewer
# (up to ~850 CSS px) on 1x-3x screens. WebP q75 is ~half the bytes of JPEG q82 at the same
# size; AVIF encodes 3-5x slower for no smaller files on photos here (docs/benchmarks.md).
# 2000, not 2048: a 12 MP JPEG (4000x3000) then decodes at 1/2 scale in libjpeg, not whole.
# effort 2: ~2x the speed of WebP's default (4) for ~8 % more bytes (bench/renditions.py).
SOURCE_SIZES = (400, 800, 1200, 1600, 2000)
SOURCES = tuple(
    Rendition(f"w{size}", "sources", size, "WEBP", "webp", quality=75, effort=2) for size in SOURCE_SIZES
)


def sources_for(width, height, sources=SOURCES):
    """The rows of `sources` a `width` x `height` photo has, smallest first: each smaller than
    the photo, and one at the photo's own size when a larger row exists (a 1000 px photo gets
    400, 800 and 1000); never an enlarged copy."""
    made = []
    for row in sorted(sources, key=lambda row: row.long_side):
        made.append(row)
        if row.long_side >= max(width, height):
            break  # the photo's own size, made once
    return made
