"""What an uploaded image is held to, and what its uploader reads when it is refused.

One `ImagePolicy` (`gallery.imaging.process.site_policy(LIMITS)`) is passed by every path that
takes a photo in (the upload form, the API, the direct-upload worker) to
gallery.imaging.process.process_image, which has no limit of its own: a path cannot leave one out.

Each refusal is an `InvalidImage` whose words are written here once, as English message ids with
named values. No Django in this layer: `gettext_noop` below only marks them for the catalog
(makemessages looks for the name); gallery.web.forms and the photo page show them translated.
"""

import re
from dataclasses import dataclass


def gettext_noop(message):
    """Marks `message` for the translation catalog; it is translated where it is shown."""
    return message


MESSAGES = {
    "not_an_image": gettext_noop("The file is not an image, or it is damaged."),
    "damaged": gettext_noop("The image is damaged or incomplete and cannot be read."),
    "unsupported_format": gettext_noop("%(format)s images are not supported; please upload %(formats)s."),
    "too_many_pixels": gettext_noop("The image has too many pixels; the limit is %(megapixels)s megapixels."),
}
# Formats decoded whole have a lower limit than JPEG (decode_pixel_limit): the message names both.
TOO_MANY_PIXELS_OF_FORMAT = gettext_noop(
    "The image has too many pixels; the limit is %(megapixels)s megapixels for %(format)s images "
    "(%(jpeg_megapixels)s for JPEG)."
)
# Transparency costs twice the memory (an RGBA decode, then its flattening): its own, lower limit.
TOO_MANY_PIXELS_WITH_ALPHA = gettext_noop(
    "The image has too many pixels; the limit is %(megapixels)s megapixels for %(format)s images "
    "with transparency (%(jpeg_megapixels)s for JPEG)."
)

# A PNG that cannot be decoded in bands (interlaced, or not 8 bits a channel: gallery.imaging.png_bands)
# is held to the budget of images decoded whole, while other PNGs go to JPEG's limit: say which.
TOO_MANY_PIXELS_PNG_DECODED_WHOLE = gettext_noop(
    "The image has too many pixels; the limit is %(megapixels)s megapixels for interlaced PNG images and "
    "those not of 8 bits a channel (%(jpeg_megapixels)s for other PNGs and for JPEG)."
)

# A lossless WebP (gallery.imaging.decoders.webp_lossless) costs more than other WebPs: libwebp's
# decoder holds the whole image (4 bytes a pixel) beside the decode. Its own, lower limit.
TOO_MANY_PIXELS_LOSSLESS_WEBP = gettext_noop(
    "The image has too many pixels; the limit is %(megapixels)s megapixels for lossless WebP images "
    "(%(jpeg_megapixels)s for JPEG)."
)


def message_of(text):
    """(message_id, params) of an English refusal made here, or None. A failed photo keeps its
    reason as the English text (gallery.services.photos); read back, it is shown translated."""
    others = (
        TOO_MANY_PIXELS_OF_FORMAT,
        TOO_MANY_PIXELS_WITH_ALPHA,
        TOO_MANY_PIXELS_PNG_DECODED_WHOLE,
        TOO_MANY_PIXELS_LOSSLESS_WEBP,
    )
    for message_id in (*MESSAGES.values(), *others):
        if match := _pattern(message_id).fullmatch(text):
            return message_id, match.groupdict()
    return None


