"""Every limit an upload or an edit is held to, and its message: defined here, once.

The values are settings (PHOTOSHARE_MAX_*, see the README), read at call time so a test's
override applies. The form, the API, the streaming upload handler and the upload page's
script (which gets the numbers as data attributes) all read them here; nginx's body limit is
derived by the deploy from the same PHOTOSHARE_MAX_UPLOAD_BYTES (deploy/).
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat


def upload_bytes():
    """The largest file accepted."""
    return settings.PHOTOSHARE_MAX_UPLOAD_BYTES


def request_bytes():
    """The largest request body accepted: one file plus the form fields (settings derives
    DATA_UPLOAD_MAX_MEMORY_SIZE from the upload limit)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def image_pixels():
    return settings.PHOTOSHARE_MAX_IMAGE_PIXELS


def thumbnail_size():
    return settings.PHOTOSHARE_THUMBNAIL_SIZE


def display_size():
    return settings.PHOTOSHARE_DISPLAY_SIZE


def title_length():
    return settings.PHOTOSHARE_MAX_TITLE_LENGTH


def description_length():
    return settings.PHOTOSHARE_MAX_DESCRIPTION_LENGTH


def tag_count():
    return settings.PHOTOSHARE_MAX_TAGS


def tag_length():
    return settings.PHOTOSHARE_MAX_TAG_LENGTH


def tags_text_length():
    """The tags field as typed: every tag at its longest, each with a separator and a "#"."""
    return tag_count() * (tag_length() + 2)


def upload_size_text():
    return filesizeformat(upload_bytes())


def file_too_large_message(size=None):
    """What the uploader reads when a file passes the limit: with its size when known (the
    form), without when it was stopped while streaming (gallery.uploads)."""
    if size is None:
        return f"The file is too large; the limit is {upload_size_text()}. Nothing was stored."
    return f"The file is {filesizeformat(size)}; the limit is {upload_size_text()}."
