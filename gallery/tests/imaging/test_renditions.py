"""gallery.imaging.renditions: every size is a row, and the settings fill the long sides."""

import io

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from gallery.imaging.renditions import (
    CARD_ASPECTS,
    DISPLAY,
    RENDITIONS,
    SOURCES,
    THUMBNAIL,
    card_aspect,
    card_box,
    sources_for,
)
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
        ("c400", 400, "WEBP"),
        ("c700", 700, "WEBP"),
        ("c1100", 1100, "WEBP"),
    ]
    assert [row.card for row in SOURCES] == [False] * 5 + [True] * 3
    assert all(row.quality < DISPLAY.quality for row in SOURCES if row.card)  # small on dense screens
    assert rendition_key("ab" * 16, SOURCES[0]) == f"photos/{'ab' * 16}/w400.webp"
    assert SOURCES[0].content_type == "image/webp" and THUMBNAIL.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("size", "long_sides", "cards"),
    [
        ((4000, 3000), [2000, 1600, 1200, 800, 400], [(1100, 825), (700, 525), (400, 300)]),
        # its own size once, never enlarged; a portrait photo's cards are its centre square
        ((1000, 1500), [1500, 1200, 800, 400], [(1000, 1000), (700, 700), (400, 400)]),
        ((800, 600), [800, 400], [(800, 600), (700, 525), (400, 300)]),
        ((120, 80), [120], [(120, 80)]),
        (
            (3000, 1000),
            [2000, 1600, 1200, 800, 400],
            [(1099, 531), (700, 338), (400, 193)],
        ),  # 2.07:1, to a pixel
    ],
)
def test_process_image_makes_each_source_the_photo_has_from_one_decode(size, long_sides, cards):
    processed = process(image_bytes("JPEG", size=size))
    viewer = [made for made in processed.sources if not made.rendition.card]
    assert [max(made.width, made.height) for made in viewer] == long_sides
    assert [(made.width, made.height) for made in processed.sources if made.rendition.card] == cards
    assert len(sources_for(*size)) == len(long_sides) + len(cards)  # the rows a record of that size lists
    for made in processed.sources:
        opened = Image.open(io.BytesIO(made.data))
        assert (opened.format, opened.size) == ("WEBP", (made.width, made.height))
        assert made.content_type == "image/webp"


def test_no_source_carries_the_originals_metadata():
    data = image_bytes("JPEG", size=(900, 600), exif=camera_exif(orientation=6))
    for made in process(data).sources:
        opened = Image.open(io.BytesIO(made.data))
        assert not opened.getexif() and "xmp" not in opened.info and "icc_profile" not in opened.info
        assert opened.width < opened.height or made.rendition.card  # upright (a card: its square)


def test_a_card_is_cut_from_the_middle_of_the_photo():
    # A portrait photo, dark above and below its light middle square: its card is that square.
    image = Image.new("RGB", (300, 600), (0, 0, 0))
    image.paste((255, 255, 255), (0, 150, 300, 450))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    card = next(made for made in process(buffer.getvalue()).sources if made.rendition.card)
    opened = Image.open(io.BytesIO(card.data)).convert("L")
    assert opened.size == (300, 300)
    assert opened.getextrema()[0] > 200  # no dark band: nothing outside the middle square


@given(
    st.integers(1, 10_000),
    st.integers(1, 10_000),
    st.floats(CARD_ASPECTS[0], CARD_ASPECTS[1]),
)
def test_a_card_crop_keeps_all_that_any_card_box_shows(width, height, box_aspect):
    """object-fit: cover in a box of any card's aspect shows the centre of the photo; that part of
    the whole photo lies inside the crop (to a pixel's rounding)."""
    left, top, right, bottom = card_box(width, height)
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    shown_width = min(width, height * box_aspect)
    shown_height = min(height, width / box_aspect)
    assert right - left >= shown_width - 1 and bottom - top >= shown_height - 1
    assert CARD_ASPECTS[0] <= card_aspect(width, height) <= CARD_ASPECTS[1]
