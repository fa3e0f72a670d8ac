"""How stored values read on a page: media URLs, dates, visibility, a link preview's text, and
the states of a photo or an album (the domain's constants, never spelled out in a template)."""

from datetime import datetime

from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gallery.domain import records
from gallery.storage.s3 import media_urls


def media_url(key):
    """URL of a stored object (s3.media_urls.url: presigned or plain, cached); "" for no key."""
    return media_urls.url(key) if key else ""


def exif_date(value):
    """EXIF writes "2024:07:01 18:30:00" (the camera's local time): shown in the language's
    DATETIME_FORMAT ("July 1, 2024, 6:30 p.m.", "2024년 7월 1일 6:30 오후"). Anything else as it is."""
    try:
        taken = datetime.strptime((value or "").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return value
    return formats.date_format(taken, "DATETIME_FORMAT")


def as_datetime(value):
    """A stored ISO 8601 timestamp ("2026-12-01T21:22:00.000000+00:00") as a datetime, for the
    `date` filter and the language's formats; "" when it is not one."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""


def visibility_label(value):
    """ "public", "unlisted", "private" in the reader's words ("Everyone", ...)."""
    return dict(records.ALBUM_VISIBILITY_CHOICES).get(value, value)


def preview_text(photo):
    """The text of a link preview: the description's start, or who took the photo."""
    text = " ".join((photo.description or "").split())
    if text:
        return Truncator(text).chars(200)
    return _("A photo by %(name)s on photoshare") % {"name": photo.owner_username}


def is_private(item):
    """A photo or card seen by its owner only (the "only me" badge)."""
    return item.visibility == records.PRIVATE


def is_unlisted(album):
    return album.visibility == records.UNLISTED


def is_processing(photo):
    return photo.status == records.PROCESSING
