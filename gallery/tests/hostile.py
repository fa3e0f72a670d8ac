"""The corpus of bad and odd uploads, generated in memory (no binary files in git).

Each `Case` says what goes into the upload form (file and fields) and what must come out:
`reject` (a 4xx status and a message the user can read; nothing stored) or `accept` (stored
correctly; `check` looks at the stored photo). test_hostile_inputs.py pushes every case
through the upload form.
"""

import io
import struct
import zlib
from dataclasses import dataclass, field

from PIL import Image

from gallery.tests.factories import exif_with, image_bytes

# Settings the corpus is written against (the test sets them).
MAX_UPLOAD_BYTES = 64 * 1024
MAX_IMAGE_PIXELS = 4_000_000
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_TAGS = 20

NOT_AN_IMAGE = "The file is not an image"
DAMAGED = "damaged or incomplete"
TOO_MANY_PIXELS = "too many pixels"
REQUIRED = "This field is required."


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str = "photo.jpg"
    data: bytes | None = None  # None: a plain valid JPEG; b"": an empty file
    content_type: str = "image/jpeg"
    fields: dict = field(default_factory=dict)  # overrides of title/description/tags
    omit: tuple = ()  # field names left out of the request
    status: int = 302  # 302: accepted and redirected to the photo page
    message: str = ""  # for rejections: text the page must show
    check: object = None  # for acceptances: check(stored) -> None, asserting


# --- file builders ------------------------------------------------------------------------------
def refused_field(name, fields, message):
    """A case whose text fields are refused with a 400 and `message`."""
    return Case(name, fields=fields, status=400, message=message)


