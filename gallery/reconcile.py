"""Finding and removing orphans: what a crash between the steps of an upload or a delete leaves.

Uploads write objects first and the item last; deletes remove the item first and the objects
after. A process killed in between leaves objects under photos/<id>/ that no item names (which
nobody can see, but which cost storage), or, if anything went wrong by hand, an item whose
objects are gone (a broken photo on every page). `find_orphans` compares a listing of the
bucket with a scan of the table; `remove_orphans` deletes both kinds. Run by `manage.py reconcile`.

Objects younger than `min_age` are left alone: they may belong to an upload still in progress,
whose item is about to be written.
"""

import contextlib
import logging
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta

from django.core.files.storage import default_storage

from gallery.metadata import PhotoNotFound, photo_table, purge_photo, scan_photos

logger = logging.getLogger(__name__)

PREFIX = "photos/"
_PHOTO_ID = re.compile(r"^photos/([0-9a-f]{32})/")
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys


@dataclass
class Report:
    orphan_objects: list = field(default_factory=list)  # keys no photo item names
    broken_photos: list = field(default_factory=list)  # ids whose item names a missing object
    stray_cards: list = field(default_factory=list)  # ids with list cards but no photo item
    recent_objects: int = 0  # unnamed objects younger than min_age, left alone
    photos: int = 0
    objects: int = 0

    @property
    def clean(self):
        return not (self.orphan_objects or self.broken_photos or self.stray_cards)


def photo_keys(photo):
    """Every S3 key a photo item names (original, thumbnail and any other stored size)."""
    return {
        getattr(photo, spec.name)
        for spec in fields(photo)
        if spec.name.endswith("_key") and getattr(photo, spec.name)
    }


def _s3():
    return default_storage.connection.meta.client, default_storage.bucket_name


def list_objects():
    """{key: last modified} of every object under photos/ (ListObjectsV2, page by page)."""
    client, bucket = _s3()
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX):
        for entry in page.get("Contents", []):
            objects[entry["Key"]] = entry["LastModified"]
    return objects


def find_orphans(*, min_age=timedelta(hours=1), now=None):
    now = now or datetime.now(UTC)
    # Scan the table first: an upload finishing meanwhile then shows as a recent object, never
    # as an item whose objects are missing.
    photos, stray_cards = scan_photos()
    objects = list_objects()
    named = {key: photo_id for photo_id, photo in photos.items() for key in photo_keys(photo)}

    report = Report(photos=len(photos), objects=len(objects), stray_cards=sorted(stray_cards))
    for key, modified in sorted(objects.items()):
        if key in named:
            continue
        if now - modified < min_age:
            report.recent_objects += 1
        else:
            report.orphan_objects.append(key)
    report.broken_photos = sorted(
        photo_id for photo_id, photo in photos.items() if not photo_keys(photo) <= objects.keys()
    )
    return report


def remove_orphans(report):
    """Delete what `report` found. Broken photos lose their items first, then their objects
    (the order of a delete), so a crash half-way leaves only orphan objects for the next run."""
    leftovers = list(report.orphan_objects)
    if report.broken_photos or report.stray_cards:
        existing = list_objects()
        for photo_id in report.broken_photos:
            # The owner's own delete: it keeps whatever else the table derives from photos.
            with contextlib.suppress(PhotoNotFound):  # deleted meanwhile
                photo_table().delete_photo(photo_id)
        for photo_id in report.stray_cards:
            purge_photo(photo_id)
        for photo_id in [*report.broken_photos, *report.stray_cards]:
            leftovers += [key for key in existing if key.startswith(f"{PREFIX}{photo_id}/")]
            logger.warning("reconcile: removed the items of photo %s", photo_id)
    _delete_objects(sorted(set(leftovers)))
    return len(set(leftovers))


def _delete_objects(keys):
    client, bucket = _s3()
    for start in range(0, len(keys), _DELETE_BATCH):
        batch = keys[start : start + _DELETE_BATCH]
        response = client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if response.get("Errors"):
            raise RuntimeError(
                f"could not delete {len(response['Errors'])} objects: {response['Errors'][:3]}"
            )
        logger.warning("reconcile: removed %d orphan objects", len(batch))
