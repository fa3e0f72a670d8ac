"""Rotate: the owner turns a photo by 90, 180 or 270 degrees.

Inline, not through the worker: it costs what an upload through the site's form costs (one
decode of the original at the scale the sizes need, gallery.imaging.process), which that form
already does within a request, and the owner wants to see the result on the next page.

The original is never changed: its sizes and full-size copy are made again from it, turned by the
photo's total rotation, and stored under new keys (a random variant: two concurrent rotations
never write the same key), then the photo's item names them in one transaction conditional on
the revision read (PhotoChanged for a stale one; the revision, so the API's ETag, moves on), then
the old objects go. A failure at any step removes what this call wrote: nothing half-stored.
"""

import logging
import secrets
from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Invalid, Unavailable
from gallery.domain.limits import LIMITS
from gallery.domain.records import READY
from gallery.imaging.process import process_image, site_policy
from gallery.services.photo_fields import rotated_fields
from gallery.services.photos import PhotoNotReady, objects_of
from gallery.storage.dynamodb import album_repository, photo_repository
from gallery.storage.s3 import objects

logger = logging.getLogger(__name__)

DEGREES = (90, 180, 270)  # clockwise


class InvalidRotation(Invalid):
    code = "invalid_rotation"
    message = _("Rotate by 90, 180 or 270 degrees.")


class OriginalMissing(Unavailable):
    code = "original_missing"
    message = _("The original file could not be read; please try again later.")


def degrees_of(value):
    """The degrees a form or a JSON body sent (90, "90"), or InvalidRotation; never a bool."""
    if isinstance(value, bool):
        raise InvalidRotation()
    try:
        degrees = int(value)
    except (TypeError, ValueError):
        raise InvalidRotation() from None
    if degrees not in DEGREES or str(value).strip() != str(degrees):
        raise InvalidRotation()
    return degrees


def rotate(photo, degrees, *, revision=None):
    """Turn `photo` `degrees` clockwise; returns the updated Photo. InvalidRotation,
    PhotoNotReady, dynamodb.PhotoChanged (not at `revision`, by default the photo's own)."""
    if degrees not in DEGREES:
        raise InvalidRotation()
    if photo.status != READY:
        raise PhotoNotReady(photo.id)
    expected = photo.revision if revision is None else revision
    rotation = (photo.rotation + degrees) % 360
    policy = site_policy(LIMITS)
    original = objects.read_object(photo.original_key, max_bytes=policy.max_bytes)
    if original is None:
        raise OriginalMissing(photo.id)
    with original:
        processed = process_image(
            original,
            policy,
            thumbnail_size=LIMITS.thumbnail_size,
            display_size=LIMITS.display_size,
            rotation=rotation,
        )
    fields = rotated_fields(photo.id, processed, secrets.token_hex(4))
    written = []
    try:
        for key, content in objects_of(replace(photo, **fields), processed):
            objects.save(key, content)
            written.append(key)
        updated = photo_repository().update_photo(
            photo.id, expected_revision=expected, rotation=rotation, **fields
        )
    except Exception:
        objects.delete_quietly(written)
        raise
    album_repository().refresh_covers(updated)  # its covers show the new keys before the old go
    objects.delete_quietly(sorted(set(photo.object_keys) - set(updated.object_keys)))
    logger.info("rotated photo %s by %s to %s degrees", photo.id, degrees, rotation)
    return updated
