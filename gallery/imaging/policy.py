"""What an uploaded image is held to, and what its uploader reads when it is refused.

One `ImagePolicy` (`gallery.imaging.process.site_policy(LIMITS)`) is passed by every path that
takes a photo in (the upload form, the API, the direct-upload worker) to
gallery.imaging.process.process_image, which has no limit of its own: a path cannot leave one out.

Each refusal is an `InvalidImage` whose words are written here once, as English message ids with
named values. No Django in this layer: `gettext_noop` below only marks them for the catalog
(makemessages looks for the name); gallery.web.forms and the photo page show them translated.
"""

import re
from dataclasses import dataclass


def gettext_noop(message):
    """Marks `message` for the translation catalog; it is translated where it is shown."""
    return message


MESSAGES = {
    "not_an_image": gettext_noop("The file is not an image, or it is damaged."),
    "damaged": gettext_noop("The image is damaged or incomplete and cannot be read."),
    "unsupported_format": gettext_noop("%(format)s images are not supported; please upload %(formats)s."),
    "too_many_pixels": gettext_noop("The image has too many pixels; the limit is %(megapixels)s megapixels."),
}
# Formats decoded whole have a lower limit than JPEG: the message names both.
TOO_MANY_PIXELS_OF_FORMAT = gettext_noop(
    "The image has too many pixels; the limit is %(megapixels)s megapixels for %(format)s images "
    "(%(jpeg_megapixels)s for JPEG)."
)


def message_of(text):
    """(message_id, params) of an English refusal made here, or None. A failed photo keeps its
    reason as the English text (gallery.services.photos); read back, it is shown translated."""
    for message_id in (*MESSAGES.values(), TOO_MANY_PIXELS_OF_FORMAT):
        if match := _pattern(message_id).fullmatch(text):
            return message_id, match.groupdict()
    return None


def _pattern(message_id):
    """The message with each %(name)s as a named group."""
    return re.compile(re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", re.escape(message_id)))


class InvalidImage(ValueError):
    """The file is not an image we can accept. `str(error)` is the English message;
    `message_id` and `params` say it in another language (gettext(message_id) % params); `code`
    is one of "not_an_image", "unsupported_format", "too_many_pixels", "damaged"."""

    def __init__(self, code, params=None, *, message_id=None):
        self.code = code
        self.params = params or {}
        self.message_id = message_id or MESSAGES[code]
        super().__init__(self.message_id % self.params)


@dataclass(frozen=True)
class ImagePolicy:
    """Every limit an uploaded image is held to. All are required: no path gets a laxer default.

    `max_bytes`: the largest file, checked by whoever reads it (the form from the upload's size,
    the worker while reading it from S3) before any image work. `max_pixels`: width x height of
    any image, from its header. `max_full_decode_pixels`: the lower limit of the formats that
    cannot be decoded at a reduced scale (all but JPEG): what bounds a worker's memory.
    `formats`: the Pillow format names accepted (gallery.imaging.process.SUPPORTED_FORMATS)."""

    max_bytes: int
    max_pixels: int
    max_full_decode_pixels: int
    formats: tuple[str, ...]
