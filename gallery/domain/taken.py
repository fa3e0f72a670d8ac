"""When a photo was taken: the one format of a photo's `taken`, its parser, and what the timeline
sorts and groups by. No Django, no Pillow (gallery.imaging.exif reads the camera's words with it).

`taken` is stored as ISO 8601 to the second, with the offset when it is known:
"2024-07-01T18:30:00+09:00" (EXIF DateTimeOriginal with OffsetTimeOriginal), "2024-07-01T18:30:00"
(a camera that wrote no offset), or the upload time in UTC ("...+00:00") when the file had no date.

The timeline orders by the wall-clock time as the photo's own clock showed it (the text before
any offset), not by the instant: month headers then never split, and a photo reads at the hour
its page shows. Photos stored before this module wrote EXIF's own text ("2024:07:01 18:30:00") or
nothing; `effective` reads both, and `manage.py backfill_taken` rewrites them.
"""

import re
from datetime import UTC, datetime

# Wall clock, then an optional offset: what fromisoformat reads, narrowed to a full date and time
# ("2024-07-01T18:30", seconds and fraction optional) so that "2024" or "12:00" alone is refused.
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?",
)
_EXIF_DATE = "%Y:%m:%d %H:%M:%S"
_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
_WALL_CLOCK = len("2024-07-01T18:30:00")
MONTH_LENGTH = len("2024-07")
# Years a camera or a person may mean: EXIF's blank "0000:00:00" and typos like 20244 are refused.
MIN_YEAR, MAX_YEAR = 1826, 2999  # the oldest surviving photograph


def parse(text):
    """`text` in the stored format (any ISO 8601 date and time, offset optional, "Z" for UTC);
    ValueError for anything else."""
    text = (text or "").strip()
    if not _ISO.fullmatch(text):
        raise ValueError(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(text)
    return moment


def normalized(text):
    """The stored form of a valid `text` ("2024-07-01T18:30:00+09:00"); ValueError otherwise."""
    return _format(parse(text))


def from_exif(date_text, offset_text=""):
    """The stored form of EXIF's DateTimeOriginal ("2024:07:01 18:30:00") with its
    OffsetTimeOriginal ("+09:00"), or "" when the date is missing or blank ("0000:00:00 ...")."""
    try:
        moment = datetime.strptime((date_text or "").strip(), _EXIF_DATE)
    except ValueError:
        return ""
    offset = (offset_text or "").strip()
    text = moment.isoformat() + (offset if _OFFSET.fullmatch(offset) else "")
    try:
        return normalized(text)
    except ValueError:
        return ""


def from_upload(created):
    """The stored form of an upload time (a record's `created`, UTC to the microsecond)."""
    return _format(datetime.fromisoformat(created).astimezone(UTC))


def effective(record):
    """The `taken` of a photo or card as stored now: its own when it reads as a date (the
    stored format, or EXIF's text of photos stored before), else its upload time."""
    stored = record.taken or ""
    try:
        return normalized(stored)
    except ValueError:
        return from_exif(stored) or from_upload(record.created)


def sort_key(taken):
    """What the timeline sorts by: the wall clock of a stored `taken` ("2024-07-01T18:30:00")."""
    return taken[:_WALL_CLOCK]


def month(taken):
    """ "2024-07": the month a stored `taken` falls in on its own clock (the timeline's headers)."""
    return taken[:MONTH_LENGTH]


def wall_clock(taken):
    """A stored `taken` as a naive datetime of its own clock, for showing it."""
    return datetime.fromisoformat(sort_key(taken))


def _format(moment):
    return moment.replace(microsecond=0).isoformat()
