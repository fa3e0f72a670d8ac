"""The use cases of a photo: publish, find, edit, delete. The one place that orders the S3
(gallery.storage.s3) and DynamoDB (gallery.storage.dynamodb) side effects.

Publish: objects first, item last. A photo is visible only once its item exists, and the item
exists only if all its objects were stored; if any step fails, the objects already written are
removed, so a failed upload leaves nothing behind. Delete runs the other way round.
Forms and the API validate; views call these with the cleaned data.

Direct uploads (docs/api.md, "Uploads straight to S3"): `start_upload` signs a POST of one file
to uploads/<user>/<id>; `complete_upload` records the photo as "processing" (its item only, in
no list) and queues a job; the worker's `process_upload` checks the file with gallery.imaging.process,
stores the sizes, copies the original to photos/<id>/, and marks the photo "ready" (joining
its lists) or "failed" with the reason, removing what it stored. The upload id is the photo id.
"""

import contextlib
import logging
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gallery.domain import access
from gallery.domain import taken as taken_time
from gallery.domain.clock import timestamp
from gallery.domain.errors import Conflict, Invalid, NotFound, Unavailable
from gallery.domain.ids import new_photo_id
from gallery.domain.limits import LIMITS, FileTooLarge, require_file_size
from gallery.domain.records import FAILED, PROCESSING, PUBLIC, READY, Photo
from gallery.imaging.process import InvalidImage, process_image, site_policy
from gallery.imaging.renditions import RENDITIONS
from gallery.services import notifications, ratelimit
from gallery.services.photo_fields import rendition_fields
from gallery.storage import sqs
from gallery.storage.dynamodb import (
    MetadataUnavailable,
    PhotoAlreadyExists,
    PhotoChanged,
    PhotoNotFound,
    photo_repository,
)
from gallery.storage.s3 import objects
from gallery.storage.s3.backend import ObjectTooLarge
from gallery.storage.s3.keys import upload_key
from gallery.storage.s3.uploads import presigned_upload

logger = logging.getLogger(__name__)


class PublishFailed(Unavailable):
    """Storing the photo failed; nothing of it was kept. The caller may ask the user to retry."""

    code = "publish_failed"
    message = _("Your photo could not be stored. Please try again.")
    api_message = _("The photo could not be stored; try again.")


class PhotoNotReady(Conflict):
    """The photo is still processing (or failed): it cannot be edited."""

    code = "photo_not_ready"
    message = _("The photo is still being processed; it can be changed once it is ready.")


class UploadNotFound(NotFound):
    """No upload of this user has that id (another user's completed upload looks the same)."""

    code, message = "upload_not_found", _("No such upload.")


class UploadAlreadyCompleted(Conflict):
    """The upload was completed before: its photo exists."""

    code = "upload_already_completed"
    message = _("This upload was already completed; its photo is at /api/photos/<upload_id>/.")


class UploadMissing(Invalid):
    """Nothing was uploaded (yet) under the upload's key, or it expired."""

    code = "upload_missing"
    message = _(
        "No file has been uploaded for this upload yet: POST the file to the upload URL first "
        "(it is valid for a few minutes; start a new upload after that)."
    )


PROCESS_UPLOAD = "process_upload"  # the job's name in the queue
# Stored in English on the photo; marked for the catalog, so its page shows them translated.
GONE_REASON = gettext_noop("The uploaded file is gone (it may have expired); please upload it again.")
UNPROCESSABLE_REASON = gettext_noop("The photo could not be processed; please upload it again.")


@dataclass(frozen=True)
class Upload:
    """Where and how the client POSTs the file: S3's presigned POST for one key."""

    upload_id: str
    url: str
    fields: dict


