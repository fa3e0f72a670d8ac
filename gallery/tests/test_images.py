import io

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from gallery.images import InvalidImage, prepare_image
from gallery.tests.factories import exif_with, image_bytes


def prepare(data, thumbnail_size=400, max_pixels=50_000_000):
    return prepare_image(io.BytesIO(data), thumbnail_size=thumbnail_size, max_pixels=max_pixels)


def open_thumbnail(prepared):
    return Image.open(io.BytesIO(prepared.thumbnail.data))


def mean_difference(a, b):
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def test_thumbnail_fits_the_box_keeps_the_aspect_ratio_and_is_a_jpeg():
    prepared = prepare(image_bytes(size=(3000, 2000)))

    thumbnail = open_thumbnail(prepared)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 267) == (prepared.thumbnail.width, prepared.thumbnail.height)
    assert (prepared.format, prepared.extension, prepared.content_type) == ("JPEG", "jpg", "image/jpeg")
    assert (prepared.width, prepared.height) == (3000, 2000)


def test_small_images_are_not_enlarged():
    prepared = prepare(image_bytes(size=(120, 80)))
    assert (prepared.thumbnail.width, prepared.thumbnail.height) == (120, 80)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_thumbnail_is_upright_for_every_exif_orientation(orientation):
    data = image_bytes(size=(1200, 800), exif=exif_with(orientation=orientation))
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))

    prepared = prepare(data)

    thumbnail = open_thumbnail(prepared)
    assert thumbnail.size == upright.resize(thumbnail.size).size
    assert (prepared.width, prepared.height) == upright.size
    # Same picture as the full-size, upright original scaled down (JPEG noise aside).
    assert mean_difference(thumbnail, upright.resize(thumbnail.size)) < 4


def test_orientation_6_swaps_the_reported_size_and_puts_the_dark_corner_top_right():
    prepared = prepare(image_bytes(size=(1200, 800), exif=exif_with(orientation=6)))

    thumbnail = open_thumbnail(prepared)
    assert (prepared.width, prepared.height) == (800, 1200)
    assert thumbnail.size == (267, 400)
    assert sum(thumbnail.getpixel((250, 20))) < 150  # the stored top-left quadrant, now top-right
    assert sum(thumbnail.getpixel((20, 20))) > 250


def test_gps_and_other_exif_do_not_reach_the_thumbnail():
    data = image_bytes(exif=exif_with(orientation=1, gps=True))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the original carries GPS

    thumbnail = open_thumbnail(prepare(data))

    assert not thumbnail.getexif()
    assert "exif" not in thumbnail.info


def test_transparent_png_is_flattened_on_white():
    data = image_bytes(format="PNG", size=(300, 200), mode="RGBA", color=(0, 0, 0, 0))

    prepared = prepare(data)

    assert (prepared.format, prepared.extension, prepared.content_type) == ("PNG", "png", "image/png")
    assert open_thumbnail(prepared).getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)


def test_animated_gif_uses_the_first_frame():
    frames = [Image.new("RGB", (200, 100), color) for color in ((250, 0, 0), (0, 0, 250))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])

    prepared = prepare(buffer.getvalue())

    red, _, blue = open_thumbnail(prepared).getpixel((100, 50))
    assert prepared.content_type == "image/gif"
    assert red > 200 and blue < 60


@pytest.mark.parametrize(
    "data",
    [b"", b"just some text, not a picture", b"<html><script>alert(1)</script></html>"],
    ids=["empty", "text", "html"],
)
def test_non_images_are_rejected(data):
    with pytest.raises(InvalidImage, match="not an image"):
        prepare(data)


def test_truncated_jpeg_is_rejected():
    data = image_bytes(size=(1600, 1200))
    with pytest.raises(InvalidImage, match="damaged or incomplete"):
        prepare(data[: len(data) // 2])


def test_unsupported_format_is_named_in_the_error():
    with pytest.raises(InvalidImage, match="BMP images are not supported"):
        prepare(image_bytes(format="BMP", size=(50, 50)))


def test_pixel_limit_is_checked_before_decoding():
    with pytest.raises(InvalidImage, match="too many pixels"):
        prepare(image_bytes(format="PNG", size=(1000, 1000)), max_pixels=999_999)
