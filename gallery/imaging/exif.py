"""The EXIF facts a photo page shows, read from an image's header (gallery.imaging.process opens it):
date taken, camera, lens, exposure, aperture, focal length, ISO. Never location: GPS and every
other tag stay in the original file. Pillow's Image.Exif in, plain strings and numbers out.
"""

import math

from gallery.domain import taken as taken_time
from gallery.domain.exif_facts import ExifFacts

_EXIF_IFD = 0x8769
_DATE_TIME_ORIGINAL = 0x9003
_DATE_TIME = 0x0132
# The offsets from UTC of DateTimeOriginal and DateTime (EXIF 2.31), in the Exif sub-IFD.
_OFFSET_TIME_ORIGINAL, _OFFSET_TIME = 0x9011, 0x9010
_MAKE, _MODEL = 0x010F, 0x0110
# In the Exif sub-IFD: how the photo was taken.
_EXPOSURE_TIME, _F_NUMBER, _ISO, _FOCAL_LENGTH = 0x829A, 0x829D, 0x8827, 0x920A
_LENS_MAKE, _LENS_MODEL = 0xA433, 0xA434
_MAX_TEXT = 64


def exif_facts(exif):
    """The facts of a Pillow Image.Exif (read from the header); empty ones for missing or
    broken values, never an error."""
    try:
        details = exif.get_ifd(_EXIF_IFD)
    except Exception:
        details = {}
    taken = taken_time.from_exif(
        _text(details.get(_DATE_TIME_ORIGINAL)), _text(details.get(_OFFSET_TIME_ORIGINAL))
    ) or taken_time.from_exif(_text(exif.get(_DATE_TIME)), _text(details.get(_OFFSET_TIME)))
    return ExifFacts(
        taken=taken,
        camera=_maker_and_model(_text(exif.get(_MAKE)), _text(exif.get(_MODEL))),
        lens=_maker_and_model(_text(details.get(_LENS_MAKE)), _text(details.get(_LENS_MODEL))),
        exposure=_exposure(_number(details.get(_EXPOSURE_TIME))),
        aperture=_formatted(_number(details.get(_F_NUMBER)), "f/{}"),
        focal_length=_formatted(_number(details.get(_FOCAL_LENGTH)), "{} mm"),
        iso=_iso(details.get(_ISO)),
    )


_GPS_IFD = 0x8825
_GPS_LATITUDE_REF, _GPS_LATITUDE, _GPS_LONGITUDE_REF, _GPS_LONGITUDE = 1, 2, 3, 4


def gps_position(exif):
    """(latitude, longitude) in degrees, to 6 decimals (~0.1 m), from the GPS IFD, or None
    (none written, broken, out of range, or 0, 0: a receiver without a fix). Not an ExifFacts
    field: the photo page and the API show those to everyone, and a position is its owner's
    alone (gallery.services keeps it on the photo item and the owner's map list only)."""
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:
        return None
    latitude = _degrees(gps.get(_GPS_LATITUDE), gps.get(_GPS_LATITUDE_REF), "S", 90)
    longitude = _degrees(gps.get(_GPS_LONGITUDE), gps.get(_GPS_LONGITUDE_REF), "W", 180)
    if latitude is None or longitude is None or (latitude, longitude) == (0, 0):
        return None
    return latitude, longitude


def _degrees(value, ref, negative, limit):
    """Degrees, minutes and seconds (three rationals) and their N/S or E/W reference as one signed
    number, or None."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    total = parts[0] + parts[1] / 60 + parts[2] / 3600
    if total > limit:
        return None
    return round(-total if _text(ref).upper() == negative else total, 6)


def _maker_and_model(make, model):
    # Many cameras repeat the make in the model: "Canon" + "Canon EOS R6".
    text = model if make and model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    return text[:_MAX_TEXT]


def _number(value):
    """A positive finite number from an EXIF rational or integer, or None (missing, 0/0, corrupt)."""
    if isinstance(value, tuple) and value:  # some writers repeat a value
        value = value[0]
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) and 0 < number < 1_000_000 else None


def _exposure(seconds):
    """1/250 s below a second (as cameras show it), 2.5 s above."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"1/{round(1 / seconds)} s"
    return f"{seconds:g} s"


def _formatted(number, pattern):
    """`number` to one decimal, without a trailing ".0" (f/8, f/2.8, 4.2 mm), in `pattern`."""
    return pattern.format(f"{round(number, 1):g}") if number is not None else ""


def _iso(value):
    number = _number(value)
    return int(number) if number is not None and number == int(number) else 0


def _text(value):
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    if not isinstance(value, str):
        return ""
    return "".join(char for char in value if char.isprintable()).strip()[:_MAX_TEXT]