def publish(
    owner, *, image, title, description="", tags=(), visibility=PUBLIC, share_original=False, clock=None
):
    """Store the original, display size and thumbnail in S3 and the metadata in DynamoDB;
    return the Photo.

    `image` is what gallery.web.forms.PhotoFileField validated: the uploaded `file` and its
    gallery.imaging.process.ProcessedImage `processed` (sizes, renditions, EXIF facts).
    """
    photo_id = new_photo_id()
    photo = _new_photo(
        owner,
        photo_id,
        details=(title, description, tags, visibility),
        clock=clock,
        share_original=share_original,
        **rendition_fields(photo_id, image.processed, image.file.size),
    )
    written = []
    # A place in the owner's quota of stored photos (ratelimit.TooManyRequests when full), given
    # back if storing fails.
    with ratelimit.upload_quota(owner):
        try:
            for key, content in objects_of(photo, image.processed, original=image.file):
                objects.save(key, content)
                written.append(key)
            photo_repository().put_photo(photo)
        except Exception as error:  # any failure at any step: remove what was written
            logger.exception("publishing photo %s failed; removing %s", photo_id, written)
            objects.delete_quietly(written)
            raise PublishFailed(photo_id) from error
    logger.info("published photo %s by user %s", photo_id, owner.pk)
    return photo


def _new_photo(owner, photo_id, *, details, clock, **fields):
    """The record of a new photo of `owner`: what they said of it (`details`: title,
    description, tags, visibility), created now, and `fields`."""
    title, description, tags, visibility = details
    photo = Photo(
        id=photo_id,
        title=title,
        description=description,
        tags=list(tags),
        visibility=visibility,
        owner_id=owner.pk,
        owner_username=owner.get_username(),
        created=timestamp(clock),
        **fields,
    )
    # No date in the file (or none yet: a direct upload's is read by the worker): the upload time.
    return photo if photo.taken else replace(photo, taken=taken_time.effective(photo))


def objects_of(photo, processed, *, original=None):
    """(key, content) of every object a photo made from `processed` stores; the original only
    when given (the worker copies it in S3 instead)."""
    files = [(photo.original_key, original)] if original is not None else []
    files += [(getattr(photo, f"{row.field}_key"), getattr(processed, row.field).data) for row in RENDITIONS]
    files += [
        (source["key"], made.data) for source, made in zip(photo.sources, processed.sources, strict=True)
    ]
    if processed.shared is not None:
        files.append((photo.shared_key, processed.shared.file))
    return files


def visible(user, photo_id):
    """The photo if `user` may see it. Raises dynamodb.PhotoNotFound, or access.PhotoHidden for
    someone else's private photo (both answered as "no such photo")."""
    return access.require_view(user, photo_repository().get_photo(photo_id))


def visible_with_favorites(user, photo_id):
    """(photo, records.FavoriteState) as `visible` and `favorite_state` give them, in one read."""
    photo, state = photo_repository().photo_and_favorite_state(photo_id, _viewer_id(user))
    return access.require_view(user, photo), state


def changeable(user, photo_id):
    """The photo if `user` may change it; raises as `visible`, or access.ChangeNotAllowed."""
    return access.require_change(user, photo_repository().get_photo(photo_id))


def edit(photo, *, revision=None, **changes):
    """Change title, description, tags, visibility or sharing; returns the updated Photo.

    Conditional on `revision`, the one the user saw (the edit form's, the API's If-Match), by
    default `photo`'s own: raises dynamodb.PhotoChanged or PhotoNotFound when someone got there
    first, so a stale tab never silently undoes a newer edit; PhotoNotReady while the worker has
    the photo (its result would overwrite the edit)."""
    if photo.status != READY:
        raise PhotoNotReady(photo.id)
    expected = photo.revision if revision is None else revision
    updated = photo_repository().update_photo(photo.id, expected_revision=expected, **changes)
    logger.info("edited photo %s (%s)", photo.id, ", ".join(sorted(changes)))
    return updated


