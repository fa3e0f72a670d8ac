"""The copy without metadata (gallery.imaging.shared_copy), on files made in memory."""

import io

import pytest
from PIL import Image, JpegImagePlugin

from gallery.imaging import formats, shared_copy
from gallery.tests.factories import camera_exif, location_of

PIXELS = Image.new("RGB", (64, 48), (200, 10, 10))


def encode(format, image=PIXELS, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(("format", "options"), [
    ("JPEG", {"exif": camera_exif(orientation=6), "comment": b"at home", "xmp": b"<x>GPSLatitude</x>"}),
    ("JPEG", {"exif": camera_exif(), "progressive": True, "icc_profile": b"\0" * 200_000}),
    ("PNG", {"exif": camera_exif(orientation=3)}),
    ("PNG", {"exif": camera_exif()}),  # upright: no orientation block written to hide a kept eXIf
    ("WEBP", {"exif": camera_exif(orientation=8), "xmp": b"<x>GPSLatitude</x>", "lossless": True}),
    ("GIF", {"comment": b"at home"}),
])  # fmt: skip
def test_the_copy_has_the_same_pixels_and_orientation_and_no_location(format, options):
    data = encode(format, **options)
    orientation = options.get("exif", {}).get(0x0112, 1) if "exif" in options else 1

    copy = shared_copy.strip(data, format, orientation)

    assert location_of(copy) == [] and b"at home" not in copy
    with Image.open(io.BytesIO(copy)) as stripped, Image.open(io.BytesIO(data)) as original:
        assert stripped.tobytes() == original.tobytes()  # lossless: not re-encoded
        assert dict(stripped.getexif()) == ({0x0112: orientation} if orientation != 1 else {})
        assert stripped.info.get("icc_profile") == original.info.get("icc_profile")


def test_an_mpo_copy_keeps_only_the_first_picture():
    buffer = io.BytesIO()
    PIXELS.save(buffer, "MPO", save_all=True, append_images=[PIXELS], exif=camera_exif())
    copy = shared_copy.strip(buffer.getvalue(), "JPEG")

    with Image.open(io.BytesIO(copy)) as stripped:
        assert (stripped.format, getattr(stripped, "n_frames", 1)) == ("JPEG", 1)
    assert location_of(copy) == []


def test_trailing_data_after_the_image_goes():
    data = encode("JPEG") + b"<html><script>alert(1)</script>"
    assert b"<script>" not in shared_copy.strip(data, "JPEG")


def test_a_file_whose_structure_does_not_parse_cannot_be_stripped():
    with pytest.raises(shared_copy.CannotStrip):
        shared_copy.strip(encode("JPEG")[:40], "JPEG")


def test_every_format_name_an_allowed_plugin_can_report_is_accepted():
    """MPO was a 500: the JPEG plugin reports it. Every class an allowed plugin opens must map."""
    Image.init()
    reported = set()
    for name in formats.SUPPORTED_FORMATS:
        opener = Image.OPEN[name][0]
        classes = [opener] if isinstance(opener, type) else [JpegImagePlugin.JpegImageFile]
        while classes:
            cls = classes.pop()
            reported.add(cls.format)
            classes += cls.__subclasses__()
    accepted = set(formats.SUPPORTED_FORMATS) | set(formats.FORMAT_OF_PLUGIN_RESULT)
    assert "MPO" in reported and reported <= accepted
