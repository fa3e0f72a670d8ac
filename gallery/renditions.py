"""The display size of a photo and the EXIF facts shown on its page. Pillow only, no Django.

Runs after gallery.images.prepare_image has accepted the file (format, pixel limit, intact
data), so a failure here is unexpected and reported as InvalidImage like there.
"""

import warnings
from dataclasses import dataclass

from PIL import Image

from gallery.images import InvalidImage, encode_shrunk_jpeg, orientation_of

DISPLAY_QUALITY = 82
_EXIF_IFD = 0x8769
_DATE_TIME_ORIGINAL = 0x9003
_DATE_TIME = 0x0132
_MAKE, _MODEL = 0x010F, 0x0110
_MAX_TEXT = 64


@dataclass(frozen=True)
class ExifFacts:
    """Only what the photo page shows. GPS and every other tag stay in the original."""

    taken: str = ""
    camera: str = ""


def make_display(fileobj, size):
    """A JPEG of at most `size` px on the long side, upright, without any metadata.

    Browsers cannot show every accepted original (TIFF, HEIC) and a 24 MP original is too big
    for a page, so the photo page shows this; the original is one click away.
    """
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bombs and corrupt EXIF were dealt with by images
            with Image.open(fileobj) as image:
                return encode_shrunk_jpeg(
                    image, size, orientation_of(image), quality=DISPLAY_QUALITY, progressive=True
                )
    except Exception as error:  # decoders raise many types; the file was accepted moments ago
        raise InvalidImage("The image is damaged or incomplete and cannot be read.") from error


def read_exif_facts(fileobj):
    """Date taken and camera from the header (nothing is decoded); empty when absent or corrupt."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(fileobj) as image:
                exif = _exif(image)
                details = _ifd(exif, _EXIF_IFD)
    except Exception:
        return ExifFacts()
    taken = _text(details.get(_DATE_TIME_ORIGINAL)) or _text(exif.get(_DATE_TIME))
    make, model = _text(exif.get(_MAKE)), _text(exif.get(_MODEL))
    # Many cameras repeat the make in the model: "Canon" + "Canon EOS R6".
    camera = model if make and model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    return ExifFacts(taken=taken, camera=camera[:_MAX_TEXT])


def _exif(image):
    try:
        return image.getexif()
    except Exception:
        return Image.Exif()


def _ifd(exif, tag):
    try:
        return exif.get_ifd(tag)
    except Exception:
        return {}


def _text(value):
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    if not isinstance(value, str):
        return ""
    return "".join(char for char in value if char.isprintable()).strip()[:_MAX_TEXT]
