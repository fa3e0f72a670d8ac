"""Avatars (gallery.imaging.avatar): the photo pipeline's policy and decoder, a centre square at each
size, never enlarged, upright, and nothing of the file's metadata kept."""

import io

import pytest
from PIL import Image

from gallery.imaging.avatar import SIZES, make_avatar
from gallery.imaging.policy import ImagePolicy, InvalidImage
from gallery.imaging.process import SUPPORTED_FORMATS
from gallery.tests.factories import camera_exif, exif_with, image_bytes

EXIF_GPS_IFD = 0x8825


def policy(max_pixels=50_000_000):
    return ImagePolicy(
        max_bytes=50_000_000,
        max_pixels=max_pixels,
        max_decode_bytes=16 * max_pixels,
        formats=tuple(SUPPORTED_FORMATS),
    )


def opened(encoded):
    return Image.open(io.BytesIO(encoded.data))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_square_at_each_size_from_any_format(image_format):
    avatar = make_avatar(io.BytesIO(image_bytes(format=image_format, size=(1200, 800))), policy())
    assert [(avatar.image(size).width, avatar.image(size).height) for size in SIZES] == [(256, 256), (64, 64)]
    assert opened(avatar.image(256)).format == "JPEG"


def test_location_camera_data_and_comments_are_not_kept():
    data = image_bytes(exif=camera_exif(gps=True))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(EXIF_GPS_IFD)  # the file carries GPS
    for size in SIZES:
        image = opened(make_avatar(io.BytesIO(data), policy()).image(size))
        assert not image.getexif() and not image.info.get("comment") and "icc_profile" not in image.info
        assert b"Exif" not in make_avatar(io.BytesIO(data), policy()).image(size).data


def test_a_small_picture_is_never_enlarged():
    avatar = make_avatar(io.BytesIO(image_bytes(size=(100, 40))), policy())
    assert (avatar.image(256).width, avatar.image(64).width) == (40, 40)


def test_the_orientation_is_applied_and_the_centre_kept():
    # The factory's dark quadrant is top-left; orientation 3 (upside down) shows it bottom-right.
    data = image_bytes(size=(800, 800), exif=exif_with(orientation=3))
    image = opened(make_avatar(io.BytesIO(data), policy()).image(256)).convert("L")
    assert image.getpixel((240, 240)) < 60 and image.getpixel((16, 16)) > 60


@pytest.mark.parametrize(
    ("data", "limit", "code"),
    [
        (b"not an image at all", 50_000_000, "not_an_image"),
        (image_bytes(size=(300, 300)), 10_000, "too_many_pixels"),
    ],
)
def test_the_photo_policy_refuses_the_same_files(data, limit, code):
    with pytest.raises(InvalidImage) as refused:
        make_avatar(io.BytesIO(data), policy(limit))
    assert refused.value.code == code
