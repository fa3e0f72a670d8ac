"""Sizes for photos made before them: `manage.py backfill_renditions` queues a job per photo
whose record lacks a size of gallery.imaging.renditions.SOURCES, and the worker makes them.

Idempotent and resumable: a photo's record says which sizes exist (its `sources`), so a second
run, or a job delivered twice, finds nothing left to do for a photo already done; an
interrupted run is simply run again. Keys follow from the photo id, so a job that died half-way
rewrites the same objects; the record is written last (as an upload's), so a page never offers
a size that is not stored yet.
"""

import logging
from dataclasses import dataclass

from gallery.domain.limits import LIMITS
from gallery.domain.records import READY
from gallery.imaging.process import InvalidImage, process_image, site_policy
from gallery.imaging.renditions import sources_for
from gallery.services.photo_fields import source_fields
from gallery.storage import sqs
from gallery.storage.dynamodb import (
    MetadataUnavailable,
    PhotoChanged,
    PhotoNotFound,
    album_repository,
    photo_repository,
    scan_photos,
)
from gallery.storage.s3 import objects
from gallery.storage.s3.backend import ObjectTooLarge
from gallery.storage.s3.keys import rendition_key, variant_of

logger = logging.getLogger(__name__)

MAKE_SOURCES = "make_sources"  # the worker's job (gallery.services.worker.HANDLERS)
WRITE_ATTEMPTS = 5


@dataclass(frozen=True)
class Backfill:
    photos: int  # every photo in the table
    queued: int  # those lacking a size, each now a job


def lacks_sources(photo):
    """Whether a ready photo's record lacks a size its dimensions call for (photos whose
    dimensions were never recorded count as lacking: the job records them)."""
    if photo.status != READY:
        return False  # processing: its upload job makes every size; failed: nothing to make
    if not photo.width:
        return True
    variant = variant_of(photo.thumbnail_key)  # a rotated photo's sizes carry its rotation's name
    wanted = {rendition_key(photo.id, row, variant) for row in sources_for(photo.width, photo.height)}
    return wanted != {source["key"] for source in photo.sources}


def backfill(progress=lambda queued, total: None):
    """Queue a MAKE_SOURCES job for every photo that `lacks_sources`, in id order, calling
    `progress(queued, total)` after each."""
    photos, _ = scan_photos()
    todo = sorted(photo_id for photo_id, photo in photos.items() if lacks_sources(photo))
    queue = sqs.queue()
    for queued, photo_id in enumerate(todo, 1):
        queue.send({"job": MAKE_SOURCES, "photo_id": photo_id})
        progress(queued, len(todo))
    return Backfill(photos=len(photos), queued=len(todo))


def make_sources(photo_id):
    """The worker's job: make the sizes the photo lacks from its original and record them.
    Returns what happened ("made", "done" if nothing was left to do, "skipped" if the original
    cannot be made into sizes any more, None if the photo is gone)."""
    try:
        photo = photo_repository().get_photo(photo_id)
    except PhotoNotFound:
        return None
    if not lacks_sources(photo):
        return "done"
    policy = site_policy(LIMITS)
    try:
        original = objects.read_object(photo.original_key, max_bytes=policy.max_bytes)
        if original is None:
            logger.warning("photo %s has no original %s: no sizes made", photo.id, photo.original_key)
            return "skipped"
        with original:
            processed = process_image(
                original,
                policy,
                thumbnail_size=LIMITS.thumbnail_size,
                display_size=LIMITS.display_size,
                shared=False,  # the photo has its full-size copy
                rotation=photo.rotation,  # turned as its owner turned it (gallery.services.rotation)
            )
    except (InvalidImage, ObjectTooLarge) as error:
        # Accepted once, over today's limits now: it keeps its JPEG sizes.
        logger.warning("photo %s: no sizes made from its original: %s", photo.id, error)
        return "skipped"
    sources = source_fields(photo.id, processed.sources, variant_of(photo.thumbnail_key))
    named = {source["key"] for source in photo.sources}
    written = []
    try:
        for source, made in zip(sources, processed.sources, strict=True):
            objects.save(source["key"], made.data)
            written.append(source["key"])
        recorded = _record(photo, sources=sources, width=processed.width, height=processed.height)
    except PhotoNotFound:
        objects.delete_quietly(written)  # deleted meanwhile: what we stored is nobody's
        return None
    except Exception:
        # Never one the record names (a size the photo had already: the same key rewritten).
        objects.delete_quietly([key for key in written if key not in named])
        raise
    # The albums it is the cover of offer the new sizes too.
    album_repository().refresh_covers(recorded)
    # Sizes the table no longer has: named by nothing now.
    objects.delete_quietly(sorted(named - {source["key"] for source in sources}))
    logger.info("photo %s: %d sizes made", photo.id, len(sources))
    return "made"


def _record(photo, **changes):
    """Write the sizes, conditional on the revision read: an edit meanwhile is re-read and the
    sizes written over it (they do not depend on what an edit changes)."""
    for _attempt in range(WRITE_ATTEMPTS):
        try:
            return photo_repository().update_photo(photo.id, expected_revision=photo.revision, **changes)
        except PhotoChanged:
            photo = photo_repository().get_photo(photo.id)
    raise MetadataUnavailable(f"photo {photo.id} kept changing while its sizes were recorded")
