"""Deleting an account: every photo (in the trash too), object, item, album, favourite, archive,
token, address, second factor, session and the user, with a mail in their language at the end.

Two steps. `request_deletion` (the page, once the password and second factor were checked)
marks the user as being deleted (`is_active` False: no login, no session, no API token works
from then on, so nothing new is written for them) and queues the job. The worker's
`erase_account` then removes everything, in steps that may each run again: a crash or a backend
down leaves the job in the queue, and its next delivery starts over from what is left. It never
touches an active user (a job for one is refused), and a user already gone is done.
What goes, kind of item by kind: ERASED_WITH (test_erase.py fails when model.KINDS grows a kind
that is not there).
"""

import contextlib
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import AccountLanguage, ApiToken
from gallery.services import albums, avatars, comments, follows, photos
from gallery.storage import sqs
from gallery.storage.dynamodb import (
    AlbumChanged,
    AlbumNotFound,
    PhotoNotFound,
    jobs,
    model,
    photo_repository,
    schema,
)
from gallery.storage.dynamodb import comments as stored_comments
from gallery.storage.dynamodb import erase as stored
from gallery.storage.dynamodb import notifications as stored_notes
from gallery.storage.s3 import keys, objects

logger = logging.getLogger(__name__)

ERASE_ACCOUNT = "erase_account"  # the worker's job name

# How each declared kind of item goes when its user's account does.
ERASED_WITH = {
    model.FOLLOW.name: "both ways, the other's counts moved: follows.forget",
    model.FOLLOW_COUNT.name: "the user's own: follows.forget",
    model.FEED_WIDE.name: "the user's own feed, and the marks of them in followers' feeds: follows.forget",
    model.FEED_ENTRY.name: "the user's own feed, and their photos in followers' feeds: follows.forget",
    model.PHOTO.name: "each photo of the user (any status, in the trash too): photos.delete",
    model.CARD.name: "with its photo",
    model.FAVORITE.name: "with its photo (others' favourites of it); the user's own: remove_favorite",
    model.FAVORITE_COUNT.name: "with its photo; others' photos the user liked count one less",
    model.MEMBERSHIP.name: "with its photo (only an album's owner's photos are in it)",
    model.TAG_COUNT.name: "not the user's: each photo's delete takes its share off",
    model.OWNER_COUNT.name: "deleted once the user's photos are gone",
    model.ALBUM.name: "each album of the user: albums.delete",
    model.ENTRY.name: "with its photo and its album",
    model.ALBUM_CARD.name: "with its album",
    model.ARCHIVE_JOB.name: "each job of the user, its archive object first",
    model.COMMENT.name: "with its photo (comments on the user's photos); the user's own: comments.delete_any",
    model.ALBUM_COMMENT.name: "with its album (comments on the user's albums); the user's own: "
    "comments.delete_any",
    model.NOTE.name: "the user's own, and those they caused in others' partitions (their counts moved): "
    "notifications' delete",
    model.NOTE_ONCE.name: "with its notification; the user's own partition's too",
    model.NOTE_COUNT.name: "the user's own, after their notifications",
}

# Passes over the table: a request that was under way when the user was marked may still write
# (an upload finishing); the next pass finds it.
_PASSES = 3


def request_deletion(user, *, language=""):
    """Mark the user as being deleted and queue the job; their tokens and sessions end now.
    Raises sqs.JobsUnavailable (nothing changed) when the queue cannot be reached."""
    users = get_user_model().objects
    users.filter(pk=user.pk).update(is_active=False)
    try:
        sqs.queue().send({"job": ERASE_ACCOUNT, "user_id": user.pk, "language": language})
    except sqs.JobsUnavailable:
        users.filter(pk=user.pk).update(is_active=True)
        raise
    user.is_active = False
    ApiToken.end_all(user)
    _end_sessions(user)
    logger.info("user %s asked for their account to be deleted", user.pk)


def erase_account(user_id, *, language=""):
    """The worker's job: remove everything of a user marked as being deleted, then the user.
    Returns "deleted", "gone" (done before: a redelivery) or "refused" (an active user)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return "gone"
    if user.is_active:
        logger.error("refused to delete user %s: the account is not marked for deletion", user_id)
        return "refused"
    _end_sessions(user)
    for _pass in range(_PASSES):
        found = stored.user_items(user_id)
        if not found:
            break
        _erase_items(user_id, found)
    follows.forget(user_id)  # after the photos: their feed jobs find no followers left to write to
    objects.delete_objects(objects.list_objects(prefix=keys.upload_key(user_id, "")))
    avatars.erase(user_id)  # the profile row goes with the user below
    _mail_goodbye(user, language)
    user.delete()  # with it (on delete cascade): tokens, addresses, second factors, language
    logger.info("deleted the account of user %s", user_id)
    return "deleted"


def _erase_items(user_id, found):
    for parts, _item in found.of(model.PHOTO):
        with contextlib.suppress(PhotoNotFound):  # deleted meanwhile
            photos.delete(parts["photo_id"])
    for _parts, item in found.of(model.ALBUM):
        # Changed or deleted meanwhile: the next pass reads it again.
        with contextlib.suppress(AlbumChanged, AlbumNotFound):
            albums.delete(schema.album_from_item(item))
    for parts, _item in found.of(model.FAVORITE):
        photo_repository().remove_favorite(parts["photo_id"], user_id)
    for parts, item in found.of(model.ARCHIVE_JOB):
        if item.get("archive_key"):
            objects.delete_objects([item["archive_key"]])
        jobs.delete_job(parts["job_id"])
    for _parts, item in [*found.of(model.COMMENT), *found.of(model.ALBUM_COMMENT)]:
        comments.delete_any(stored_comments.comment_from_item(item))
    for _parts, item in found.of(model.OWNER_COUNT):
        stored.delete_item(item)
    for _parts, item in found.of(model.NOTE):  # the user's, and those they caused
        stored_notes.delete(item)
    for _parts, item in found.of(model.NOTE_ONCE):  # gone with their notifications, but a stray one
        stored.delete_item(item)
    for _parts, item in found.of(model.NOTE_COUNT):  # after the notifications it counted
        stored.delete_item(item)


def _end_sessions(user):
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()


def _mail_goodbye(user, language):
    """Tell the user their account is gone, in their language. A mail that cannot be sent is
    logged: the deletion goes on (nothing is left to send it from)."""
    if not user.email:
        return
    language = AccountLanguage.of(user, language or None)
    try:
        with translation.override(language or None):
            send_mail(
                subject=_("Your photoshare account was deleted"),
                message=_(
                    "Hello %(name)s,\n\nas you asked, your photoshare account was deleted, with every "
                    "photo, album, favourite and API token of it. Nothing of it can be restored.\n"
                )
                % {"name": user.get_username()},
                from_email=None,
                recipient_list=[user.email],
            )
    except Exception:
        logger.exception("could not mail user %s that their account was deleted", user.pk)
