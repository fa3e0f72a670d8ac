"""The trash: deleting a photo moves it to its owner's trash for LIMITS.trash_days; it can be
restored from there with its albums (at their positions), tags and favourites, deleted for good
one at a time or all at once, and the worker's daily purge deletes what is past its time.

A photo in the trash is in no list but its owner's trash, in no album page, favourites list,
tag page or search, and its page is a 404 for everyone (its owner is told it is in the trash:
gallery.domain.access.PhotoInTrash). It still counts against its owner (it is stored, in the
owner count; the upload quota counts stored uploads and is not given back by a delete either).
How it is stored: gallery.storage.dynamodb.trash.

A photo that is not ready (still processing, or failed) has nothing to restore: "delete" removes
it for good at once, as before.
"""

import logging
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from gallery.domain import access
from gallery.domain.clock import now as clock_now
from gallery.domain.errors import NoSuchPhoto
from gallery.domain.limits import LIMITS
from gallery.domain.records import READY
from gallery.services import photos
from gallery.storage.dynamodb import PhotoChanged, PhotoNotFound, photo_repository
from gallery.storage.dynamodb import trash as stored

logger = logging.getLogger(__name__)

# Photos deleted for good per Query of the purge (it reads again until none is due).
PURGE_BATCH = 100
# The worker's job name of the daily purge (gallery.services.worker).
PURGE_JOB = "purge_trash"


class NotInTrash(NoSuchPhoto):
    """Restore or delete-for-good of a photo that is not in the user's trash."""

    code = "not_in_trash"
    message = _("This photo is not in your trash.")


def trash(user, photo_id, *, revision=None, clock=None):
    """Move the photo to its owner's trash; returns the trashed Photo (idempotent: a photo
    already in the trash stays as it is). The owner or staff may (access.require_change); a
    photo that is not ready is deleted for good instead (None is returned). Raises as
    photos.changeable, and PhotoChanged when `revision` is given and is no longer the photo's."""
    photo = photo_repository().get_photo(photo_id)
    if photo.trashed_at:
        _require_trash_owner(user, photo)
        return photo
    access.require_change(user, photo)
    if photo.status != READY:
        photos.delete(photo_id, revision=revision)
        return None
    at = (clock or clock_now)()
    trashed = stored.trash_photo(
        photo_id,
        trashed_at=at.isoformat(timespec="microseconds"),
        purge_after=(at + timedelta(days=LIMITS.trash_days)).isoformat(timespec="microseconds"),
        expected_revision=revision,
    )
    logger.info("user %s moved photo %s to the trash", user.pk, photo_id)
    return trashed


def restore(user, photo_id, *, revision=None):
    """Take the photo out of its owner's trash, back in its lists, albums and favourites;
    returns it. Raises NotInTrash (also for anyone but the owner or staff), PhotoChanged."""
    photo = _in_trash(user, photo_id)
    restored = stored.restore_photo(photo.id, expected_revision=revision)
    logger.info("user %s restored photo %s from the trash", user.pk, photo_id)
    return restored


def delete_forever(user, photo_id):
    """Delete a photo of the user's trash for good (items, then objects); returns it."""
    photo = _in_trash(user, photo_id)
    deleted = photos.delete(photo.id, revision=photo.revision)
    logger.info("user %s deleted photo %s from the trash for good", user.pk, photo_id)
    return deleted


def empty(user):
    """Delete every photo of the user's trash for good; returns how many went. A photo restored
    or deleted meanwhile (another tab) is skipped."""
    count = 0
    while True:
        page = stored.trash_page(user.pk, limit=PURGE_BATCH)
        done = count
        for card in page.items:
            count += _delete_quietly(card.id, lambda photo: photo.owner_id == user.pk and photo.trashed_at)
        if not page.items or count == done:
            return count


def purge_due(now=None):
    """The daily purge (the worker): delete for good every trashed photo past its purge_after;
    returns how many went. Idempotent; a photo restored meanwhile is left alone."""
    now = now or clock_now()
    before = now.isoformat(timespec="microseconds")
    count = 0
    while True:
        due = stored.due_for_purge(before, limit=PURGE_BATCH)
        done = count
        for photo_id in due:
            count += _delete_quietly(photo_id, lambda photo: photo.trashed_at and photo.purge_after < before)
        if not due or count == done:
            if count:
                logger.info("purged %d photos from the trash", count)
            return count


def page(user, *, cursor=None, limit=None):
    """A page of the user's trash, newest trashed first (records.TrashedCard)."""
    return stored.trash_page(user.pk, cursor=cursor, limit=limit or LIMITS.page_size)


def days_left(trashed, now=None):
    """Whole days (at least 0) before the purge removes a TrashedCard's photo."""
    left = datetime.fromisoformat(trashed.purge_after) - (now or clock_now())
    return max(0, left.days + (1 if left.seconds or left.microseconds else 0))


def _in_trash(user, photo_id):
    """The photo if it is in the trash and `user` may act on it there, else NotInTrash."""
    try:
        photo = photo_repository().get_photo(photo_id)
    except PhotoNotFound:
        raise NotInTrash(photo_id) from None
    if not photo.trashed_at:
        raise NotInTrash(photo_id)
    _require_trash_owner(user, photo)
    return photo


def _require_trash_owner(user, photo):
    if not (user.is_authenticated and (user.pk == photo.owner_id or user.is_staff)):
        raise NotInTrash(photo.id)


def _delete_quietly(photo_id, still_due):
    """1 if the photo was deleted for good, 0 if it is gone or `still_due` no longer holds."""
    try:
        photo = photo_repository().get_photo(photo_id)
        if not still_due(photo):
            return 0
        photos.delete(photo_id, revision=photo.revision)
    except (PhotoNotFound, PhotoChanged):
        return 0
    return 1