def delete(photo_id, *, revision=None):
    """Delete the photo's DynamoDB items, then its S3 objects; returns the deleted Photo.

    Items first, in one transaction: the photo disappears from every page at once and nothing
    ever points at a missing object. If removing an object fails afterwards, the object is an
    orphan nobody links to (logged; `manage.py reconcile` removes it) and the call still
    succeeds. Retrying is safe: a failed item delete changed nothing, and deleting an already
    missing S3 object is not an error.
    Raises dynamodb.PhotoNotFound, PhotoChanged (the photo is no longer at `revision`, when
    given) or MetadataUnavailable.
    """
    photo = photo_repository().delete_photo(photo_id, expected_revision=revision)
    objects.delete_quietly(photo.object_keys)
    logger.info("deleted photo %s", photo_id)
    return photo


# --- direct uploads --------------------------------------------------------------------------
def start_upload(owner):
    """A presigned POST for one file of at most LIMITS.upload_bytes, valid for a few minutes."""
    upload_id = new_photo_id()
    post = presigned_upload(
        upload_key(owner.pk, upload_id),
        max_bytes=LIMITS.upload_bytes,
        expires_in=LIMITS.upload_url_seconds,
    )
    return Upload(upload_id=upload_id, url=post["url"], fields=post["fields"])


def complete_upload(
    owner, upload_id, *, title, description="", tags=(), visibility=PUBLIC, share_original=False, clock=None
):
    """Record the uploaded file as the owner's "processing" photo and queue its job; returns it.

    Raises UploadAlreadyCompleted (a second complete), UploadNotFound (someone else's upload),
    UploadMissing (no file under the key), FileTooLarge (the object is removed: S3 refuses it,
    a local S3 may not), or PublishFailed (nothing was kept: the queue or DynamoDB refused).
    """
    try:
        existing = photo_repository().get_photo(upload_id)
    except PhotoNotFound:
        existing = None
    if existing is not None:
        raise (
            UploadAlreadyCompleted(upload_id) if existing.owner_id == owner.pk else UploadNotFound(upload_id)
        )
    key = upload_key(owner.pk, upload_id)
    size = objects.object_size(key)
    if size is None:
        raise UploadMissing(upload_id)
    try:
        require_file_size(size)
    except FileTooLarge:
        objects.delete_quietly([key])
        raise
    photo = _new_photo(
        owner,
        upload_id,
        details=(title, description, tags, visibility),
        clock=clock,
        thumbnail_key="",  # no sizes until the worker made them
        thumbnail_width=0,
        thumbnail_height=0,
        original_bytes=size,
        status=PROCESSING,
        upload_key=key,
        share_original=share_original,
    )
    with ratelimit.upload_quota(owner):  # a direct upload takes its place in the quota at complete
        try:
            photo_repository().put_photo(photo)  # conditional: of two concurrent completes, one wins
        except PhotoAlreadyExists:
            raise UploadAlreadyCompleted(upload_id) from None
        # Item first, then the job: a job always finds its photo. If the queue refuses, the item
        # goes again and the file stays for a retry of the complete (or the lifecycle rule).
        try:
            sqs.queue().send({"job": PROCESS_UPLOAD, "photo_id": upload_id})
        except sqs.JobsUnavailable as error:
            photo_repository().delete_photo(upload_id)
            raise PublishFailed(upload_id) from error
    logger.info("upload %s by user %s completed; processing", upload_id, owner.pk)
    return photo


