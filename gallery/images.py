"""Image work for photoshare: validate an uploaded file and make its thumbnail.

Knows nothing of Django, HTTP or S3: a file object in, a `PreparedImage` (facts about the
original plus the encoded thumbnail) out. Every problem with the file is an `InvalidImage`
whose message can be shown to the person who uploaded it.

Hostile files (see docs/security.md): only the plugins of the formats we accept parse the
upload; the pixel count is checked from the header before anything is decoded; JPEGs are
decoded at a reduced scale; other formats decode at most `max_pixels` pixels (about
4 bytes each); animated files give their first frame; corrupt EXIF is ignored.
"""

import io
import logging
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow format name -> (file extension, content type) of formats we accept as originals.
SUPPORTED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
    "TIFF": ("tif", "image/tiff"),
}
try:
    from pillow_heif import register_heif_opener
except ImportError:  # HEIC is optional: without the plugin such uploads get "not supported"
    pass
else:
    register_heif_opener()
    SUPPORTED_FORMATS["HEIF"] = ("heic", "image/heic")
JPEG_CONTENT_TYPE = "image/jpeg"
THUMBNAIL_QUALITY = 85
_EXIF_ORIENTATION_TAG = 0x0112
# EXIF orientation -> the transposition that shows the image upright (as ImageOps.exif_transpose).
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Orientations 5-8 rotate by 90 degrees, so the displayed width and height swap.
_ORIENTATIONS_SWAPPING_AXES = {5, 6, 7, 8}

_NOT_AN_IMAGE = "The file is not an image, or it is damaged."
_DAMAGED = "The image is damaged or incomplete and cannot be read."


class InvalidImage(ValueError):
    """The file is not an image we can accept; the message is safe to show to the user."""


@dataclass(frozen=True)
class EncodedJpeg:
    """A re-encoded size of a photo (the thumbnail, the display size): what goes to S3."""

    data: bytes
    width: int
    height: int
    content_type: str = JPEG_CONTENT_TYPE


@dataclass(frozen=True)
class PreparedImage:
    format: str
    extension: str
    content_type: str
    width: int  # as displayed, EXIF orientation applied
    height: int
    thumbnail: EncodedJpeg


def supported_formats_text():
    return ", ".join("WebP" if name == "WEBP" else name for name in SUPPORTED_FORMATS)


def prepare_image(fileobj, *, thumbnail_size, max_pixels):
    """Check that `fileobj` is a supported, intact image and make its thumbnail.

    The pixel limit is checked from the header, before anything is decoded. JPEGs are
    decoded at a reduced scale (libjpeg's DCT scaling via `draft`), so a large photo is
    never held at full size in memory.
    """
    with _open(fileobj, max_pixels) as image:
        if image.width * image.height > max_pixels:
            raise InvalidImage(_too_many_pixels_message(max_pixels))
        # Read before the thumbnail step shrinks the image in place.
        image_format, (width, height) = image.format, image.size
        orientation = orientation_of(image)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Pillow warns about oddities it then handles
                thumbnail = _make_thumbnail(image, thumbnail_size, orientation)
        except Image.DecompressionBombError:
            raise InvalidImage(_too_many_pixels_message(max_pixels)) from None
        except Exception as error:
            # Pillow's decoders raise many types on malformed data (OSError, SyntaxError,
            # struct.error, IndexError, ...): any failure to decode an upload is the file's.
            logger.info("cannot decode %s upload: %r", image_format, error)
            raise InvalidImage(_DAMAGED) from None

    if orientation in _ORIENTATIONS_SWAPPING_AXES:
        width, height = height, width
    extension, content_type = SUPPORTED_FORMATS[image_format]
    return PreparedImage(
        format=image_format,
        extension=extension,
        content_type=content_type,
        width=width,
        height=height,
        thumbnail=thumbnail,
    )


def _open(fileobj, max_pixels):
    """Image.open with only our formats' plugins: files of other formats are never parsed."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own pixel limit (checked by the caller) is lower than Pillow's bomb-warning
            # threshold, and warnings such as "Corrupt EXIF data" are about things we then ignore.
            warnings.simplefilter("ignore")
            return Image.open(fileobj, formats=list(SUPPORTED_FORMATS))
    except Image.DecompressionBombError:
        raise InvalidImage(_too_many_pixels_message(max_pixels)) from None
    except UnidentifiedImageError:
        raise InvalidImage(_unsupported_message(fileobj)) from None
    except Exception:  # a header bad enough to break the plugin itself
        raise InvalidImage(_NOT_AN_IMAGE) from None


def _unsupported_message(fileobj):
    """Name the format when Pillow knows it (header only, nothing decoded): a clearer message."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(fileobj) as other:
                detected = other.format
    except Exception:
        return _NOT_AN_IMAGE
    return f"{detected} images are not supported; please upload {supported_formats_text()}."


def orientation_of(image):
    """The EXIF orientation, 1 (upright) when the EXIF block is missing, corrupt or out of range."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data": we then ignore it
            orientation = image.getexif().get(_EXIF_ORIENTATION_TAG, 1)
    except Exception:
        return 1
    return orientation if orientation in _ORIENTATION_TRANSPOSE else 1


def encode_shrunk_jpeg(image, size, orientation, *, quality, progressive=False):
    """`image` fitted in a `size` px box, upright, flattened to RGB and encoded as a JPEG with no
    metadata, as an EncodedJpeg. Shared by the thumbnail and the display size; it
    decodes `image`, so each size opens the file afresh (draft() works only before decoding)."""
    if image.format == "JPEG":
        # Lets libjpeg decode at 1/2, 1/4 or 1/8 scale, never below the requested size. Ask for the
        # target's own box, not the square: a 4000x3000 photo then decodes at 1/8 (500x375), not
        # at 1/4 (1000x750), which is ~20 % faster with the same result (bench/thumbnails.py).
        scale = size / max(image.size)
        image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    if image.mode in ("1", "P"):
        # Pillow resizes these with nearest-neighbour only; smooth results need real colours.
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    rgb = _to_rgb(image)
    # Orient after shrinking: transposing first would force a full-size decode and copy. Done
    # here rather than by ImageOps.exif_transpose, which re-serialises the whole EXIF block and
    # fails on corrupt EXIF (found by fuzzing); the output keeps no EXIF anyway.
    if orientation in _ORIENTATION_TRANSPOSE:
        rgb = rgb.transpose(_ORIENTATION_TRANSPOSE[orientation])
    buffer = io.BytesIO()
    # No exif= argument: GPS and other metadata stay in the original only.
    rgb.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=progressive)
    return EncodedJpeg(data=buffer.getvalue(), width=rgb.width, height=rgb.height)


def _make_thumbnail(image, size, orientation):
    return encode_shrunk_jpeg(image, size, orientation, quality=THUMBNAIL_QUALITY)


def _to_rgb(image):
    """Flatten any mode Pillow can give us onto an opaque RGB image (white under transparency)."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        # 16-bit and 32-bit greyscale: scale to 8 bits rather than clipping to white.
        return image.point(lambda value: value / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _too_many_pixels_message(max_pixels):
    return f"The image has too many pixels; the limit is {max_pixels / 1_000_000:g} megapixels."
