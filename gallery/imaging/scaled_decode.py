"""A JPEG decoded by libjpeg at the smallest scale that still covers a box (DCT scaling).

libjpeg-turbo decodes at M/8 of the full size and picks the smallest M/8 not below the 1/N that
Pillow asks for. Image.draft() asks only for 1/8, 1/4, 1/2 or 1/1, so a 24 MP photo (6000 px)
decoded for the 2000 px size came out at 1/2 (3000 px): the resize to 2000 then read 2.25 times
the pixels it makes. Asking for 1/3 gets 3/8 (2250 px): a cheaper decode and a resize over 44 %
fewer pixels, for -0.1 dB against a full-resolution LANCZOS reference (bench/renditions.py,
issue 26). 5/8-7/8 cannot be asked for as 1/N. Pillow only.
"""

from PIL import ImageFile

# M of libjpeg's M/8 -> the N of the 1/N Pillow's decoder is given that makes libjpeg pick it.
_DENOMINATOR = {1: 8, 2: 4, 3: 3, 4: 2, 8: 1}


def eighths(width, height, box):
    """The smallest M (of libjpeg's M/8 scales reachable, _DENOMINATOR) at which a `width` x
    `height` JPEG still covers `box` (never below it: the resize that follows only shrinks)."""
    return next(
        m for m in sorted(_DENOMINATOR) if m == 8 or (width * m >= 8 * box[0] and height * m >= 8 * box[1])
    )


def scaled_size(width, height, box):
    """The size libjpeg decodes a `width` x `height` JPEG to for `box` (its jdiv_round_up)."""
    m = eighths(width, height, box)
    return -(-width * m // 8), -(-height * m // 8)


def draft(image, box):
    """Set the JPEG `image` (not loaded yet) to decode to RGB at scaled_size: draft() for the
    scales it knows, the decoder's 1/3 for 3/8. The size set must be libjpeg's exactly: any other
    makes the decode fail (OSError), never a wrong image."""
    m = eighths(image.width, image.height, box)
    size = scaled_size(image.width, image.height, box)
    image.draft("RGB", box)  # the mode (RGB, or CMYK as it is) and the powers of two
    if m != 3 or len(image.tile) != 1:
        return
    codec, _, offset, args = image.tile[0]
    image.tile = [ImageFile._Tile(codec, (0, 0, *size), offset, args)]
    image._size = size
    image.decoderconfig = (_DENOMINATOR[m], 0)