def process_upload(photo_id, *, last_attempt=False):
    """The worker's job: check the uploaded file and publish the photo, or mark it failed.
    Returns the photo's status afterwards (None if it was deleted meanwhile).

    Idempotent, as SQS may deliver a job twice: a photo no longer processing is left as it is
    (its upload object removed if still there). Keys follow from the photo id, so a job that
    died half-way rewrites the same objects. Backend errors propagate, so that the message
    is delivered again, except on its `last_attempt`, which marks the photo failed instead of
    leaving it processing for ever.
    """
    try:
        photo = photo_repository().get_photo(photo_id)
    except PhotoNotFound:
        return None  # deleted while queued: the delete removed the upload object too
    if photo.status != PROCESSING:
        objects.delete_quietly([upload_key(photo.owner_id, photo.id)])
        return photo.status
    written = []
    policy = site_policy(LIMITS)  # the upload form's own: gallery.web.forms.PhotoFileField
    try:
        try:
            upload = objects.read_object(photo.upload_key, max_bytes=policy.max_bytes)
        except ObjectTooLarge:
            return _fail(photo, LIMITS.file_too_large_message())
        if upload is None:
            return _fail(photo, GONE_REASON)
        with upload:
            size = upload.seek(0, 2)
            upload.seek(0)
            processed = process_image(
                upload, policy, thumbnail_size=LIMITS.thumbnail_size, display_size=LIMITS.display_size
            )
        ready = rendition_fields(photo.id, processed, size)
        ready["taken"] = ready["taken"] or taken_time.effective(photo)  # the upload time
        objects.copy(photo.upload_key, ready["original_key"])
        written.append(ready["original_key"])
        for key, content in objects_of(replace(photo, **ready), processed):
            objects.save(key, content)
            written.append(key)
        # The item last: the photo joins its lists only once every object it names exists.
        _finish(photo, status=READY, upload_key="", **ready)
    except InvalidImage as error:
        return _fail(photo, str(error))
    except PhotoNotFound:
        objects.delete_quietly(written)  # deleted while processing: what we stored is nobody's
        return None
    except PhotoChanged:
        return photo_repository().get_photo(photo.id).status  # another delivery finished it first
    except Exception:
        logger.exception("processing photo %s failed; removing %s", photo.id, written)
        objects.delete_quietly(written)
        if last_attempt:
            return _fail(photo, UNPROCESSABLE_REASON)
        raise
    objects.delete_quietly([photo.upload_key])
    logger.info("photo %s is ready", photo.id)
    return READY


# Re-reads of a photo whose revision moved under the worker before it gives the job back.
FINISH_ATTEMPTS = 5


def _finish(photo, **changes):
    """The worker's write of its result, conditional on the photo still processing: a change of
    revision that left it processing (an album or favourite change touching it; content edits
    wait for "ready", PhotoNotReady) is re-read and written over, never a reason to give up.
    PhotoChanged when another delivery finished it, PhotoNotFound when it was deleted; after
    FINISH_ATTEMPTS conflicts MetadataUnavailable, so the job is delivered again."""
    for _attempt in range(FINISH_ATTEMPTS):
        try:
            return photo_repository().update_photo(photo.id, expected_revision=photo.revision, **changes)
        except PhotoChanged:
            photo = photo_repository().get_photo(photo.id)
            if photo.status != PROCESSING:
                raise
    raise MetadataUnavailable(f"photo {photo.id} kept changing while the worker wrote it")


def _fail(photo, reason):
    """Mark the photo failed with its reason, then remove the uploaded file: the item first, so
    a retry never reads "the file is gone" as the reason. A failed photo is in no list."""
    # PhotoNotFound, PhotoChanged: deleted meanwhile, or another delivery got there first.
    with contextlib.suppress(PhotoNotFound, PhotoChanged):
        _finish(photo, status=FAILED, failure_reason=reason, upload_key="")
    objects.delete_quietly([photo.upload_key])
    logger.info("photo %s failed: %s", photo.id, reason)
    return FAILED


def favorite(user, photo):
    """Make a photo the user may see one of their favourites (idempotent); True if it was new.
    Raises dynamodb.PhotoNotFound if it was deleted or turned private meanwhile, or is not
    ready yet (its owner sees it processing: there is nothing to favourite)."""
    if photo.status != READY:
        raise PhotoNotFound(photo.id)
    added = photo_repository().add_favorite(photo, user.pk)
    if added:
        logger.info("user %s favourited photo %s", user.pk, photo.id)
        notifications.favorited(user, photo)
    return added


def unfavorite(user, photo):
    """Remove the favourite (idempotent); True if there was one."""
    return photo_repository().remove_favorite(photo.id, user.pk)


def favorite_state(user, photo):
    """records.FavoriteState: the photo's count and whether `user` (maybe anonymous) is a fan."""
    return photo_repository().favorite_state(photo.id, _viewer_id(user))


def _viewer_id(user):
    return user.pk if user.is_authenticated else None
