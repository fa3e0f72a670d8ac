"""EXIF orientations: the transposition each one asks for, and how a turn of the owner's (rotate)
combines with the camera's. Pillow only."""

import functools

from PIL import Image

# EXIF orientation -> the transposition that shows the image upright (as ImageOps.exif_transpose).
ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112
# Clockwise degrees -> the transposition that turns an image so (Pillow's turn counter-clockwise).
CLOCKWISE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def exif_orientation(exif):
    """The EXIF block's orientation; 1 (upright) when the tag is missing, corrupt or out of range."""
    try:
        orientation = exif.get(_EXIF_ORIENTATION, 1)
        return orientation if orientation in ORIENTATION_TRANSPOSE else 1
    except Exception:
        return 1


@functools.cache
def turned(orientation, degrees):
    """The EXIF orientation that shows an image written with `orientation` upright and then
    turned `degrees` clockwise (a multiple of 90). Found by trying the eight on a 3x2 probe of
    distinct pixels rather than from a hand-written table of the dihedral group."""
    if degrees % 360 == 0:
        return orientation
    probe = Image.frombytes("L", (3, 2), bytes(range(6)))

    def shown(value):
        return probe.transpose(ORIENTATION_TRANSPOSE[value]) if value in ORIENTATION_TRANSPOSE else probe

    want = shown(orientation).transpose(CLOCKWISE[degrees % 360])
    return next(
        value
        for value in range(1, 9)
        if shown(value).size == want.size and shown(value).tobytes() == want.tobytes()
    )
