"""The object keys, built from the photo id (never from anything the uploader sent), and the
Content-Type each key is stored with (from its extension: the detected format)."""

import re

from gallery.domain import ids
from gallery.imaging.process import JPEG_CONTENT_TYPE, SUPPORTED_FORMATS
from gallery.imaging.renditions import DISPLAY, THUMBNAIL

PHOTOS_PREFIX = "photos/"
UPLOADS_PREFIX = "uploads/"
ARCHIVES_PREFIX = "archives/"  # zips the worker built: expired by the bucket's lifecycle rule
AVATARS_PREFIX = "avatars/"  # profile pictures: avatars/<user id>/<version>-<size>.jpg
_AVATAR_KEY = re.compile(r"^avatars/([0-9]+)/([0-9a-f]{16})-([0-9]+)\.jpg$")
_PHOTO_KEY = re.compile(rf"^photos/({ids.PATTERN})/")
CONTENT_TYPES = {extension: content_type for extension, content_type in SUPPORTED_FORMATS.values()}
CONTENT_TYPES.setdefault("jpg", JPEG_CONTENT_TYPE)
# Stored when a key has no known image extension, so nothing can be rendered from it.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def original_key(photo_id, extension):
    return f"{PHOTOS_PREFIX}{photo_id}/original.{extension}"


def shared_key(photo_id, extension, variant=""):
    return f"{PHOTOS_PREFIX}{photo_id}/shared{_suffix(variant)}.{extension}"


def rendition_key(photo_id, rendition, variant=""):
    """Where a size of the photo (a row of gallery.imaging.renditions) is stored. `variant`
    names the sizes of a rotation ("thumb-3fa9c2d1.jpg"): new keys, so that no cache (a
    browser's, a CDN's, the presigned-URL cache) shows the old pixels under the old name."""
    return f"{PHOTOS_PREFIX}{photo_id}/{rendition.name}{_suffix(variant)}.{rendition.extension}"


def _suffix(variant):
    return f"-{variant}" if variant else ""


_VARIANT = re.compile(r"^[^/]+/[^/]+/[^/.-]+-([0-9a-f]+)\.[a-z0-9]+$")


def variant_of(key):
    """The `variant` a size's key was made with ("" for an upload's own sizes)."""
    found = _VARIANT.match(key or "")
    return found.group(1) if found else ""


def display_key(photo_id):
    return rendition_key(photo_id, DISPLAY)


def thumbnail_key(photo_id):
    return rendition_key(photo_id, THUMBNAIL)


def upload_key(owner_id, upload_id):
    """Where the owner's browser POSTs the file of one upload: the owner is in the key, so a
    presigned POST made for one user can never fill another user's upload."""
    return f"{UPLOADS_PREFIX}{owner_id}/{upload_id}"


def archive_key(job_id):
    """Where the worker stores the zip of an archive job (a large download, a data export)."""
    return f"{ARCHIVES_PREFIX}{job_id}.zip"


def photo_id_of_key(key):
    """The photo id a key belongs to, or None for a key outside photos/<id>/."""
    match = _PHOTO_KEY.match(key)
    return match.group(1) if match else None


def avatar_prefix(user_id):
    return f"{AVATARS_PREFIX}{user_id}/"


def avatar_key(user_id, version, size):
    """A size of a person's avatar: `version` is new at each change (accounts.models.Profile.avatar),
    so no cache shows the old picture under the new one's name."""
    return f"{avatar_prefix(user_id)}{version}-{size}.jpg"


def avatar_owner_of_key(key):
    """(user id, version) of an avatar key, or None for any other key."""
    match = _AVATAR_KEY.match(key)
    return (int(match.group(1)), match.group(2)) if match else None
