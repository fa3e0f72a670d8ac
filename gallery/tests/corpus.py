"""Real-world variants of the accepted formats, made in memory (no binary files in git): what
phones, cameras and editors write. Each is (kind, file name, bytes); all carry a GPS position
where their format can, so a copy without metadata can be checked too."""

import functools
import io
import struct

from PIL import Image, ImageCms

from gallery.tests.factories import camera_exif

PHOTO = Image.new("RGB", (96, 64), (30, 120, 200))
PHOTO.paste((20, 20, 20), (0, 0, 48, 32))


def _save(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def _sof9(data):
    """A baseline JPEG relabelled as arithmetic-coded (SOF9): Pillow cannot write real ones."""
    data = bytearray(data)
    data[data.index(b"\xff\xc0") + 1] = 0xC9
    return bytes(data)


class _Frames:
    def __getitem__(self, index):
        return [Image.new("RGB", PHOTO.size, (250, 250, 0))]


def real_world_files():
    exif = camera_exif(orientation=6)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    # A fresh second frame for every file: Pillow keeps a save's options on the appended frames.
    frames = _Frames()
    files = [
        ("mpo", "stereo.jpg", _save(PHOTO, "MPO", save_all=True, append_images=frames[1:], exif=exif)),
        ("progressive jpeg", "p.jpg", _save(PHOTO, "JPEG", progressive=True, exif=exif)),
        ("arithmetic-labelled jpeg", "a.jpg", _sof9(_save(PHOTO, "JPEG", exif=exif))),
        ("cmyk jpeg with adobe marker", "cmyk.jpg", _save(PHOTO.convert("CMYK"), "JPEG", exif=exif)),
        (
            "jpeg with huge icc",
            "icc.jpg",
            _save(PHOTO, "JPEG", exif=exif, icc_profile=srgb + b"\0" * 300_000),
        ),
        ("jpeg with xmp", "xmp.jpg", _save(PHOTO, "JPEG", exif=exif, xmp=b"<x>GPSLatitude 48</x>" * 2000)),
        ("16-bit png", "16.png", _save(PHOTO.convert("L").convert("I;16"), "PNG")),
        ("png with iccp", "iccp.png", _save(PHOTO, "PNG", icc_profile=srgb, exif=exif)),
        ("apng", "anim.png", _save(PHOTO, "PNG", save_all=True, append_images=frames[1:], exif=exif)),
        (
            "animated webp",
            "anim.webp",
            _save(PHOTO, "WEBP", save_all=True, append_images=frames[1:], exif=exif),
        ),
        (
            "multi-page tiff",
            "pages.tif",
            _save(PHOTO, "TIFF", save_all=True, append_images=frames[1:]),
        ),
        ("truncated jpeg", "cut.jpg", _save(PHOTO, "JPEG")[:300]),
        ("jpeg segment length past the end", "len.jpg", b"\xff\xd8\xff\xe1\xff\xff" + b"\0" * 64),
        ("gif with comment", "c.gif", _save(PHOTO.convert("P"), "GIF", comment=b"home")),
        ("empty png chunk stream", "e.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 0)),
    ]
    try:
        import pillow_heif  # noqa: F401  (registered by gallery.imaging.process)

        files.append(("heic with orientation", "o.heic", _save(PHOTO, "HEIF", exif=exif.tobytes())))
    except ImportError:
        pass
    return files


@functools.cache
def phone_heic():
    """What an iPhone 13 Pro Max writes, as far as pillow-heif can: 4032 x 3024 stored, 10 bits a
    channel (HDR), EXIF with a location and orientation 6, which pillow-heif turns into the HEIF's
    own rotation (irot), so it shows 3024 x 4032. The picture: blue on the stored left, red on the
    right, so upright its top is blue and its bottom red. ~4 s to encode: made once a run."""
    import pillow_heif

    width, height = 4032, 3024
    # 10-bit values in 16-bit samples (RGB;16): a left-to-right ramp from blue to red.
    row = b"".join(
        struct.pack("<3H", (x * 1023 // width) << 6, 512 << 6, (1023 - x * 1023 // width) << 6)
        for x in range(width)
    )
    heif = pillow_heif.from_bytes(mode="RGB;16", size=(width, height), data=row * height)
    heif.info["exif"] = camera_exif(make="Apple", model="iPhone 13 Pro Max", orientation=6).tobytes()
    buffer = io.BytesIO()
    heif.save(buffer, quality=60, enc_params={"preset": "ultrafast"})
    return buffer.getvalue()


def long_comment_gif():
    """A GIF whose comment (70 KB) is longer than a JPEG segment can hold."""
    return _save(Image.new("P", (120, 80), 3), "GIF", comment=b"x" * 70_000)
