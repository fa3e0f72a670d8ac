"""A profile picture: the uploaded image, checked by the same policy and opened by the same decoder
as a photo (gallery.imaging.process), cut to its centre square and written as a JPEG at each
size. Nothing of the file's metadata is kept (no EXIF, GPS, comment or colour profile): an
avatar is shown to everyone, and a phone photo's position must never reach them."""

import math
import warnings
from dataclasses import dataclass

from PIL import Image

from gallery.imaging.encode import EncodedJpeg, jpeg
from gallery.imaging.formats import accepted_format, open_upload
from gallery.imaging.policy import InvalidImage, too_many_pixels
from gallery.imaging.process import (
    _ORIENTED_BY_PLUGIN,
    _check_pixels,
    _decode_upright,
    _exif,
    _orientation,
)

# The sizes kept (px, square): the person's page and the header/comments, at 2x for sharp screens.
SIZES = (256, 64)
QUALITY = 85


@dataclass(frozen=True)
class Avatar:
    images: dict  # size: EncodedJpeg, largest first

    def image(self, size):
        return self.images[size]


def make_avatar(fileobj, policy, sizes=SIZES):
    """The avatar of `fileobj` at each of `sizes` (never enlarged: a small picture stays small).
    InvalidImage as for a photo: not an image, a format or a size the policy refuses, damaged."""
    with open_upload(fileobj, policy) as image, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        image_format = accepted_format(image, policy)
        _check_pixels(image, image_format, policy)
        orientation = 1 if image_format in _ORIENTED_BY_PLUGIN else _orientation(_exif(image))
        # Decoded so that the short side still covers the largest square (a reduced-scale JPEG decode).
        short, long = sorted(image.size)
        box = math.ceil(max(sizes) * long / max(1, short))
        try:
            decoded = _decode_upright(image, box, orientation)
        except Image.DecompressionBombError:
            raise too_many_pixels(policy.max_pixels) from None
        except Exception:  # Pillow's many errors on malformed data: the file's fault
            raise InvalidImage("damaged") from None
    side = min(decoded.size)
    left, top = (decoded.width - side) // 2, (decoded.height - side) // 2
    square = decoded.crop((left, top, left + side, top + side))
    images = {}
    for size in sorted(sizes, reverse=True):
        target = min(size, side)
        if square.width != target:
            square = square.resize((target, target), Image.Resampling.LANCZOS, reducing_gap=2.0)
        # jpeg() names what is written: no exif=, no icc_profile=, an empty comment.
        images[size] = EncodedJpeg(jpeg(square, quality=QUALITY, optimize=True), target, target)
    return Avatar(images)
