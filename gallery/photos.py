"""The use cases of a photo: publish, find, edit, delete. The one place that orders the S3
(gallery.media) and DynamoDB (gallery.metadata) side effects.

Publish: objects first, item last. A photo is visible only once its item exists, and the item
exists only if all its objects were stored; if any step fails, the objects already written are
removed, so a failed upload leaves nothing behind. Delete runs the other way round.
Forms and the API validate; views call these with the cleaned data.
"""

import logging
import uuid
from datetime import UTC, datetime

from gallery import access, media, ratelimit
from gallery.catalog import PUBLIC, Photo
from gallery.metadata import photo_table

logger = logging.getLogger(__name__)


class PublishFailed(Exception):
    """Storing the photo failed; nothing of it was kept. The caller may ask the user to retry."""


def new_photo_id():
    return uuid.uuid4().hex


def publish(
    owner, *, image, title, description="", tags=(), visibility=PUBLIC, share_original=False, clock=None
):
    """Store the original, display size and thumbnail in S3 and the metadata in DynamoDB;
    return the Photo.

    `image` is what gallery.forms.PhotoFileField validated: the uploaded `file` and its
    gallery.images.ProcessedImage `processed` (sizes, renditions, EXIF facts).
    """
    processed = image.processed
    photo_id = new_photo_id()
    photo = Photo(
        id=photo_id,
        title=title,
        description=description,
        tags=list(tags),
        owner_id=owner.pk,
        owner_username=owner.get_username(),
        created=(clock or _now)().isoformat(timespec="microseconds"),
        original_key=media.original_key(photo_id, processed.extension),
        original_content_type=processed.content_type,
        original_bytes=image.file.size,
        width=processed.width,
        height=processed.height,
        thumbnail_key=media.thumbnail_key(photo_id),
        thumbnail_width=processed.thumbnail.width,
        thumbnail_height=processed.thumbnail.height,
        display_key=media.display_key(photo_id),
        display_width=processed.display.width,
        display_height=processed.display.height,
        visibility=visibility,
        taken=processed.exif.taken,
        camera=processed.exif.camera,
        share_original=share_original,
        **_shared_fields(photo_id, processed.shared),
    )
    objects = [
        (photo.original_key, image.file),
        (photo.thumbnail_key, processed.thumbnail.data),
        (photo.display_key, processed.display.data),
    ]
    if processed.shared is not None:
        objects.append((photo.shared_key, processed.shared.data))
    written = []
    # A place in the owner's quota of stored photos (ratelimit.TooManyRequests when full), given
    # back if storing fails.
    with ratelimit.upload_quota(owner):
        try:
            for key, content in objects:
                media.save(key, content)
                written.append(key)
            photo_table().put_photo(photo)
        except Exception as error:  # any failure at any step: remove what was written
            logger.exception("publishing photo %s failed; removing %s", photo_id, written)
            media.delete_quietly(written)
            raise PublishFailed(photo_id) from error
    logger.info("published photo %s by user %s", photo_id, owner.pk)
    return photo


def _shared_fields(photo_id, shared):
    if shared is None:
        return {}
    return {
        "shared_key": media.shared_key(photo_id, shared.extension),
        "shared_content_type": shared.content_type,
        "shared_bytes": len(shared.data),
    }


def visible(user, photo_id):
    """The photo if `user` may see it. Raises metadata.PhotoNotFound, or access.PhotoHidden for
    someone else's private photo (both answered as "no such photo")."""
    return access.require_view(user, photo_table().get_photo(photo_id))


def changeable(user, photo_id):
    """The photo if `user` may change it; raises as `visible`, or access.ChangeNotAllowed."""
    return access.require_change(user, photo_table().get_photo(photo_id))


def edit(photo, *, revision=None, **changes):
    """Change title, description, tags, visibility or sharing; returns the updated Photo.

    Conditional on `revision`, the one the user saw (the edit form's, the API's If-Match), by
    default `photo`'s own: raises metadata.PhotoChanged or PhotoNotFound when someone got there
    first, so a stale tab never silently undoes a newer edit."""
    expected = photo.revision if revision is None else revision
    updated = photo_table().update_photo(photo.id, expected_revision=expected, **changes)
    logger.info("edited photo %s (%s)", photo.id, ", ".join(sorted(changes)))
    return updated


def delete(photo_id, *, revision=None):
    """Delete the photo's DynamoDB items, then its S3 objects; returns the deleted Photo.

    Items first, in one transaction: the photo disappears from every page at once and nothing
    ever points at a missing object. If removing an object fails afterwards, the object is an
    orphan nobody links to (logged; `manage.py reconcile` removes it) and the call still
    succeeds. Retrying is safe: a failed item delete changed nothing, and deleting an already
    missing S3 object is not an error.
    Raises metadata.PhotoNotFound, PhotoChanged (the photo is no longer at `revision`, when
    given) or MetadataUnavailable.
    """
    photo = photo_table().delete_photo(photo_id, expected_revision=revision)
    media.delete_quietly(photo.object_keys)
    logger.info("deleted photo %s", photo_id)
    return photo


def _now():
    return datetime.now(UTC)
