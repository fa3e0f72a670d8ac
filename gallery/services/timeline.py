"""The owner's timeline: all their photos by when they were taken, newest first, in months.

A page is one Query on the owner's TAKEN# list (gallery.domain.lists), from the top, from a
cursor, or from a month the reader jumps to (only sort keys below the next month's start: still
one Query). The jump offers the months between the newest and the oldest photo, which are one
Limit=1 Query each way (kept by the list cache between writes), whatever the library's size.
"""

import itertools
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gallery.domain import lists, taken
from gallery.domain.errors import Invalid
from gallery.domain.records import PROCESSING
from gallery.storage.dynamodb import PhotoChanged, PhotoNotFound, photo_repository, scan_photos
from gallery.storage.dynamodb.places import places as dynamodb_places


class InvalidMonth(Invalid):
    code = "invalid_month"
    message = _("Choose a month as YYYY-MM, e.g. 2024-07.")


@dataclass(frozen=True)
class Month:
    month: str  # "2024-07"
    cards: list = field(default_factory=list)


def page(owner_id, *, cursor=None, limit=24, month=None):
    """One page of the owner's timeline (records.Page of PhotoCards); `month` ("2024-07") starts
    it at that month's newest photo, or the nearest month before with photos. InvalidMonth."""
    try:
        before = lists.month_start(month) if month else None
    except ValueError:
        raise InvalidMonth() from None
    return photo_repository().list_page(lists.taken_list(owner_id), cursor=cursor, limit=limit, before=before)


def months(cards):
    """The cards in runs of one month each, in their order: [Month]. A month a page break cuts
    shows again at the top of the next page."""
    return [
        Month(month, list(run)) for month, run in itertools.groupby(cards, key=lambda card: month_of(card))
    ]


def month_of(record):
    """ "2024-07": the month a photo or card was taken in (its upload's, when the file had no date)."""
    return taken.month(taken.effective(record))


def jump_years(owner_id):
    """[(year, [month, ...])], newest first, of every month from the newest photo's to the
    oldest photo's (months without photos included: the jump then lands on the nearest older
    one); [] for an empty library."""
    list_name = lists.taken_list(owner_id)
    newest = photo_repository().list_page(list_name, limit=1).items
    oldest = photo_repository().list_page(list_name, limit=1, oldest_first=True).items
    if not newest or not oldest:
        return []
    last, first = month_of(newest[0]), month_of(oldest[0])
    years = []
    for year in range(int(last[:4]), int(first[:4]) - 1, -1):
        numbers = [f"{year:04d}-{number:02d}" for number in range(12, 0, -1)]
        years.append((year, [month for month in numbers if first <= month <= last]))
    return years


def backfill_taken(*, log=lambda photo_id: None):
    """Give every photo stored before `taken` had its format (none, or EXIF's own text) its
    `taken` in the stored format, and so its timeline card: each one an edit of the photo
    (update_photo: its cards, album entries and favourites follow in the same way as any edit),
    conditional on the revision scanned. Idempotent and resumable: a photo already right is
    skipped, so a run stopped half-way is finished by the next. Processing photos are left to the
    worker, which writes theirs. Returns (photos updated, photos that changed meanwhile)."""
    photos, _stray = scan_photos()
    updated = changed = 0
    for photo in photos.values():
        right = taken.effective(photo)
        if photo.status == PROCESSING or photo.taken == right:
            continue
        try:
            photo_repository().update_photo(photo.id, expected_revision=photo.revision, taken=right)
        except (PhotoChanged, PhotoNotFound):
            changed += 1  # edited or deleted meanwhile: the next run sees it as it is now
            continue
        updated += 1
        log(photo.id)
    return updated, changed


def places(owner_id):
    """The owner's geotagged photos for their map: [(id, latitude, longitude, thumbnail key)]."""
    return dynamodb_places(owner_id)
