"""The trash in the table: moving a photo in and out of it (gallery.services.trash has the rules).

A photo in the trash keeps its item (with `trashed_at` and `purge_after`), its album memberships
(album and position), its favourites and its favourite count; what shows it goes, in one
transaction conditional on the revision read, as an edit's: every list card but the trash's
(gallery.domain.lists.list_entries: TRASH#<owner> and TRASH_DUE), and its entry in each album
(the membership keeps the position; a cover it was is cleared). The favourites follow the
transaction as after an edit: each loses its list_pk (out of the fan's list, keeping its place)
and gets it back on restore (gallery.storage.dynamodb.favorites.follow_edit). The tag counts
move as for a photo turning private; the owner count keeps it (a trashed photo is still stored).

A restore is the same transaction the other way round, putting each entry back at the
membership's position; an album deleted meanwhile loses the membership instead (its delete
could not find it: no entry), and a position taken meanwhile by another photo (an append at the
end of the album) gives the restored photo a position right after it.
"""

from dataclasses import replace

from boto3.dynamodb.conditions import Key

from gallery.domain.clock import timestamp
from gallery.domain.lists import TRASH_DUE, counted_photos, counted_tags, trash_list
from gallery.storage.dynamodb import favorites, follows, positions, schema
from gallery.storage.dynamodb.albums import _batch_get
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.counters import add_counts, tag_deltas
from gallery.storage.dynamodb.errors import PhotoChanged
from gallery.storage.dynamodb.repository import _card_keys, _check_revision, photo_repository
from gallery.storage.dynamodb.transactions import Transaction, clear_cover, exists, same_revision

# A restore whose album vanished between its read and its write reads again this many times.
_RESTORE_ATTEMPTS = 3


class AlbumGone(PhotoChanged):
    """An album of a photo being restored was deleted while the restore was being written."""


def trash_photo(photo_id, *, trashed_at, purge_after, expected_revision=None):
    """Move the photo to its owner's trash; returns the trashed Photo (the same one, unchanged,
    if it already was). Raises PhotoNotFound, PhotoChanged."""
    repository = photo_repository()
    old, items = repository.photo_with_items(photo_id)
    _check_revision(old, expected_revision)
    if old.trashed_at:
        return old
    new = replace(
        old, trashed_at=trashed_at, purge_after=purge_after, revision=old.revision + 1, updated=timestamp()
    )
    write = Transaction()
    write.put(schema.photo_item(new), **same_revision(old))
    _rewrite_cards(write, old, new, items)
    for item in items:
        if schema.is_membership(item):
            write.delete(schema.entry_key_of_membership(photo_id, item))
            if item.get("is_cover"):
                clear_cover(write, item["album_id"])
                write.put({**item, "is_cover": False})
    repository._commit(write)
    _follow(old, new)
    return new


def restore_photo(photo_id, *, expected_revision=None):
    """Take the photo out of the trash, back into its lists, albums (at its positions) and its
    fans' favourites; returns the restored Photo (unchanged if it was not in the trash).
    Raises PhotoNotFound, PhotoChanged."""
    repository = photo_repository()
    for attempt in range(_RESTORE_ATTEMPTS):
        old, items = repository.photo_with_items(photo_id)
        _check_revision(old, expected_revision)
        if not old.trashed_at:
            return old
        new = replace(old, trashed_at="", purge_after="", revision=old.revision + 1, updated=timestamp())
        write = Transaction()
        write.put(schema.photo_item(new), **same_revision(old))
        _rewrite_cards(write, old, new, items)
        memberships = [item for item in items if schema.is_membership(item)]
        album_keys = [schema.album_key(membership["album_id"]) for membership in memberships]
        albums = {item["pk"] for item in _batch_get(album_keys)} if album_keys else set()
        for membership in memberships:
            album_id = membership["album_id"]
            if schema.album_pk(album_id) not in albums:
                write.delete(membership)  # its album was deleted while the photo was in the trash
                continue
            position = free_position(album_id, membership["position"], photo_id)
            write.put(schema.entry_item(album_id, position, new))
            if position != membership["position"]:
                write.put({**membership, "position": position})
            write.check(schema.album_key(album_id), **exists(on_fail=AlbumGone(album_id)))
        try:
            repository._commit(write)
        except AlbumGone:
            if attempt == _RESTORE_ATTEMPTS - 1:
                raise
            continue
        _follow(old, new)
        return new
    raise AssertionError("unreachable")


def free_position(album_id, position, photo_id):
    """`position` if no other photo's entry holds it in the album, else a position right after
    the entries that do (so the photo comes back where it was, next to the newcomer)."""
    prefix = schema.entry_key(album_id, position, "")["sk"]
    pk = Key("pk").eq(schema.album_pk(album_id))
    with translate_errors():
        taken = get_connection().table.query(
            KeyConditionExpression=pk & Key("sk").begins_with(prefix), ConsistentRead=True
        )["Items"]
        if not [item for item in taken if item["id"] != photo_id]:
            return position
        later = get_connection().table.query(
            KeyConditionExpression=pk & Key("sk").gt(prefix[:-1] + "$"), ConsistentRead=True, Limit=2
        )["Items"]
    later = [item for item in later if schema.is_entry(item)]
    return positions.between(position, later[0]["position"] if later else None)


def trash_page(owner_id, *, cursor=None, limit=24):
    """The owner's trash, newest trashed first (TrashedCard records): one Query."""
    return photo_repository().list_page(
        trash_list(owner_id), cursor=cursor, limit=limit, record=schema.trashed_card_from_item
    )


def due_for_purge(before, *, limit=100):
    """Up to `limit` ids of trashed photos whose purge_after is before `before` (clock text),
    the longest due first: one Query of TRASH_DUE."""
    with translate_errors():
        items = get_connection().query_items(
            IndexName=schema.LISTS_INDEX,
            KeyConditionExpression=Key("list_pk").eq(TRASH_DUE) & Key("list_sk").lt(before),
            ScanIndexForward=True,
            Limit=limit,
        )
    return [item["id"] for item in items]


def _rewrite_cards(write, old, new, items):
    """The new photo's cards, and deletes of every card of the old one it no longer has."""
    new_cards = schema.card_items(new)
    for card in new_cards:
        write.put(card)
    for key in _card_keys(old, items) - {card["sk"] for card in new_cards}:
        write.delete({"pk": schema.photo_pk(old.id), "sk": key})


def _follow(old, new):
    """After the transaction: the counts and the favourites, as after an edit."""
    add_counts(
        tags=tag_deltas(counted_tags(old), counted_tags(new)),
        owners={new.owner_id: counted_photos(new) - counted_photos(old)},
    )
    favorites.follow_edit(new)
    follows.photo_changed(old, new)
