"""gallery.imaging.png_bands: a PNG decoded a band of rows at a time makes the sizes the whole
image makes (unit, in memory)."""

import io
import math
import struct
import zlib

import pytest
from PIL import Image, ImageChops, ImageStat

from gallery.domain.limits import LIMITS
from gallery.imaging import png_bands
from gallery.imaging import process as process_module
from gallery.imaging.policy import decode_pixel_limit
from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, InvalidImage, process_image, site_policy
from gallery.tests.factories import camera_exif

POLICY = ImagePolicy(
    max_bytes=50_000_000,
    max_pixels=50_000_000,
    max_decode_bytes=800_000_000,
    formats=tuple(SUPPORTED_FORMATS),
)


def photo(size, mode="RGB"):
    """Detail at every scale, so that every PNG filter (Sub, Up, Average, Paeth) is used."""
    base = Image.blend(
        Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 40).convert("RGB"),
        Image.effect_noise((size[0] // 4, size[1] // 4), 50).convert("RGB").resize(size),
        0.3,
    )
    if mode == "RGBA":
        base.putalpha(Image.linear_gradient("L").resize(size))
    elif mode == "I;16":
        return base.convert("L").point(lambda value: value * 257, "I").convert("I;16")
    elif mode == "P":
        return base.quantize(64)
    return base.convert(mode)


def png(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def sizes(data, *, banded, monkeypatch):
    """Every size process_image makes of `data`, decoded in bands or (as before them) whole."""
    with monkeypatch.context() as patch:
        if not banded:
            patch.setattr(png_bands, "can_band", lambda image: False)
        processed = process_image(io.BytesIO(data), POLICY, thumbnail_size=400, display_size=1600)
    return {
        made.rendition.name: made for made in (processed.display, processed.thumbnail, *processed.sources)
    }


def pixels(made):
    return Image.open(io.BytesIO(made.data)).convert("RGB")


def largest_difference(a, b):
    extrema = ImageChops.difference(a, b).getextrema()
    return extrema[1] if a.mode == "L" else max(high for _, high in extrema)


def psnr(a, b):
    mse = sum(value**2 for value in ImageStat.Stat(ImageChops.difference(a, b)).rms) / 3
    return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


@pytest.mark.parametrize("size", [(4100, 3001), (2999, 4100), (2500, 1700)])
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_an_opaque_png_in_bands_is_pillows_resize_of_the_whole_image(mode, size, monkeypatch):
    """Small bands (many band edges, an odd last one), portrait and landscape, one not reduced
    (under twice the largest size): the pixels of Pillow's reduce and BICUBIC resize of the whole
    image, within one level (the window's float offsets)."""
    monkeypatch.setattr(png_bands, "BAND_BYTES", 100_000)
    image = photo(size, mode)
    box = process_module._fit(*size, 2000)
    factor = max(1, min(size[0] // box[0], size[1] // box[1]))
    whole = image.reduce(factor) if factor > 1 else image
    whole = whole.resize(box, Image.Resampling.BICUBIC)

    banded = png_bands.decode(Image.open(io.BytesIO(png(image))), factor, box)

    assert banded.size == box and banded.mode == mode
    assert largest_difference(banded, whole) <= 1


def test_an_image_decoded_whole_is_shrunk_as_in_bands():
    """png_bands.shrink (a TIFF, a GIF, a 4-bit PNG): the pixels of the bands' decode, within one
    level (other band edges, so other float offsets of the window)."""
    image = photo((4100, 3000))
    decoded = png_bands.decode(Image.open(io.BytesIO(png(image))), 2, (2000, 1463))
    assert largest_difference(png_bands.shrink(image, 2, (2000, 1463)), decoded) <= 1


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "I;16"])
def test_transparent_palette_and_16_bit_pngs_in_bands_are_as_sharp_as_from_the_whole_image(mode, monkeypatch):
    """Flattened onto white band by band (and palette or 16-bit images reduced as RGB ones are):
    every size within 1.5 dB of the whole image's against a full-resolution LANCZOS reference (a
    palette image's dithering is noise that LANCZOS from the full size keeps more of: -1 dB)."""
    monkeypatch.setattr(png_bands, "BAND_BYTES", 200_000)
    image = photo((4100, 3000), "RGBA" if mode == "LA" else mode)
    data = png(image.convert("LA") if mode == "LA" else image)
    assert png_bands.can_band(Image.open(io.BytesIO(data)))
    full = process_module._to_rgb(Image.open(io.BytesIO(data)))
    banded, whole = (
        sizes(data, banded=True, monkeypatch=monkeypatch),
        sizes(data, banded=False, monkeypatch=monkeypatch),
    )
    for name, made in banded.items():
        shown = pixels(made)
        reference = full.resize(shown.size, Image.Resampling.LANCZOS)
        if made.rendition.card:
            continue  # cut from the middle: the viewer's sizes are the same pixels uncut
        assert psnr(shown, reference) >= psnr(pixels(whole[name]), reference) - 1.5, name


def test_a_palette_png_with_a_transparent_colour_is_white_where_transparent(monkeypatch):
    image = Image.new("P", (4100, 3000), 1)
    image.putpalette([0, 0, 0, 200, 20, 20] + [0] * 762)
    image.paste(0, (0, 0, 2050, 3000))  # the left half transparent
    made = sizes(png(image, transparency=0), banded=True, monkeypatch=monkeypatch)["display"]
    shown = pixels(made)
    assert shown.getpixel((10, 10)) == (255, 255, 255)
    assert max(abs(a - b) for a, b in zip(shown.getpixel((1500, 600)), (200, 20, 20), strict=True)) <= 3


def _with_exif_after_the_pixels(data, exif):
    """`data` with an eXIf chunk after its image data, where a PNG may keep it."""
    payload = exif.tobytes().removeprefix(b"Exif\x00\x00")
    chunk = struct.pack(">I", len(payload)) + b"eXIf" + payload
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + payload))
    return data[:-12] + chunk + data[-12:]  # before IEND


