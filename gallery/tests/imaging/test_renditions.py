"""gallery.imaging.renditions: every size is a row, and the settings fill the long sides."""

import io

from django.conf import settings
from PIL import Image

from gallery.imaging.renditions import DISPLAY, RENDITIONS, THUMBNAIL
from gallery.storage.s3.keys import rendition_key
from gallery.tests.factories import image_bytes
from gallery.tests.imaging.test_process import process


def test_todays_two_sizes():
    assert [(row.name, row.long_side, row.format, row.quality) for row in RENDITIONS] == [
        ("thumb", 400, "JPEG", 85),
        ("display", 1600, "JPEG", 82),
    ]
    assert (
        THUMBNAIL.long_side,
        DISPLAY.long_side,
    ) == (settings.PHOTOSHARE_THUMBNAIL_SIZE, settings.PHOTOSHARE_DISPLAY_SIZE)


def test_each_row_names_its_key():
    assert [rendition_key("ab" * 16, row) for row in RENDITIONS] == [
        f"photos/{'ab' * 16}/thumb.jpg",
        f"photos/{'ab' * 16}/display.jpg",
    ]


def test_process_image_makes_each_row_at_its_long_side_and_format():
    processed = process(image_bytes("JPEG", size=(2000, 1000)), thumbnail_size=300, display_size=900)
    for row, long_side in ((THUMBNAIL, 300), (DISPLAY, 900)):
        made = getattr(processed, row.field)
        assert max(made.width, made.height) == long_side
        assert Image.open(io.BytesIO(made.data)).format == row.format