def encode(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def png_from_rows(width, height, bit_depth, color_type, row_bytes):
    """A PNG written by hand, for what Pillow cannot write (48-bit RGB) or should not have to
    hold in memory (a bomb): `row_bytes(y)` gives each scanline, compressed as it goes."""

    def chunk(kind, payload):
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"\0" + row_bytes(y)) for y in range(height)]
    idat = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def png_bomb(side=12_000):
    """A 1-bit greyscale PNG of side x side pixels (144 MP by default) in ~20 KB: all zeros."""
    row = bytes((side + 7) // 8)
    return png_from_rows(side, side, 1, 0, lambda y: row)


def jpeg_with_header_size(width, height):
    """A small real JPEG whose frame header (SOF0) claims another size: a bomb by header."""
    data = bytearray(encode(Image.new("RGB", (16, 16), (90, 90, 90)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def tiff_with_header_size(width, height):
    """A small real TIFF whose ImageWidth/ImageLength tags claim another size."""
    data = bytearray(encode(Image.new("L", (16, 16), 90), "TIFF"))
    assert data[:4] == b"II*\0"  # Pillow writes little-endian TIFFs
    (ifd,) = struct.unpack_from("<I", data, 4)
    (entries,) = struct.unpack_from("<H", data, ifd)
    for index in range(entries):
        entry = ifd + 2 + 12 * index
        (tag,) = struct.unpack_from("<H", data, entry)
        if tag in (256, 257):  # ImageWidth, ImageLength
            value = width if tag == 256 else height
            struct.pack_into("<HII", data, entry + 2, 4, 1, value)  # type LONG, count 1, value
    return bytes(data)


def png_48_bit():
    width, height = 64, 48
    pixel = struct.pack(">HHH", 60000, 30000, 1000)
    return png_from_rows(width, height, 16, 2, lambda y: pixel * width)


def png_16_bit_grey():
    return encode(Image.new("I;16", (64, 48), 50000), "PNG")


def png_palette_with_alpha():
    image = Image.new("P", (64, 48), 1)
    image.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    image.paste(0, (0, 0, 32, 48))  # left half: colour 0, which is transparent
    return encode(image, "PNG", transparency=0)


def animated(format):
    frames = [Image.new("RGB", (64, 48), color) for color in ((200, 30, 30), (30, 200, 30), (30, 30, 200))]
    return encode(frames[0], format, save_all=True, append_images=frames[1:], duration=100, loop=0)


def cmyk_jpeg():
    return encode(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG")  # red in CMYK


def jpeg_with_corrupt_exif():
    # An EXIF block whose first IFD entry points far beyond the data.
    exif = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02\x01\x12\x00\x03\xff\xff\xff\xff\x00\x00"
    return encode(Image.new("RGB", (64, 48), (180, 90, 40)), "JPEG", exif=exif)


def truncated(data):
    return data[: len(data) // 2]


PLAIN_JPEG = image_bytes(size=(400, 300))
SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script>
<rect width="10" height="10"/></svg>"""
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['cmd']); ?>"


def zip_archive():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", HTML)
    return buffer.getvalue()


def corpus():
    """Every case; the acceptance checks are attached by test_hostile_inputs.py by name."""
    xss = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    cases = [
        # Files that are not images, or not ones we accept.
        Case("zero bytes", data=b"", status=400, message="The submitted file is empty."),
        Case("text named .jpg", data=b"Just some notes.\n" * 20, status=400, message=NOT_AN_IMAGE),
        Case("html named .jpg", data=HTML, content_type="text/html", status=400, message=NOT_AN_IMAGE),
        Case("php named .jpg", data=PHP, status=400, message=NOT_AN_IMAGE),
        Case(
            "svg with script",
            file_name="drawing.svg",
            data=SVG_WITH_SCRIPT,
            content_type="image/svg+xml",
            status=400,
            message=NOT_AN_IMAGE,
        ),
        Case(
            "pdf named .jpg",
            data=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            status=400,
            message=NOT_AN_IMAGE,
        ),
        Case(
            "bmp image",
            file_name="old.bmp",
            data=encode(Image.new("RGB", (20, 20)), "BMP"),
            content_type="image/bmp",
            status=400,
            message="BMP images are not supported",
        ),
        Case("zip named .jpg", data=zip_archive(), status=400, message=NOT_AN_IMAGE),
        # Damaged and hostile images.
        Case("truncated jpeg", data=truncated(PLAIN_JPEG), status=400, message=DAMAGED),
        Case(
            "truncated png",
            data=truncated(encode(Image.new("RGB", (400, 300), (1, 2, 3)), "PNG")),
            content_type="image/png",
            status=400,
            message=DAMAGED,
        ),
        Case(
            "png decompression bomb",
            file_name="bomb.png",
            data=png_bomb(),
            content_type="image/png",
            status=400,
            message=TOO_MANY_PIXELS,
        ),
        Case(
            "jpeg bomb by header",
            data=jpeg_with_header_size(60_000, 60_000),
            status=400,
            message=TOO_MANY_PIXELS,
        ),
        Case(
            "tiff bomb by header",
            file_name="scan.tif",
            data=tiff_with_header_size(30_000, 30_000),
            content_type="image/tiff",
            status=400,
            message=TOO_MANY_PIXELS,
        ),
        Case(
            "pixels over the limit",
            data=encode(Image.new("L", (2500, 2000)), "JPEG"),
            status=400,
            message=TOO_MANY_PIXELS,
        ),
        Case(
            "file over the byte limit",
            file_name="big.bmp",
            data=b"\0" * (MAX_UPLOAD_BYTES + 1),
            status=413,
            message="The file is too large",
        ),
        # Odd but legitimate photos: accepted and stored correctly.
        Case("jpeg+html polyglot", data=PLAIN_JPEG + HTML),
        Case("jpeg+zip polyglot", data=PLAIN_JPEG + zip_archive()),
        Case("cmyk jpeg", data=cmyk_jpeg()),
        Case("16-bit grey png", file_name="deep.png", data=png_16_bit_grey(), content_type="image/png"),
        Case("48-bit rgb png", file_name="deep.png", data=png_48_bit(), content_type="image/png"),
        Case(
            "palette png with alpha",
            file_name="icon.png",
            data=png_palette_with_alpha(),
            content_type="image/png",
        ),
        Case("animated gif", file_name="anim.gif", data=animated("GIF"), content_type="image/gif"),
        Case("animated webp", file_name="anim.webp", data=animated("WEBP"), content_type="image/webp"),
        *[
            Case(
                f"exif orientation {orientation}",
                data=image_bytes(size=(120, 80), exif=exif_with(orientation)),
            )
            for orientation in range(1, 9)
        ],
        Case("corrupt exif", data=jpeg_with_corrupt_exif()),
        Case("1x1 image", data=image_bytes(size=(1, 1))),
        Case(
            "20000x1 strip",
            file_name="strip.png",
            data=encode(Image.new("RGB", (20_000, 1), (9, 99, 199)), "PNG"),
            content_type="image/png",
        ),
        Case(
            "png declared as html",
            file_name="x.html",
            data=encode(Image.new("RGB", (30, 20)), "PNG"),
            content_type="text/html",
        ),
        Case("file name with path traversal and nul", file_name="../../etc/passwd\x00.jpg"),
        Case("file name of 1000 characters", file_name="é" * 996 + ".jpg"),
        # Text fields.
        Case("title missing", omit=("title",), status=400, message=REQUIRED),
        Case("title empty", fields={"title": ""}, status=400, message=REQUIRED),
        Case("title only whitespace", fields={"title": " \t\n "}, status=400, message=REQUIRED),
        refused_field(
            "title of 10000 characters", {"title": "x" * 10_000}, f"at most {MAX_TITLE_LENGTH} characters"
        ),
        refused_field("title with a nul character", {"title": "a\x00b"}, "Null characters are not allowed."),
        refused_field(
            "description of 100 KB",
            {"description": "d" * 100_000},
            f"at most {MAX_DESCRIPTION_LENGTH} characters",
        ),
        refused_field("500 tags", {"tags": ", ".join(f"t{number}" for number in range(500))}, "at most"),
        Case("tags with spaces and unicode", fields={"tags": "  New York ,café  東京 "}),
        Case("tag <script>", fields={"tags": "ok, <script>"}, status=400, message="letters, digits"),
        Case("tag with a slash", fields={"tags": "a/b"}, status=400, message="letters, digits"),
        Case("tag ..", fields={"tags": ".."}, status=400, message="letters, digits"),
        Case("hashtags", fields={"tags": "#sunset ##sea"}),
        Case("html and javascript in title and description", fields={"title": xss, "description": xss}),
        Case("no file", omit=("image",), status=400, message=REQUIRED),
    ]
    return cases
