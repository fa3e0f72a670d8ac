"""gallery.imaging.scaled_decode: a JPEG decoded at 3/8 as well as at 1/8, 1/4, 1/2, and the sizes
process_image makes from a 3/8 decode (their pixel sizes and a quality floor)."""

import io

import pytest
from PIL import Image

from gallery.imaging import scaled_decode
from gallery.imaging.process import process_image
from gallery.tests.imaging.test_process import mean_difference, opened, photo_like, policy


def jpeg(size, mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, 90).save(buffer, format="JPEG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("size", "box", "decoded"),
    [
        ((6000, 4000), (2000, 1333), (2250, 1500)),  # a 24 MP photo's largest size: 3/8, not 1/2
        ((4000, 3000), (2000, 1500), (2000, 1500)),  # 12 MP: 1/2 exactly
        ((4000, 3000), (400, 300), (500, 375)),  # 1/8
        ((8660, 5773), (2000, 1333), (2165, 1444)),  # 50 MP: 1/4
        ((2400, 1600), (2000, 1333), (2400, 1600)),  # 5/8-7/8 cannot be asked for: whole
        ((1201, 801), (400, 267), (451, 301)),  # libjpeg rounds up
    ],
)
def test_a_jpeg_decodes_at_the_smallest_scale_that_covers_the_box(size, box, decoded):
    assert scaled_decode.scaled_size(*size, box) == decoded


@pytest.mark.parametrize(
    ("mode", "options"), [("RGB", {}), ("RGB", {"progressive": True}), ("L", {}), ("CMYK", {})]
)
def test_a_3_8_decode_gives_the_size_it_announced_in_every_mode(mode, options):
    image = Image.open(io.BytesIO(jpeg((1200, 800), mode, **options)))
    scaled_decode.draft(image, (400, 267))
    image.load()
    assert image.size == (450, 300)


def test_sizes_made_from_a_3_8_decode_have_their_sizes_and_look_like_lanczos_from_every_pixel():
    """2400x1600 for an 800 px display: decoded at 3/8 (900x600), then BICUBIC to 800 and on down."""
    source = photo_like((2400, 1600))
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG", quality=95)
    made = process_image(
        io.BytesIO(buffer.getvalue()), policy(), thumbnail_size=200, display_size=800, sources=()
    )
    display, thumbnail = opened(made.display).convert("RGB"), opened(made.thumbnail).convert("RGB")
    assert (display.size, thumbnail.size) == ((800, 533), (200, 133))
    # The 1/2 decode gave 1.92 and 4.14 (mostly JPEG loss); a NEAREST thumbnail alone is 7.9 off.
    for image, floor in ((display, 2.5), (thumbnail, 4.5)):
        assert mean_difference(image, source.resize(image.size, Image.Resampling.LANCZOS)) < floor
