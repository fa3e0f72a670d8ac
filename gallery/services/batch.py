"""One action on many of the caller's photos (select many on a grid, POST /api/photos/batch/):
add to an album, add or remove tags, set the visibility, move to the trash or restore.

All or nothing per photo, never per batch: each photo gets its result, None ("ok") or the
DomainError that refused it (not yours, no such photo, still processing, too many tags or
albums ...), and the rules are those of the single use cases (gallery.domain.access, LIMITS,
gallery.services.albums). The writes are those of the single use cases too, several photos' in
one TransactWriteItems request (gallery.storage.dynamodb.batches). A photo changed in another tab
between our read and our write is read again and done again (ATTEMPTS times), else it gets
PhotoChanged: a photo is never half changed, and never changed from a stale read.
"""

import functools
import logging
import re
import time

from django.utils.translation import gettext_lazy as _

from gallery.domain import access
from gallery.domain.errors import DomainError, Invalid, Unavailable
from gallery.domain.ids import PATTERN as ID_PATTERN
from gallery.domain.limits import LIMITS
from gallery.domain.records import READY, VISIBILITY_CHOICES
from gallery.domain.tags import parse_tags
from gallery.services import albums, trash
from gallery.services.photos import PhotoNotReady
from gallery.storage.dynamodb import PhotoChanged, PhotoNotFound, batches, photo_repository

logger = logging.getLogger(__name__)

TRASH, RESTORE, ADD_TO_ALBUM = "trash", "restore", "add_to_album"
ADD_TAGS, REMOVE_TAGS, SET_VISIBILITY = "add_tags", "remove_tags", "set_visibility"
# The argument each action needs besides the photos.
ARGUMENTS = {
    TRASH: None,
    RESTORE: None,
    ADD_TO_ALBUM: "album_id",
    ADD_TAGS: "tags",
    REMOVE_TAGS: "tags",
    SET_VISIBILITY: "visibility",
}
ACTIONS = tuple(ARGUMENTS)
VISIBILITIES = tuple(value for value, _label in VISIBILITY_CHOICES)
OK = "ok"
# Photos judged and written between two looks at the clock, and the time a batch may take:
# well within the server's timeout (gunicorn's 60 s), whatever DynamoDB's latency that day.
SLICE = 100
TIME_BUDGET = 25.0  # seconds
MISSING = {
    "album_id": _("Choose an album."),
    "tags": _("Type one or more tags."),
    "visibility": _("Choose who may see the photos."),
}
# Reads and writes of a photo that keeps changing under the batch before it gives up on it.
ATTEMPTS = 3


class BatchRefused(Invalid):
    """The batch itself is wrong (not one of its photos): no photo was touched."""

    code = "batch_refused"

    def __init__(self, message, field=""):
        super().__init__(message, message=message)
        self.field = field


class NotDoneInTime(Unavailable):
    """The batch's time ran out before this photo's turn: nothing of it was changed."""

    code = "not_done_in_time"
    message = _("Not done: the batch took too long. Select this photo again.")
    retry_after = 0


class TooManyTags(Invalid):
    code = "too_many_tags"

    @property
    def message(self):
        return LIMITS.too_many_tags_message()


def check(action, photo_ids, *, album_id=None, tags=None, visibility=None):
    """Refuse a batch that cannot be applied at all (BatchRefused): an unknown action, no
    photos, more than LIMITS.batch_photos or something else than photo ids, its argument
    missing or wrong. Returns the photo ids once each, in their order, and the tags (a list
    or text as typed) in their canonical form."""
    if action not in ARGUMENTS:
        raise BatchRefused(
            _("Choose one of the actions: %(actions)s.") % {"actions": ", ".join(ACTIONS)}, "action"
        )
    if not all(
        isinstance(photo_id, str) and re.fullmatch(ID_PATTERN, photo_id) for photo_id in photo_ids or ()
    ):
        raise BatchRefused(_("Send the ids of photos."), "photo_ids")
    ids = list(dict.fromkeys(photo_ids or ()))
    if not ids:
        raise BatchRefused(_("Select at least one photo."), "photo_ids")
    if len(ids) > LIMITS.batch_photos:
        raise BatchRefused(
            _("At most %(count)d photos at once, please.") % {"count": LIMITS.batch_photos}, "photo_ids"
        )
    if tags is not None:
        tags = parse_tags(tags if isinstance(tags, str) else ", ".join(str(tag) for tag in tags))
    argument = {"album_id": album_id, "tags": tags, "visibility": visibility, None: True}[ARGUMENTS[action]]
    if not argument:
        raise BatchRefused(MISSING[ARGUMENTS[action]], ARGUMENTS[action])
    if action == SET_VISIBILITY and visibility not in VISIBILITIES:
        raise BatchRefused(
            _("Choose a visibility: %(values)s.") % {"values": ", ".join(VISIBILITIES)}, "visibility"
        )
    if action in (ADD_TAGS, REMOVE_TAGS) and (error := LIMITS.tags_error(tags)):
        raise BatchRefused(error, "tags")
    return ids, tags


