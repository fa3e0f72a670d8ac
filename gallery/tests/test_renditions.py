"""Display size, EXIF facts and the extra formats (unit, in memory), and what the photo page shows."""

import io
import re

import pytest
from PIL import Image

from gallery.images import SUPPORTED_FORMATS, prepare_image
from gallery.renditions import ExifFacts, make_display, read_exif_facts
from gallery.tests.factories import exif_with, image_bytes
from gallery.tests.publishing import publish

EXIF_IFD, DATE_TIME_ORIGINAL, MAKE, MODEL = 0x8769, 0x9003, 0x010F, 0x0110


def camera_exif(make="Canon", model="Canon EOS R6", taken="2024:07:01 18:30:05", gps=True, orientation=None):
    exif = exif_with(orientation=orientation, gps=gps)
    exif[MAKE], exif[MODEL] = make, model
    exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = taken
    return exif


def opened(data):
    return Image.open(io.BytesIO(data))


def test_display_size_fits_the_long_side_upright_and_without_exif():
    data = image_bytes(size=(4000, 3000), exif=camera_exif(orientation=6))

    display = make_display(io.BytesIO(data), 1600)

    image = opened(display.data)
    assert image.format == "JPEG"
    assert (display.width, display.height) == image.size == (1200, 1600)
    assert not image.getexif()  # neither GPS nor anything else
    # The dark quadrant was top-left; rotated by orientation 6 it is top-right.
    assert image.getpixel((1100, 100))[0] < 60 and image.getpixel((100, 100))[0] > 120


def test_a_small_image_is_not_enlarged():
    display = make_display(io.BytesIO(image_bytes(size=(300, 200))), 1600)

    assert (display.width, display.height) == (300, 200)


def test_exif_facts_are_date_taken_and_camera_only():
    data = image_bytes(exif=camera_exif())

    assert read_exif_facts(io.BytesIO(data)) == ExifFacts(taken="2024:07:01 18:30:05", camera="Canon EOS R6")
    assert read_exif_facts(io.BytesIO(image_bytes(exif=camera_exif(make="NIKON", model="D750")))).camera == (
        "NIKON D750"
    )
    assert read_exif_facts(io.BytesIO(image_bytes())) == ExifFacts()


@pytest.mark.parametrize(
    ("pillow_format", "extension", "mode"),
    [("TIFF", "tif", "RGB"), ("TIFF", "tif", "I;16"), ("HEIF", "heic", "RGB"), ("WEBP", "webp", "RGBA")],
)
def test_more_formats_are_accepted_and_get_a_browser_friendly_display(pillow_format, extension, mode):
    assert pillow_format in SUPPORTED_FORMATS  # pillow-heif is a pinned requirement
    color = 40000 if mode == "I;16" else (10, 120, 200, 255)[: len(mode)]
    data = image_bytes(format=pillow_format, size=(800, 600), mode=mode, color=color)

    prepared = prepare_image(io.BytesIO(data), thumbnail_size=400, max_pixels=50_000_000)
    display = make_display(io.BytesIO(data), 1600)

    assert prepared.extension == extension
    assert opened(display.data).format == "JPEG" and (display.width, display.height) == (800, 600)


def test_an_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (200, 100), color) for color in ((250, 0, 0), (0, 0, 250))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)

    display = make_display(io.BytesIO(buffer.getvalue()), 1600)

    red, _green, blue = opened(display.data).convert("RGB").getpixel((100, 50))
    assert red > 200 and blue < 50


@pytest.mark.django_db
def test_photo_page_shows_display_size_date_taken_and_camera_never_gps(aws, client, user):
    photo = publish(user, title="Harbour", data=image_bytes(size=(2400, 1600), exif=camera_exif()))

    page = client.get(f"/photos/{photo.id}/").content.decode()

    assert f"/photos/{photo.id}/display.jpg?" in page and 'width="1600" height="1067"' in page
    assert f"/photos/{photo.id}/thumb.jpg?" in page and " 400w, " in page  # srcset
    assert f"/photos/{photo.id}/original.jpg?" in page
    assert '<dd class="taken">2024-07-01 18:30</dd>' in page
    assert '<dd class="camera">Canon EOS R6</dd>' in page
    facts = page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert re.findall(r"<dt>(\w+)</dt>", facts) == ["Taken", "Camera", "Uploaded"]  # no place
    assert "GPS" not in page and "48.0" not in page
    assert 'loading="lazy"' in client.get("/").content.decode()
    assert " 1600w" in client.get("/").content.decode()
