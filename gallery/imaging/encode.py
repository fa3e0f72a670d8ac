"""How process_image writes each size (a row of gallery.imaging.renditions): no metadata of the
original ever reaches one."""

import io
from dataclasses import dataclass

JPEG_CONTENT_TYPE = "image/jpeg"


@dataclass(frozen=True)
class EncodedJpeg:
    """A re-encoded size of a photo (the thumbnail, the display size, a source): what goes to S3."""

    data: bytes
    width: int
    height: int
    content_type: str = JPEG_CONTENT_TYPE
    rendition: object = None  # the row of gallery.imaging.renditions it was made for


def encode(rgb, row):
    """`rgb` encoded as the row of gallery.imaging.renditions says."""
    if row.format == "JPEG":
        data = jpeg(rgb, quality=row.quality, optimize=True, progressive=row.progressive)
    else:
        # Named empty: no metadata of the original reaches a rendition (as jpeg's comment).
        buffer = io.BytesIO()
        rgb.save(buffer, format=row.format, quality=row.quality, method=row.effort, exif=b"", xmp=b"")
        data = buffer.getvalue()
    return EncodedJpeg(data, rgb.width, rgb.height, content_type=row.content_type, rendition=row)


def jpeg(rgb, *, into=None, **options):
    """Every JPEG gallery.imaging writes: its bytes, or written to the file `into`. Pillow copies
    the source's comment (`info["comment"]`: a JPEG COM segment, a GIF comment) into a JPEG it
    saves unless told otherwise: serial numbers, places and names would reach every visitor, and
    one over 64 KB would not fit a JPEG at all. Only what `options` name is written (no exif= for
    the sizes: GPS stays in the original)."""
    buffer = io.BytesIO() if into is None else into
    rgb.save(buffer, format="JPEG", comment=b"", **options)
    return buffer.getvalue() if into is None else None
