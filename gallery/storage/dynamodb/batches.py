"""Many photos' writes in few requests (gallery.services.batch): each photo's write is the one its
single use case sends (repository.edit_write, albums.add_write), all or nothing for that photo;
whole writes are packed into TransactWriteItems requests of at most 100 actions.

A request is cancelled as a whole when one condition fails (a photo changed in another tab since
it was read): the writes whose conditions failed get their error and are left out, the others are
sent again, so one stale photo never holds back the rest and no photo is ever half written.
Conflicts with concurrent writes are retried by Transaction.commit (retry.py).
"""

import functools
import logging
from concurrent.futures import ThreadPoolExecutor

from gallery.domain.errors import DomainError
from gallery.storage.dynamodb import positions, schema
from gallery.storage.dynamodb.albums import album_repository
from gallery.storage.dynamodb.errors import AlreadyInAlbum, PhotoNotFound
from gallery.storage.dynamodb.repository import photo_repository
from gallery.storage.dynamodb.transactions import Transaction

logger = logging.getLogger(__name__)

MAX_ACTIONS = 100  # TransactWriteItems' limit
THREADS = 8  # per-photo reads at once: a 500-photo batch's Queries in ~1/8 of the time


def photos_with_items(photo_ids):
    """{photo id: (Photo, its partition's items)} of the photos that exist, as
    repository.photo_with_items reads them: one consistent Query each (a photo's memberships
    and cards have no other index)."""
    return {photo_id: read for photo_id, read in zip(photo_ids, each(_read, photo_ids), strict=True) if read}


def _read(photo_id):
    try:
        return photo_repository().photo_with_items(photo_id)
    except PhotoNotFound:
        return None


def each(function, values):
    """map(function, values) on the pool's threads (each with its own client, clients.py): the
    per-photo requests wait on the network, not on the CPU; in order, the first error raised.
    `function` must not need the request's thread (its language: errors' messages are lazy)."""
    return list(_pool().map(function, values))


@functools.cache
def _pool():
    # Made on first use, in the process that serves (never before gunicorn forks its workers).
    return ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="batch")


def album_ids(items):
    """The ids of the albums a photo is in, from its partition's items."""
    return {item["album_id"] for item in items if schema.is_membership(item)}


def update_photos(edits, *, backoff=None):
    """Edit many photos: `edits` is {photo id: (old Photo, items, changes)} as read by
    photos_with_items. Returns {photo id: the new Photo, or the DomainError that refused it
    (PhotoChanged: read it again)}; the counters and favourites follow the committed ones."""
    repository = photo_repository()
    planned = {photo_id: repository.edit_write(*edit) for photo_id, edit in edits.items()}
    outcome = commit_each({photo_id: write for photo_id, (_new, write) in planned.items()}, backoff=backoff)
    done = [(edits[photo_id][0], planned[photo_id][0]) for photo_id, error in outcome.items() if not error]
    repository.follow_edits(done, each=each)
    return {photo_id: error or planned[photo_id][0] for photo_id, error in outcome.items()}


def add_to_album(album, photos, *, backoff=None):
    """Append `photos` (ready photos of the album's owner, read with their revision) to the album
    in their order. Returns {photo id: None, or the DomainError that refused it}; a photo that
    is in the album already (added meanwhile) is None too."""
    albums = album_repository()
    writes, position = {}, None
    for photo in photos:
        position = albums.next_position(album.id) if position is None else positions.after(position)
        writes[photo.id] = albums.add_write(album, photo, position)
    outcome = commit_each(writes, shared=albums.album_check(album), backoff=backoff)
    return {
        photo_id: None if isinstance(error, AlreadyInAlbum) else error for photo_id, error in outcome.items()
    }


def commit_each(writes, *, shared=None, backoff=None):
    """Send `writes` ({name: Transaction}), each all or nothing, packed whole into requests of at
    most MAX_ACTIONS actions, `shared`'s (a check every request needs once, as the album's) in
    each. Returns {name: None, or the DomainError that refused that write}."""
    results = {}
    room = MAX_ACTIONS - (len(shared.actions) if shared else 0)
    group, size = [], 0
    for name, write in writes.items():
        if group and size + len(write.actions) > room:
            _commit_group(group, shared, backoff, results)
            group, size = [], 0
        group.append((name, write))
        size += len(write.actions)
    if group:
        _commit_group(group, shared, backoff, results)
    return results


def _commit_group(group, shared, backoff, results):
    """One request for `group`; the writes a condition refused are taken out and the rest sent
    again until it commits. A refusal of the request itself (storage unreachable, the shared
    check) is every write's error."""
    while group:
        request, names = Transaction(), []
        for name, write in group:
            request.extend(write)
            names += [name] * len(write.actions)
        if shared is not None:
            request.extend(shared)
            names += [None] * len(shared.actions)
        try:
            request.commit(backoff=backoff)
        except DomainError as error:
            refused = {names[index]: request.error_of(index) for index in request.failed}
            if not refused or None in refused:
                for name, _write in group:
                    results[name] = refused.get(None, error)
                return
            logger.info("batch write: %d of %d refused; sending the rest again", len(refused), len(group))
            results.update(refused)
            group = [(name, write) for name, write in group if name not in refused]
            continue
        results.update(dict.fromkeys((name for name, _write in group), None))
        return
