"""How stored values read on a page: media URLs, dates, visibility, a link preview's text, and
the states of a photo or an album (the domain's constants, never spelled out in a template)."""

from datetime import datetime

from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gallery.domain import records, taken
from gallery.storage.s3 import media_urls


def media_url(key):
    """URL of a stored object (s3.media_urls.url: presigned or plain, cached); "" for no key."""
    return media_urls.url(key) if key else ""


def exif_date(value):
    """When a photo was taken (gallery.domain.taken's format, or EXIF's "2024:07:01 18:30:00" of
    photos stored before it), on the photo's own clock, in the language's DATETIME_FORMAT
    ("July 1, 2024, 6:30 p.m.", "2024년 7월 1일 6:30 오후"). Anything else as it is."""
    stored = taken.from_exif(value) or value
    try:
        return formats.date_format(taken.wall_clock(taken.normalized(stored)), "DATETIME_FORMAT")
    except ValueError:
        return value


def month_label(month):
    """ "2024-07" in the language's YEAR_MONTH_FORMAT ("July 2024", "2024년 7월"): the timeline's
    headers and its jump. Anything else as it is."""
    try:
        return formats.date_format(datetime.strptime(month, "%Y-%m").date(), "YEAR_MONTH_FORMAT")
    except ValueError:
        return month


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
