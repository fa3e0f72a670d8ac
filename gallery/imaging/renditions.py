"""The sizes made of every photo: one row each, and every size is read from here.

    name       the S3 key's file name (photos/<id>/<name>.<extension>, gallery.storage.s3.keys)
    field      the Photo record's fields (<field>_key, _width, _height) and ProcessedImage's;
               "sources" for the rows of SOURCES, which a photo lists in its `sources` field
    long_side  px (a card's row: its width); for THUMBNAIL and DISPLAY the default of its
               setting, PHOTOSHARE_<FIELD>_SIZE, which fills it (LIMITS)
    card       cut to a card's shape (CARD_ASPECTS) before it is resized
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
    # A card's: the photo cropped to `card_aspect` of its size, and `long_side` is then its width.
    card: bool = False

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
VIEWER_SOURCES = tuple(
    Rendition(f"w{size}", "sources", size, "WEBP", "webp", quality=75, effort=2) for size in SOURCE_SIZES
)

# A card's image (static/css/site.css: `.card img`, the column's width x 220 px, object-fit: cover)
# is 220-455 CSS px wide at every breakpoint (gallery.web.pictures.CARD_SIZES), so its box is
# 1:1 to 2.07:1. A photo cropped to its own aspect clamped to that range loses nothing any card
# shows: a portrait photo becomes its centre square (a card shows no more of it), a panorama
# 2.07:1; a 4:3 or 3:2 photo stays whole. Half a portrait photo's pixels, which phones paid for.
CARD_ASPECTS = (1.0, 2.07)
# Widths: 1x desktop (278 px cards), 2x desktop and Lighthouse's 1.75x phone (556-651 px), a 3x
# phone's one-column card (350 px: 1050). A 3x phone wider than 400 px (a 390 CSS px card and
# more) gets 1100 px, ~2.8x: the accepted trade of capping near 2-3x.
# q65: a card is small on a dense screen, where WebP's artefacts at 65 do not show; the
# viewer's sizes keep 75. ~15 % fewer bytes than 75 on photos (docs/benchmarks.md).
CARD_WIDTHS = (400, 700, 1100)
CARD_SOURCES = tuple(
    Rendition(f"c{width}", "sources", width, "WEBP", "webp", quality=65, effort=2, card=True)
    for width in CARD_WIDTHS
)
SOURCES = VIEWER_SOURCES + CARD_SOURCES


def card_aspect(width, height):
    """The aspect (width / height) a `width` x `height` photo's card sizes are cropped to."""
    low, high = CARD_ASPECTS
    return min(max(width / height, low), high)


def card_box(width, height):
    """The centred (left, top, right, bottom) crop of a `width` x `height` image to its card_aspect."""
    aspect = card_aspect(width, height)
    crop_width = min(width, round(height * aspect))
    crop_height = min(height, round(width / aspect))
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return left, top, left + crop_width, top + crop_height


def uncropped_long_side(width, height, row):
    """The long side the whole `width` x `height` photo is resized to before `row` is cut from it:
    its own for a viewer's row; for a card's, the one that gives the crop `row.long_side` wide."""
    if not row.card:
        return row.long_side
    return round(max(width, height) * row.long_side / _card_width(width, height))


def _card_width(width, height):
    left, _, right, _ = card_box(width, height)
    return right - left


def sources_for(width, height, sources=SOURCES):
    """The rows of `sources` a `width` x `height` photo has, viewer's then card's, each smallest
    first: each smaller than the photo (a card's: than its crop), and one at the photo's own size
    when a larger row exists (a 1000 px photo gets 400, 800 and 1000); never an enlarged copy."""
    made = []
    for card in (False, True):
        own = _card_width(width, height) if card else max(width, height)
        for row in sorted((row for row in sources if row.card == card), key=lambda row: row.long_side):
            made.append(row)
            if row.long_side >= own:
                break  # the photo's own size, made once
    return made
