"""Photos as phones and tools write them (gallery.imaging.process): big HEICs and TIFFs accepted
upright, and nothing the file says about itself (comments, text chunks) in any rendition."""

import io

import pytest
from PIL import Image, PngImagePlugin

from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, process_image
from gallery.tests.corpus import phone_heic
from gallery.tests.factories import camera_exif, location_of

# The site's defaults (README): 50 MP, 125 MB for formats decoded whole.
POLICY = ImagePolicy(
    max_bytes=50_000_000,
    max_pixels=50_000_000,
    max_decode_bytes=125_000_000,
    formats=tuple(SUPPORTED_FORMATS),
)
SECRET = b"Serial 4711 at 48.8566N 2.3522E, Jane Doe"


def process(data):
    return process_image(io.BytesIO(data), POLICY, thumbnail_size=400, display_size=1600)


def opened(data):
    return Image.open(io.BytesIO(data))


def renditions(processed):
    return {
        "display": processed.display.data,
        "thumbnail": processed.thumbnail.data,
        "shared": processed.shared.data,
    }


def test_a_12_mp_10_bit_phone_heic_is_accepted_upright_with_a_full_size_copy():
    """It was refused as "damaged or incomplete": the full-size pixels were released after the
    sizes were made, and the full-size copy (a JPEG for HEIC) then found none to encode."""
    processed = process(phone_heic())

    assert (processed.format, processed.width, processed.height) == ("HEIF", 3024, 4032)
    assert processed.exif.camera == "Apple iPhone 13 Pro Max"
    display = opened(processed.display.data)
    assert display.size == (1200, 1600)
    top, bottom = display.getpixel((600, 10)), display.getpixel((600, 1590))
    assert top[2] > 200 > top[0] and bottom[0] > 200 > bottom[2]  # turned once, by the HEIF's rotation
    shared = opened(processed.shared.data)
    assert (shared.format, shared.size) == ("JPEG", (3024, 4032)) and not shared.getexif()
    assert location_of(processed.shared.data) == []


def test_a_tiff_too_big_to_decode_at_its_display_size_is_accepted_and_turned_once():
    """Its sibling: a 4000 x 3000 TIFF was refused the same way (an RGB TIFF now has 8.9 MP at
    the default limits: 3400 x 2600 here). Pillow's TIFF plugin applies the orientation itself:
    the EXIF one applied again turned it twice."""
    stored = Image.new("RGB", (3400, 2600), (250, 0, 0))
    stored.paste((0, 0, 250), (0, 0, 1700, 2600))  # blue on the stored left
    buffer = io.BytesIO()
    stored.save(buffer, format="TIFF", exif=camera_exif(orientation=6))

    processed = process(buffer.getvalue())

    assert (processed.width, processed.height) == (2600, 3400)
    for data in (processed.display.data, processed.shared.data):
        image = opened(data).convert("RGB")
        top, bottom = (
            image.getpixel((image.width // 2, 5)),
            image.getpixel((image.width // 2, image.height - 5)),
        )
        assert top[2] > 200 > top[0] and bottom[0] > 200 > bottom[2]


def saved(format, **options):
    image = Image.new("RGB", (2400, 1600) if format != "GIF" else (240, 160), (20, 120, 200))
    if format == "GIF":
        image = image.convert("P")
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def png_text():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Author", SECRET.decode(), zip=True)
    info.add_itxt("Description", SECRET.decode(), lang="en")
    return info


@pytest.mark.parametrize(
    ("format", "options"),
    [
        ("JPEG", {"comment": SECRET, "exif": camera_exif(orientation=6)}),
        ("JPEG", {"comment": SECRET}),  # upright
        ("GIF", {"comment": SECRET}),
        ("PNG", {"pnginfo": png_text()}),
        ("WEBP", {"xmp": SECRET, "exif": camera_exif()}),
        ("TIFF", {"tiffinfo": {270: SECRET.decode(), 315: SECRET.decode()}}),
        ("HEIF", {"xmp": SECRET, "exif": camera_exif().tobytes()}),
    ],
    ids=[
        "jpeg com",
        "upright jpeg com",
        "gif comment",
        "png text chunks",
        "webp xmp",
        "tiff description",
        "heif xmp",
    ],
)
def test_no_comment_or_text_of_the_file_reaches_any_rendition(format, options):
    data = saved(format, **options)
    assert SECRET in data or format == "PNG"  # PNG's zTXt is compressed: its iTXt is in clear
    processed = process(data)

    for name, rendition in renditions(processed).items():
        assert SECRET not in rendition, name
        assert location_of(rendition) == [], name
        assert "comment" not in opened(rendition).info, name


def test_a_comment_too_long_for_a_jpeg_is_left_out_not_an_error():
    """A GIF comment over 64 KB (a JPEG segment's limit) made saving the sizes fail: a 500 on the
    form, and a job that failed on every delivery."""
    processed = process(saved("GIF", comment=b"x" * 70_000))

    assert opened(processed.display.data).size == (240, 160)
    assert b"xxxxxxxx" not in processed.display.data + processed.thumbnail.data + processed.shared.data