def _pattern(message_id):
    """The message with each %(name)s as a named group."""
    return re.compile(re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", re.escape(message_id)))


class InvalidImage(ValueError):
    """The file is not an image we can accept. `str(error)` is the English message;
    `message_id` and `params` say it in another language (gettext(message_id) % params); `code`
    is one of "not_an_image", "unsupported_format", "too_many_pixels", "damaged"."""

    def __init__(self, code, params=None, *, message_id=None):
        self.code = code
        self.params = params or {}
        self.message_id = message_id or MESSAGES[code]
        super().__init__(self.message_id % self.params)


def too_many_pixels(
    max_pixels, format_name=None, jpeg_max_pixels=None, *, alpha=False, in_bands=False, lossless=False
):
    """The refusal of an image over `max_pixels`: of any format, or of `format_name`'s own limit
    (with transparency when `alpha`; a PNG not decoded `in_bands`; a `lossless` WebP) beside JPEG's."""
    params = {"megapixels": _megapixels(max_pixels)}
    if format_name is None:
        return InvalidImage("too_many_pixels", params)
    params["jpeg_megapixels"] = _megapixels(jpeg_max_pixels)
    if format_name == "PNG" and not in_bands:
        return InvalidImage("too_many_pixels", params, message_id=TOO_MANY_PIXELS_PNG_DECODED_WHOLE)
    if lossless:
        return InvalidImage("too_many_pixels", params, message_id=TOO_MANY_PIXELS_LOSSLESS_WEBP)
    params["format"] = format_name
    message_id = TOO_MANY_PIXELS_WITH_ALPHA if alpha else TOO_MANY_PIXELS_OF_FORMAT
    return InvalidImage("too_many_pixels", params, message_id=message_id)


def _megapixels(pixels):
    """Rounded down to a tenth (7.8125 -> "7.8"): never more than is accepted; under 1 MP as is."""
    return f"{pixels / 1_000_000:g}" if pixels < 1_000_000 else f"{pixels // 100_000 / 10:g}"


@dataclass(frozen=True)
class ImagePolicy:
    """Every limit an uploaded image is held to. All are required: no path gets a laxer default.

    `max_bytes`: the largest file, checked by whoever reads it (the form from the upload's size,
    the worker while reading it from S3) before any image work. `max_pixels`: width x height of
    any image, from its header. `max_decode_bytes`: the memory an image that is decoded whole (all
    but JPEG and the PNGs decoded in bands) may cost, pixels x decode_cost: what bounds a worker's
    peak (decode_pixel_limit). `formats`: the Pillow format names accepted
    (gallery.imaging.process.SUPPORTED_FORMATS)."""

    max_bytes: int
    max_pixels: int
    max_decode_bytes: int
    formats: tuple[str, ...]


# Bytes of `max_decode_bytes` a pixel of an image decoded whole costs. A worker's growth a pixel,
# measured in a fresh process (Pillow 13, pillow-heif 1.9; bench/worker_memory.py,
# docs/benchmarks.md): RGB-like decodes 4.9 (Pillow holds RGB in 4 bytes), with transparency 8.4,
# one-byte modes (L, P, 1) 1.8, WebP 15.5 through Pillow (libwebp's WebPAnimDecoder: two RGBA
# canvases, a copy of the frame as bytes, the image; still WebPs now 3-7 through
# gallery.imaging.decoders, animated ones still this), HEIC 8.3 (now libheif's decode alone,
# ~4.5, gallery.imaging.decoders). A worker starts on
# an image at ~95 MB, so the default budget (125 MB) keeps it within 150 MB when a cost is ~125/50
# of the growth (at 10.4 MP an opaque TIFF peaked at 153 MB, at 6.25 MP a transparent one at 151):
# 14 opaque, 22 with transparency, 6 one-byte modes. WebP's and HEIC's are not
# (16 and 10: a 12 MP phone HEIC stays accepted): at their limits a lossy WebP peaks at 146 MB,
# a lossless one 161-169 at 7.8 MP (hence its own cost below), a 12 MP HEIC 157-158; since the
# worker starts ~10 MB lower (no cryptography: gallery/storage/s3/backend.py) the HEIC 149-150
# (docs/benchmarks.md, issue 26 fifth pass).
_DECODE_COST = {"WEBP": 16, "HEIF": 10}
# A lossless still WebP: the `webp` import (numpy, 12-14 MB), libwebp's whole-image ARGB (4 bytes a
# pixel) and the buffer decoded into (3, or 4 with transparency) at once: 161-169 MB at 7.8 MP,
# ~148 at this cost's 5 MP. A lossy one (libwebp decodes it a few rows at a time) keeps 16.
_LOSSLESS_WEBP_COST = 25
# The header fact (in `info`) that says a WebP is lossless: set from its chunks by
# gallery.imaging.process (decoders.webp_lossless); Pillow's plugin does not tell.
WEBP_LOSSLESS = "webp_lossless"
_ALPHA_COST = 22
_OPAQUE_COST = 14
_ONE_BYTE_COST = 6
_ONE_BYTE_MODES = {"1", "L", "P"}
# Modes whose flattening copies the whole image (rare in photos: counted as transparent ones).
_COSTLY_MODES = {"CMYK", "YCbCr", "LAB", "HSV", "I", "F", "RGBX"}


def has_alpha(mode, info):
    """Whether an image of `mode` (and header `info`) is decoded with an alpha channel."""
    return mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in info


def decode_cost(image_format, mode, info):
    """Peak bytes a pixel of this image costs when decoded whole."""
    if image_format == "WEBP" and info.get(WEBP_LOSSLESS):
        return _LOSSLESS_WEBP_COST
    if image_format in _DECODE_COST:
        return _DECODE_COST[image_format]
    if has_alpha(mode, info) or mode in _COSTLY_MODES:
        return _ALPHA_COST
    return _ONE_BYTE_COST if mode in _ONE_BYTE_MODES else _OPAQUE_COST


def decode_pixel_limit(policy, image_format, mode, info, *, banded=False):
    """The most pixels an image of this format and mode may have under `policy`, from its header:
    `max_pixels` for JPEG (decoded at a reduced scale) and for an image decoded a band of rows at
    a time (`banded`: gallery.imaging.png_bands.can_band; what it holds is bounded by the sizes
    made, not by its pixels), else what `max_decode_bytes` pays for."""
    if image_format == "JPEG" or banded:
        return policy.max_pixels
    return min(policy.max_pixels, policy.max_decode_bytes // decode_cost(image_format, mode, info))