def apply(user, action, photo_ids, *, album_id=None, tags=None, visibility=None, clock=None):
    """Apply `action` to each of `user`'s photos `photo_ids` (the batch checked first, see
    `check`; the album of add_to_album must be one `user` may change: AlbumNotFound, ...).
    Returns {photo id: None when done, else the DomainError that refused that photo}, in the
    ids' order. `clock` (seconds, monotonic) is injectable for the time budget's tests."""
    ids, tags = check(action, photo_ids, album_id=album_id, tags=tags, visibility=visibility)
    if action == ADD_TO_ALBUM:
        album = albums.changeable(user, album_id)
        run = functools.partial(_add_to_album, user, album)
    elif action in (TRASH, RESTORE):
        run = functools.partial(_one_by_one, user, act=trash.trash if action == TRASH else trash.restore)
    else:
        run = functools.partial(_edit, user, change=_CHANGES[action](tags, visibility))
    results = {}
    # A slice at a time, until the request's time is spent: the photos left get NotDoneInTime
    # (select them again), never a request that outlives the server's timeout.
    deadline = (clock or time.monotonic)() + TIME_BUDGET
    for start in range(0, len(ids), SLICE):
        if (clock or time.monotonic)() > deadline:
            results.update({photo_id: NotDoneInTime(photo_id) for photo_id in ids[start:]})
            break
        results.update(run(ids[start : start + SLICE]))
    done = sum(error is None for error in results.values())
    logger.info("batch %s by user %s: %d of %d photos", action, user.pk, done, len(ids))
    return {photo_id: results[photo_id] for photo_id in ids}


def result_text(error):
    """A photo's result as the API and the pages say it: "ok", or why not (translated)."""
    return OK if error is None else str(error.message)


def _add_tags(tags, _visibility):
    def change(photo):
        new = photo.tags + [tag for tag in tags if tag not in photo.tags]
        if len(new) > LIMITS.tag_count:
            raise TooManyTags(photo.id)
        return {"tags": new} if new != photo.tags else {}

    return change


def _remove_tags(tags, _visibility):
    def change(photo):
        new = [tag for tag in photo.tags if tag not in tags]
        return {"tags": new} if new != photo.tags else {}

    return change


def _set_visibility(_tags, visibility):
    def change(photo):
        return {"visibility": visibility} if photo.visibility != visibility else {}

    return change


_CHANGES = {ADD_TAGS: _add_tags, REMOVE_TAGS: _remove_tags, SET_VISIBILITY: _set_visibility}


def _own_ready(user, photo):
    """The rules of photos.edit for one photo: the caller's own, and ready."""
    access.require_own_photo(user, photo)
    if photo.status != READY:
        raise PhotoNotReady(photo.id)


def _rounds(ids, attempt):
    """Read the photos of `ids` and let `attempt(reads, results)` judge each (into `results`)
    and write those it may, returning {photo id: None | error} of the writes; then again with
    those another write changed between the read and the write (PhotoChanged)."""
    results, pending = {}, ids
    for _round in range(ATTEMPTS):
        found = batches.photos_with_items(pending)
        results.update({photo_id: PhotoNotFound(photo_id) for photo_id in pending if photo_id not in found})
        results.update(attempt([found[photo_id] for photo_id in pending if photo_id in found], results))
        pending = [photo_id for photo_id in pending if isinstance(results[photo_id], PhotoChanged)]
        if not pending:
            break
    return results


def _edit(user, ids, *, change):
    def attempt(reads, results):
        edits = {}
        for photo, items in reads:
            try:
                _own_ready(user, photo)
                changes = change(photo)
            except DomainError as error:
                results[photo.id] = error
                continue
            if changes:
                edits[photo.id] = (photo, items, changes)
            else:
                results[photo.id] = None  # as asked already
        written = batches.update_photos(edits)
        return {photo_id: new if isinstance(new, DomainError) else None for photo_id, new in written.items()}

    return _rounds(ids, attempt)


def _add_to_album(user, album, ids):
    def attempt(reads, results):
        joining = []
        for photo, items in reads:
            in_albums = batches.album_ids(items)
            try:
                albums.require_may_join(user, album, photo, in_albums)
            except DomainError as error:
                results[photo.id] = error
                continue
            if album.id in in_albums:
                results[photo.id] = None  # in it already
            else:
                joining.append(photo)
        return batches.add_to_album(album, joining)

    return _rounds(ids, attempt)


def _one_by_one(user, ids, *, act):
    """Trash or restore (gallery.services.trash, whose rules these are), each photo on its own
    (its write is one photo's transaction already), a few at a time (batches.each). Only the
    caller's own photos (staff may trash anyone's one at a time, never in a batch)."""

    def one(photo_id):
        error = None
        for _attempt in range(ATTEMPTS):
            try:
                if user.is_staff:  # anyone's one at a time, only their own in a batch
                    photo = photo_repository().get_photo(photo_id)
                    if photo.owner_id != user.pk:
                        access.require_own_photo(user, photo)
                act(user, photo_id)
                return None
            except PhotoChanged as changed:
                error = changed
            except DomainError as refused:
                return refused
        return error

    return dict(zip(ids, batches.each(one, ids), strict=True))