def test_the_exif_after_the_pixels_is_read_without_decoding_them(monkeypatch):
    """The orientation of an eXIf chunk that follows the image data turns the sizes upright."""
    data = _with_exif_after_the_pixels(png(photo((3000, 2000))), camera_exif(orientation=6))
    image = Image.open(io.BytesIO(data))
    assert "exif" not in image.info
    processed = process_image(io.BytesIO(data), POLICY, thumbnail_size=400, display_size=1600)
    assert (processed.width, processed.height) == (2000, 3000)
    assert (processed.display.width, processed.display.height) == (1067, 1600)


@pytest.mark.parametrize("cut", [0.5, 0.99])
def test_a_truncated_png_is_refused_as_damaged(cut):
    data = png(photo((3000, 2000)))
    idat_end = data.rindex(b"IEND") - 4
    with pytest.raises(InvalidImage) as refused:
        process_image(io.BytesIO(data[: int(idat_end * cut)]), POLICY, thumbnail_size=400, display_size=1600)
    assert refused.value.code == "damaged"


def test_which_pngs_are_decoded_in_bands():
    """8 and 16 bits a sample, any colour type but 16-bit colour; never interlaced ones (their
    rows come in seven passes) nor 1-4 bit ones."""
    banded = {
        mode: png_bands.can_band(Image.open(io.BytesIO(png(photo((64, 48), mode)))))
        for mode in ("RGB", "RGBA", "L", "P", "I;16")
    }
    assert banded == dict.fromkeys(banded, True)
    four_bits = png(photo((64, 48), "P"), bits=4)
    assert not png_bands.can_band(Image.open(io.BytesIO(four_bits)))
    interlaced = Image.open(io.BytesIO(png(photo((64, 48)))))
    interlaced.info["interlace"] = 1  # what Pillow's PNG plugin sets for an Adam7 file
    assert not png_bands.can_band(interlaced)
    # A strip so wide that one box of the reduce would be a band of many megabytes: decoded whole,
    # so held to the budget of images decoded whole.
    strip = Image.open(io.BytesIO(png(Image.new("RGB", (png_bands.MAX_WIDTH + 1, 4)))))
    assert not png_bands.can_band(strip)


def test_the_site_accepts_pngs_in_bands_up_to_the_pixel_limit():
    """A 30 MP PNG (a panorama, a scan) was refused at the default budget; in bands it is held to
    PHOTOSHARE_MAX_IMAGE_PIXELS as a JPEG is."""
    site = site_policy(LIMITS)
    assert decode_pixel_limit(site, "PNG", "RGB", {}, banded=True) == LIMITS.image_pixels
    assert decode_pixel_limit(site, "PNG", "RGB", {}) < 30_000_000
