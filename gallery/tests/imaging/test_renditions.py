"""gallery.imaging.renditions: every size is a row, and the settings fill the long sides."""

import io

import pytest
from django.conf import settings
from PIL import Image

from gallery.imaging.renditions import DISPLAY, RENDITIONS, SOURCES, THUMBNAIL, sources_for
from gallery.storage.s3.keys import rendition_key
from gallery.tests.factories import camera_exif, image_bytes
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


def test_the_sources_cover_one_to_three_times_a_card_and_the_viewer_in_webp():
    assert [(row.name, row.long_side, row.format) for row in SOURCES] == [
        ("w400", 400, "WEBP"),
        ("w800", 800, "WEBP"),
        ("w1200", 1200, "WEBP"),
        ("w1600", 1600, "WEBP"),
        ("w2000", 2000, "WEBP"),
    ]
    assert rendition_key("ab" * 16, SOURCES[0]) == f"photos/{'ab' * 16}/w400.webp"
    assert SOURCES[0].content_type == "image/webp" and THUMBNAIL.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("size", "long_sides"),
    [
        ((4000, 3000), [2000, 1600, 1200, 800, 400]),
        ((1000, 1500), [1500, 1200, 800, 400]),  # its own size once, never enlarged
        ((800, 600), [800, 400]),
        ((120, 80), [120]),
    ],
)
def test_process_image_makes_each_source_the_photo_has_from_one_decode(size, long_sides):
    processed = process(image_bytes("JPEG", size=size))
    assert [max(made.width, made.height) for made in processed.sources] == long_sides
    assert len(sources_for(*size)) == len(long_sides)  # the rows a record of that size lists
    for made in processed.sources:
        opened = Image.open(io.BytesIO(made.data))
        assert (opened.format, opened.size) == ("WEBP", (made.width, made.height))
        assert made.content_type == "image/webp"


def test_no_source_carries_the_originals_metadata():
    data = image_bytes("JPEG", size=(900, 600), exif=camera_exif(orientation=6))
    for made in process(data).sources:
        opened = Image.open(io.BytesIO(made.data))
        assert not opened.getexif() and "xmp" not in opened.info and "icc_profile" not in opened.info
        assert opened.width < opened.height  # upright
