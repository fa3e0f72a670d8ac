"""Publishing a photo: the one place that orders the S3 and DynamoDB side effects.

Objects first, item last: a photo is visible only once its item exists, and the item exists
only if all its objects were stored. If any step fails, the objects already written are removed,
so a failed upload leaves nothing behind. Deleting runs the other way round (see delete_photo).
"""

import logging
import uuid
from datetime import UTC, datetime

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

from gallery.catalog import PUBLIC
from gallery.metadata import Photo, photo_table

logger = logging.getLogger(__name__)


class PublishFailed(Exception):
    """Storing the photo failed; nothing of it was kept. The caller may ask the user to retry."""


def new_photo_id():
    return uuid.uuid4().hex


def original_key(photo_id, extension):
    return f"photos/{photo_id}/original.{extension}"


def thumbnail_key(photo_id):
    return f"photos/{photo_id}/thumb.jpg"


def display_key(photo_id):
    return f"photos/{photo_id}/display.jpg"


def publish_photo(*, owner, title, description, tags, upload, processed, visibility=PUBLIC):
    """Store the original, display size and thumbnail in S3 and the metadata in DynamoDB;
    return the Photo.

    `upload` is the uploaded file, `processed` the gallery.images.ProcessedImage made from it.
    """
    photo_id = new_photo_id()
    photo = Photo(
        id=photo_id,
        title=title,
        description=description,
        tags=list(tags),
        owner_id=owner.pk,
        owner_username=owner.get_username(),
        created=datetime.now(UTC).isoformat(timespec="microseconds"),
        original_key=original_key(photo_id, processed.extension),
        original_content_type=processed.content_type,
        original_bytes=upload.size,
        width=processed.width,
        height=processed.height,
        thumbnail_key=thumbnail_key(photo_id),
        thumbnail_width=processed.thumbnail.width,
        thumbnail_height=processed.thumbnail.height,
        display_key=display_key(photo_id),
        display_width=processed.display.width,
        display_height=processed.display.height,
        visibility=visibility,
        taken=processed.exif.taken,
        camera=processed.exif.camera,
    )
    written = []
    try:
        upload.seek(0)
        _save(photo.original_key, File(upload), processed.content_type)
        written.append(photo.original_key)
        _save(photo.thumbnail_key, ContentFile(processed.thumbnail.data), processed.thumbnail.content_type)
        written.append(photo.thumbnail_key)
        _save(photo.display_key, ContentFile(processed.display.data), processed.display.content_type)
        written.append(photo.display_key)
        photo_table().put_photo(photo)
    except Exception as error:  # any failure at any step: remove what was written
        logger.exception("publishing photo %s failed; removing %s", photo_id, written)
        _delete_quietly(written)
        raise PublishFailed(photo_id) from error
    logger.info("published photo %s by user %s", photo_id, owner.pk)
    return photo


def delete_photo(photo_id):
    """Delete the photo's DynamoDB items, then its S3 objects; returns the deleted Photo.

    Items first, in one transaction: the photo disappears from every page at once and nothing
    ever points at a missing object. If removing an object fails afterwards, the object is an
    orphan nobody links to (logged; a reconciliation job that lists objects without an item
    removes it) and the call still succeeds. Retrying is safe: a failed item delete changed
    nothing, and deleting an already missing S3 object is not an error.
    Raises metadata.PhotoNotFound, PhotoChanged or MetadataUnavailable.
    """
    photo = photo_table().delete_photo(photo_id)
    _delete_quietly(photo.object_keys)
    logger.info("deleted photo %s", photo_id)
    return photo


def _save(key, file, content_type):
    # django-storages takes the Content-Type from the file's content_type attribute: set it to
    # the type we detected, never the one the browser sent.
    file.content_type = content_type
    default_storage.save(key, file)


def _delete_quietly(keys):
    for key in keys:
        try:
            default_storage.delete(key)
        except Exception:
            logger.exception("could not remove %s; it is left for reconciliation", key)
