"""The formats photoshare accepts as uploads, and the one way an upload is opened: by the plugins of
those formats only (gallery.imaging.process, avatar), so files of other formats are never parsed.
A refused file's own format is named from its magic bytes for a clearer message."""

import warnings

from PIL import Image, UnidentifiedImageError

from gallery.imaging.policy import InvalidImage, too_many_pixels

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
# What the upload form's file input offers; browsers know HEIC by its extensions more than its type.
ACCEPT_ATTRIBUTE = ",".join(content_type for _, content_type in SUPPORTED_FORMATS.values()) + (
    ",.heic,.heif" if "HEIF" in SUPPORTED_FORMATS else ""
)
# Pillow's JPEG plugin reports a JPEG with a Multi-Picture segment (many phones' depth and HDR
# photos) as "MPO"; it is a JPEG file whose first frame is the photo.
FORMAT_OF_PLUGIN_RESULT = {"MPO": "JPEG"}


def supported_formats_text(*names):
    """The formats' names as people know them ("WebP"): `names`, else every supported one."""
    return ", ".join("WebP" if name == "WEBP" else name for name in names or SUPPORTED_FORMATS)


def open_upload(fileobj, policy):
    """Image.open with only the policy's formats' plugins: files of other formats are never parsed."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own pixel limit (checked by the caller) is lower than Pillow's bomb-warning
            # threshold, and warnings such as "Corrupt EXIF data" are about things we then ignore.
            warnings.simplefilter("ignore")
            return Image.open(fileobj, formats=allowed(policy))
    except Image.DecompressionBombError:
        raise too_many_pixels(policy.max_pixels) from None
    except UnidentifiedImageError:
        detected = sniffed_format(fileobj)
        if detected is None:
            raise InvalidImage("not_an_image") from None
        raise unsupported(detected) from None
    except Exception:  # a header bad enough to break the plugin itself
        raise InvalidImage("not_an_image") from None


def allowed(policy):
    """The policy's formats that this module can handle, in SUPPORTED_FORMATS' order."""
    return [name for name in SUPPORTED_FORMATS if name in policy.formats]


def accepted_format(image, policy):
    """Our name for the format the plugin found; refuses anything a plugin might report outside
    the allow-list, so no later step ever sees a format we did not choose to accept."""
    name = FORMAT_OF_PLUGIN_RESULT.get(image.format, image.format)
    if name not in allowed(policy):
        raise unsupported(image.format)
    return name


def sniffed_format(fileobj):
    """The format a refused file's magic bytes announce, for a clearer message, or None. Only
    the plugins' signature checks run on the first bytes: other plugins never parse the file."""
    fileobj.seek(0)
    prefix = fileobj.read(16)
    Image.init()  # registers every plugin's signature check (only the common ones are loaded)
    # Our own plugins have already refused it: a broken file of ours is "not an image", not "not supported".
    for name in (name for name in Image.ID if name not in SUPPORTED_FORMATS):
        accept = Image.OPEN[name][1]
        try:
            found = accept is not None and accept(prefix)
        except Exception:  # some checks index short prefixes
            found = False
        if found and not isinstance(found, str):  # a string is the plugin's "recognised, but no"
            return name
    return None


def unsupported(detected):
    return InvalidImage("unsupported_format", {"format": detected, "formats": supported_formats_text()})
