"""gallery.imaging.process.process_image (unit, in memory): checks, header facts, display size, thumbnail."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import BmpImagePlugin, Image, ImageChops, ImageOps, ImageStat, TiffImagePlugin

from gallery.domain.limits import LIMITS
from gallery.imaging import process as images
from gallery.imaging.policy import decode_pixel_limit
from gallery.imaging.process import (
    ACCEPT_ATTRIBUTE,
    SUPPORTED_FORMATS,
    ExifFacts,
    ImagePolicy,
    InvalidImage,
    process_image,
    site_policy,
)
from gallery.tests import hostile
from gallery.tests.factories import camera_exif, exif_with, full_camera_exif, image_bytes

EXIF_GPS_IFD = 0x8825


def policy(max_pixels=50_000_000, max_decode_bytes=None):
    """Every format; formats decoded whole held to `max_pixels` too unless said otherwise."""
    return ImagePolicy(
        max_bytes=50_000_000,
        max_pixels=max_pixels,
        max_decode_bytes=max_decode_bytes or 16 * max_pixels,
        formats=tuple(SUPPORTED_FORMATS),
    )


def process(data, thumbnail_size=400, display_size=1600, max_pixels=50_000_000):
    return process_image(
        io.BytesIO(data), policy(max_pixels), thumbnail_size=thumbnail_size, display_size=display_size
    )


def opened(encoded):
    return Image.open(io.BytesIO(encoded.data))


def mean_difference(a, b):
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def animated_gif(**options):
    frames = [Image.new("RGB", (200, 100), color) for color in ((250, 0, 0), (0, 0, 250))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], **options)
    return buffer.getvalue()


# Sizes, orientation and metadata.


def test_thumbnail_fits_the_box_keeps_the_aspect_ratio_and_is_a_jpeg():
    processed = process(image_bytes(size=(3000, 2000)))

    thumbnail = opened(processed.thumbnail)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 267) == (processed.thumbnail.width, processed.thumbnail.height)
    assert processed.thumbnail.content_type == processed.display.content_type == "image/jpeg"
    assert (processed.format, processed.extension, processed.content_type) == ("JPEG", "jpg", "image/jpeg")
    assert (processed.width, processed.height) == (3000, 2000)
    display = processed.display
    assert (display.width, display.height) == opened(display).size == (1600, 1067)


def test_small_images_are_not_enlarged():
    processed = process(image_bytes(size=(120, 80)))
    assert (processed.thumbnail.width, processed.thumbnail.height) == (120, 80)

    display = process(image_bytes(size=(300, 200))).display
    assert (display.width, display.height) == (300, 200)


def two_corner_image_bytes(exif):
    """1200 x 800, dark top-left quadrant and a white top-right block: no flip or rotation leaves
    it unchanged (the dark quadrant alone is unchanged by a transpose, orientation 5)."""
    image = Image.open(io.BytesIO(image_bytes(size=(1200, 800))))
    image.paste((255, 255, 255), (900, 0, 1200, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_both_sizes_are_upright_for_every_exif_orientation(orientation):
    data = two_corner_image_bytes(exif_with(orientation=orientation))
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    # Orientations 5 to 8 turn the picture a quarter: it stands upright as 800 x 1200.
    quarter_turn = orientation >= 5

    processed = process(data, display_size=600)

    assert (processed.width, processed.height) == ((800, 1200) if quarter_turn else (1200, 800))
    for encoded, expected in ((processed.thumbnail, (400, 267)), (processed.display, (600, 400))):
        image = opened(encoded)
        assert image.size == (expected[::-1] if quarter_turn else expected)
        # Same picture as the full-size, upright original scaled down (JPEG noise aside).
        assert mean_difference(image, upright.resize(image.size)) < 4


def test_orientation_6_swaps_the_reported_size_and_puts_the_dark_corner_top_right():
    processed = process(image_bytes(size=(1200, 800), exif=exif_with(orientation=6)))

    thumbnail = opened(processed.thumbnail)
    assert (processed.width, processed.height) == (800, 1200)
    assert thumbnail.size == (267, 400)
    assert sum(thumbnail.getpixel((250, 20))) < 150  # the stored top-left quadrant, now top-right
    assert sum(thumbnail.getpixel((20, 20))) > 250


def test_display_size_fits_the_long_side_upright_and_without_exif():
    data = image_bytes(size=(4000, 3000), exif=camera_exif(orientation=6))

    display = process(data).display

    image = opened(display)
    assert image.format == "JPEG"
    assert (display.width, display.height) == image.size == (1200, 1600)
    assert not image.getexif()  # neither GPS nor anything else
    # The dark quadrant was top-left; rotated by orientation 6 it is top-right.
    assert image.getpixel((1100, 100))[0] < 60 and image.getpixel((100, 100))[0] > 120


def test_gps_and_other_exif_reach_neither_size():
    data = image_bytes(exif=camera_exif(gps=True))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(EXIF_GPS_IFD)  # the original carries GPS

    processed = process(data)

    for encoded in (processed.thumbnail, processed.display):
        image = opened(encoded)
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info


def test_display_is_a_progressive_q82_jpeg_and_the_thumbnail_a_baseline_q85_one():
    picture = Image.open(io.BytesIO(image_bytes(size=(1600, 1200)))).convert("RGB")
    processed = process(image_bytes(size=(1600, 1200)))

    def quantization(quality, size):
        buffer = io.BytesIO()
        picture.resize(size).save(buffer, format="JPEG", quality=quality)
        return Image.open(buffer).quantization

    display, thumbnail = opened(processed.display), opened(processed.thumbnail)
    assert display.info.get("progressive") and not thumbnail.info.get("progressive")
    assert display.quantization == quantization(82, display.size)
    assert thumbnail.quantization == quantization(85, thumbnail.size)


def test_the_thumbnail_is_the_display_size_scaled_down():
    processed = process(image_bytes(size=(4000, 3000), exif=exif_with(orientation=8)))

    thumbnail, display = opened(processed.thumbnail), opened(processed.display)
    assert thumbnail.size == (300, 400) and display.size == (1200, 1600)
    assert mean_difference(thumbnail, display.resize(thumbnail.size, Image.Resampling.LANCZOS)) < 2


# Formats and modes.


def test_transparent_png_is_flattened_on_white():
    data = image_bytes(format="PNG", size=(300, 200), mode="RGBA", color=(0, 0, 0, 0))

    processed = process(data)

    assert (processed.format, processed.extension, processed.content_type) == ("PNG", "png", "image/png")
    assert opened(processed.thumbnail).getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)
    assert opened(processed.display).getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)


def test_palette_image_is_converted_with_its_transparency_on_white():
    processed = process(hostile.png_palette_with_alpha())  # 64x48: left half transparent, right red

    for encoded in (processed.thumbnail, processed.display):
        image = opened(encoded)
        assert image.mode == "RGB"
        assert image.getpixel((5, 20)) == pytest.approx((255, 255, 255), abs=3)
        assert image.getpixel((55, 20)) == pytest.approx((200, 30, 30), abs=10)


def test_16_bit_grey_is_scaled_to_8_bits_not_clipped():
    processed = process(image_bytes(format="TIFF", size=(800, 600), mode="I;16", color=40000))

    for encoded in (processed.thumbnail, processed.display):
        assert opened(encoded).getpixel((20, 20)) == pytest.approx((156, 156, 156), abs=3)  # 40000 / 256


@pytest.mark.parametrize("options", [{}, {"duration": 100}], ids=["plain", "with duration"])
def test_animated_gif_uses_the_first_frame(options):
    processed = process(animated_gif(**options))

    assert processed.content_type == "image/gif"
    red, _, blue = opened(processed.thumbnail).getpixel((100, 50))
    assert red > 200 and blue < 60
    red, _green, blue = opened(processed.display).convert("RGB").getpixel((100, 50))
    assert red > 200 and blue < 50


@pytest.mark.parametrize(
    ("pillow_format", "extension", "mode"),
    [("TIFF", "tif", "RGB"), ("TIFF", "tif", "I;16"), ("HEIF", "heic", "RGB"), ("WEBP", "webp", "RGBA")],
)
def test_more_formats_are_accepted_and_get_a_browser_friendly_display(pillow_format, extension, mode):
    assert pillow_format in SUPPORTED_FORMATS  # pillow-heif is a pinned requirement
    color = 40000 if mode == "I;16" else (10, 120, 200, 255)[: len(mode)]
    data = image_bytes(format=pillow_format, size=(800, 600), mode=mode, color=color)

    processed = process(data)

    assert processed.extension == extension
    display = processed.display
    assert opened(display).format == "JPEG" and (display.width, display.height) == (800, 600)


def test_a_multi_picture_jpeg_is_a_jpeg_showing_its_first_picture():
    first, second = Image.new("RGB", (200, 100), (250, 0, 0)), Image.new("RGB", (200, 100), (0, 0, 250))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"  # what Pillow calls it

    processed = process(buffer.getvalue())

    assert (processed.format, processed.extension, processed.content_type) == ("JPEG", "jpg", "image/jpeg")
    red, _, blue = opened(processed.display).getpixel((100, 50))
    assert red > 200 and blue < 50


def test_accept_attribute_offers_every_supported_format():
    assert ACCEPT_ATTRIBUTE == "image/jpeg,image/png,image/gif,image/webp,image/tiff,image/heic,.heic,.heif"


# EXIF facts.


def test_exif_facts_are_date_taken_and_camera_when_nothing_else_is_written():
    assert process(image_bytes(exif=camera_exif())).exif == ExifFacts(
        taken="2024-07-01T18:30:05", camera="Canon EOS R6"
    )
    assert process(image_bytes(exif=camera_exif(make="NIKON", model="D750"))).exif.camera == "NIKON D750"
    assert process(image_bytes()).exif == ExifFacts()


def test_exif_facts_name_lens_exposure_aperture_focal_length_and_iso_but_never_where():
    facts = process(image_bytes(exif=full_camera_exif())).exif

    assert facts == ExifFacts(
        taken="2024-07-01T18:30:05",
        camera="Canon EOS R6",
        lens="Canon RF35mm F1.8 MACRO IS STM",
        exposure="1/250 s",
        aperture="f/2.8",
        focal_length="35 mm",
        iso=400,
    )
    assert set(ExifFacts.__dataclass_fields__) == {
        "taken",
        "camera",
        "lens",
        "exposure",
        "aperture",
        "focal_length",
        "iso",
    }  # no location field to fill


@pytest.mark.parametrize(
    ("shot", "expected"),
    [
        ({"exposure_time": TiffImagePlugin.IFDRational(2, 1)}, {"exposure": "2 s"}),
        ({"exposure_time": TiffImagePlugin.IFDRational(1, 3)}, {"exposure": "1/3 s"}),
        ({"f_number": TiffImagePlugin.IFDRational(8, 1)}, {"aperture": "f/8"}),
        ({"focal_length": TiffImagePlugin.IFDRational(425, 100)}, {"focal_length": "4.2 mm"}),
        ({"lens_model": "EF-S18-55mm"}, {"lens": "EF-S18-55mm"}),
        ({"iso": (100, 100)}, {"iso": 100}),  # some writers repeat the value
        # Broken values are left out rather than shown as nonsense.
        ({"exposure_time": TiffImagePlugin.IFDRational(1, 0)}, {}),
        ({"f_number": TiffImagePlugin.IFDRational(0, 1)}, {}),
        ({"iso": "fast"}, {}),
    ],
)
def test_each_shot_fact_is_read_and_broken_ones_are_left_out(shot, expected):
    facts = process(image_bytes(exif=camera_exif(**shot))).exif

    assert facts == ExifFacts(taken="2024-07-01T18:30:05", camera="Canon EOS R6", **expected)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ({"offset": "+09:00"}, "2024-07-01T18:30:05+09:00"),  # OffsetTimeOriginal
        ({"offset": "-05:30"}, "2024-07-01T18:30:05-05:30"),
        ({"offset": "  :  "}, "2024-07-01T18:30:05"),  # blank offset: none known
        ({"taken": "0000:00:00 00:00:00"}, ""),  # blank date: the upload time is used instead
        ({"taken": "2024:13:01 18:30:05"}, ""),
        ({"taken": "yesterday"}, ""),
    ],
)
def test_the_date_taken_is_iso_8601_with_the_offset_the_camera_wrote(written, expected):
    assert process(image_bytes(exif=camera_exif(**written))).exif.taken == expected


def test_corrupt_exif_is_ignored():
    processed = process(hostile.jpeg_with_corrupt_exif())  # its orientation entry points nowhere

    assert processed.exif == ExifFacts()
    assert (processed.width, processed.height) == (64, 48) == opened(processed.display).size
    assert opened(processed.thumbnail).getpixel((10, 10)) == pytest.approx((180, 90, 40), abs=6)


# Refusals: message for the user, code for the program.


@pytest.mark.parametrize(
    "data",
    [b"", b"just some text, not a picture", b"<html><script>alert(1)</script></html>"],
    ids=["empty", "text", "html"],
)
def test_non_images_are_rejected(data):
    with pytest.raises(InvalidImage, match="not an image") as refused:
        process(data)
    assert refused.value.code == "not_an_image"
    assert str(refused.value) == "The file is not an image, or it is damaged."


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 5,
        b"\xff\xd8\xff" + bytes(40),
        b"GIF89a" + bytes(3),
        b"II*\x00" + b"\xff" * 20,
    ],
    ids=["png", "jpeg", "gif", "tiff"],
)
def test_a_broken_header_of_an_accepted_format_is_not_an_image_rather_than_unsupported(data):
    with pytest.raises(InvalidImage, match="not an image") as refused:
        process(data)
    assert refused.value.code == "not_an_image"


def test_truncated_jpeg_is_rejected():
    data = image_bytes(size=(1600, 1200))
    with pytest.raises(InvalidImage, match="damaged or incomplete") as refused:
        process(data[: len(data) // 2])
    assert refused.value.code == "damaged"


def test_unsupported_format_is_named_in_the_error():
    with pytest.raises(InvalidImage, match="BMP images are not supported") as refused:
        process(image_bytes(format="BMP", size=(50, 50)))
    assert refused.value.code == "unsupported_format"
    assert str(refused.value) == (
        "BMP images are not supported; please upload JPEG, PNG, GIF, WebP, TIFF, HEIF."
    )


def test_pixel_limit_is_checked_before_decoding():
    with pytest.raises(InvalidImage, match="too many pixels") as refused:
        process(image_bytes(format="PNG", size=(1000, 1000)), max_pixels=999_999)
    assert refused.value.code == "too_many_pixels"
    assert str(refused.value) == "The image has too many pixels; the limit is 0.999999 megapixels."


def test_formats_decoded_whole_have_their_own_lower_pixel_limit():
    """JPEGs decode at reduced scale and most PNGs in bands; an opaque TIFF costs 14 bytes a pixel
    of the budget."""
    with pytest.raises(InvalidImage) as refused:
        process_image(
            io.BytesIO(image_bytes(format="TIFF", size=(1000, 1000))),
            policy(max_decode_bytes=14 * 999_999), thumbnail_size=400, display_size=1600,
        )  # fmt: skip
    assert refused.value.code == "too_many_pixels"
    assert str(refused.value) == (
        "The image has too many pixels; the limit is 0.999999 megapixels for TIFF images (50 for JPEG)."
    )
    for image_format in ("JPEG", "PNG"):
        processed = process_image(
            io.BytesIO(image_bytes(format=image_format, size=(1000, 1000))),
            policy(max_decode_bytes=6 * 999_999), thumbnail_size=400, display_size=1600,
        )  # fmt: skip
        assert (processed.width, processed.height) == (1000, 1000)


@pytest.mark.parametrize(("mode", "banded"), [("RGB", True), ("RGBA", True), ("P", True), ("P;4", False)])
def test_a_png_decoded_in_bands_is_held_to_the_pixel_limit_alone(mode, banded):
    """8- and 16-bit PNGs never hold their full-size pixels (gallery.imaging.png_bands): the
    budget of images decoded whole does not apply to them; a 4-bit PNG is decoded whole."""
    image = Image.linear_gradient("L").resize((1000, 600)).convert("RGBA" if mode == "RGBA" else "RGB")
    if mode.startswith("P"):  # 64 colours: an 8-bit palette; 16: a 4-bit one
        image = image.quantize(16 if mode == "P;4" else 64)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    budget = policy(max_pixels=700_000, max_decode_bytes=6 * 100_000)
    if banded:
        processed = process_image(buffer, budget, thumbnail_size=400, display_size=1600)
        assert (processed.width, processed.height) == (1000, 600)
    else:
        # Told why this PNG has the lower limit, and what other PNGs may have.
        limit = r"0\.1 megapixels for interlaced PNG images and those not of 8 bits a channel \(0\.7 for"
        with pytest.raises(InvalidImage, match=limit):
            process_image(buffer, budget, thumbnail_size=400, display_size=1600)
    with pytest.raises(InvalidImage, match=r"the limit is 0\.5 megapixels\.$"):
        process_image(buffer, policy(max_pixels=500_000), thumbnail_size=400, display_size=1600)


def _decoded_whole(image_format, mode, size, max_decode_bytes):
    image = Image.new(mode, size, (200, 120, 40, 128)[: len(mode)] if mode.startswith("RGB") else 90)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return process_image(
        buffer, policy(max_decode_bytes=max_decode_bytes), thumbnail_size=400, display_size=1600
    )


# What each pixel of an image decoded whole costs of PHOTOSHARE_MAX_DECODE_BYTES (README).
# (8- and 16-bit PNGs are decoded in bands: held to the pixel limit alone, test above; a 1-bit one whole.)
COST = {("WEBP", "RGB"): 16, ("WEBP", "RGBA"): 16, ("PNG", "1"): 6,
        ("GIF", "L"): 6, ("TIFF", "RGB"): 14, ("TIFF", "RGBA"): 22}  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(sorted(COST)),
    width=st.integers(1, 60),
    height=st.integers(1, 60),
    budget_pixels=st.integers(1, 3600),
)
def test_a_format_decoded_whole_is_accepted_while_its_pixels_cost_fits_the_budget(
    kind, width, height, budget_pixels
):
    """The budget in bytes over the cost of a pixel of the image's format and mode: a TIFF with
    transparency (22 bytes) gets fewer pixels than a WebP (16), than an opaque TIFF (14), than a
    palette, greyscale or 1-bit image decoded whole (6: Pillow holds them in a byte a pixel)."""
    image_format, mode = kind
    budget = budget_pixels * 6
    try:
        processed = _decoded_whole(image_format, mode, (width, height), budget)
    except InvalidImage as error:
        assert width * height * COST[kind] > budget
        assert error.code == "too_many_pixels"
        # A 1-bit PNG is not decoded in bands: its message says which PNGs have the lower limit.
        name = {"WEBP": "WebP", "PNG": "interlaced PNG"}.get(image_format, image_format)
        assert f"megapixels for {name} images" in str(error)
        assert ("with transparency" in str(error)) == (mode == "RGBA")
    else:
        assert width * height * COST[kind] <= budget
        assert (processed.width, processed.height) == (width, height)


def test_transparency_has_a_lower_limit_and_says_so():
    """An RGBA TIFF of 600 000 pixels costs 13.2 MB; an RGB one 8.4 MB, within a budget a byte short."""
    with pytest.raises(InvalidImage) as refused:
        _decoded_whole("TIFF", "RGBA", (1000, 600), 22 * 599_999)
    assert str(refused.value) == (
        "The image has too many pixels; the limit is 0.599999 megapixels for TIFF images with "
        "transparency (50 for JPEG)."
    )
    assert _decoded_whole("TIFF", "RGB", (1000, 600), 22 * 599_999).width == 1000


@pytest.mark.parametrize(
    ("image_format", "mode", "banded", "accepted"),
    [
        ("HEIF", "RGB", False, True),  # a 12 MP iPhone photo
        ("PNG", "RGBA", True, True),  # a 12 MP screenshot (macOS's have transparency)
        ("PNG", "RGB", True, True),
        ("PNG", "RGB", False, False),  # interlaced or 16-bit colour: 8.9 MP at most
        ("TIFF", "RGB", False, False),  # 8.9 MP
        ("TIFF", "RGBA", False, False),  # 5.6 MP
        ("WEBP", "RGB", False, False),  # 7.8 MP
    ],
)
def test_the_default_budget_keeps_12_mp_phone_photos_and_screenshots(image_format, mode, banded, accepted):
    """4032 x 3024 under the site's default PHOTOSHARE_MAX_DECODE_BYTES, read as an upload's header is."""
    site = site_policy(LIMITS)
    assert (decode_pixel_limit(site, image_format, mode, {}, banded=banded) >= 4032 * 3024) == accepted


def photo_like(size):
    """Detail at every scale, so that a poor resampling filter would show."""
    noise = Image.effect_noise((size[0] // 8, size[1] // 8), 60).convert("RGB")
    return Image.blend(
        Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB"),
        noise.resize(size, Image.Resampling.BICUBIC),
        0.3,
    )


@pytest.mark.parametrize(("image_format", "size"), [("JPEG", (2400, 1800)), ("PNG", (3300, 2200))])
def test_display_size_matches_a_full_resolution_lanczos_resize(image_format, size):
    """The reduced-scale JPEG decode with BICUBIC for the last factor, and the whole-decoded PNG
    box-reduced first, both look like LANCZOS from every pixel."""
    source = photo_like(size)
    buffer = io.BytesIO()
    source.save(buffer, format=image_format, **({"quality": 95} if image_format == "JPEG" else {}))
    display = opened(process(buffer.getvalue()).display).convert("RGB")
    reference = source.resize(display.size, Image.Resampling.LANCZOS)
    assert mean_difference(display, reference) < 2.5


# One open, by the allowed plugins only.


@pytest.fixture
def image_opens(monkeypatch):
    """The `formats` argument of every Image.open call."""
    calls, real_open = [], Image.open

    def counting_open(fp, mode="r", formats=None):
        calls.append(formats)
        return real_open(fp, mode, formats)

    monkeypatch.setattr(Image, "open", counting_open)
    return calls


@pytest.mark.parametrize(
    "data",
    [
        image_bytes(size=(4000, 3000), exif=camera_exif(orientation=6)),
        image_bytes(format="PNG", size=(800, 600)),
        animated_gif(),
    ],
    ids=["jpeg with exif", "png", "animated gif"],
)
def test_an_accepted_upload_is_opened_once_with_the_allowed_plugins_only(image_opens, data):
    processed = process(data)

    assert image_opens == [list(SUPPORTED_FORMATS)]
    assert processed.thumbnail.data and processed.display.data and processed.exif is not None


@pytest.mark.parametrize(
    "data",
    [image_bytes(format="BMP", size=(50, 50)), b"just some text", image_bytes()[:200]],
    ids=["bmp", "text", "truncated jpeg"],
)
def test_a_refused_upload_is_opened_once_and_no_other_plugin_parses_it(image_opens, monkeypatch, data):
    def never(self):
        raise AssertionError("the BMP plugin parsed an upload")

    monkeypatch.setattr(BmpImagePlugin.BmpImageFile, "_open", never)

    with pytest.raises(InvalidImage):
        process(data)

    assert image_opens == [list(SUPPORTED_FORMATS)]


def test_a_format_outside_the_allow_list_is_refused_whatever_a_plugin_reports(monkeypatch):
    # Should a plugin of ours ever hand back another format (as JPEG's does with MPO), no later
    # step (display size, thumbnail, EXIF) may run on it.
    bmp = Image.open(io.BytesIO(image_bytes(format="BMP", size=(50, 50))))
    monkeypatch.setattr(images.Image, "open", lambda fp, mode="r", formats=None: bmp)
    monkeypatch.setattr(images, "_decode_upright", lambda *args: pytest.fail("decoded a BMP"))

    with pytest.raises(InvalidImage, match="BMP images are not supported") as refused:
        process(image_bytes())
    assert refused.value.code == "unsupported_format"
