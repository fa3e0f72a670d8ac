"""Albums in the table (schema.py has the keys): what gallery.services.albums asks of DynamoDB.

An album is one partition: its item, then its entries in album order (each a copy of the
photo's card, so a page needs no other read), then its card in the admin's list. Each photo in
an album also has a membership item in the photo's own partition, which is how an edit or a
delete of the photo finds its entries (gallery.storage.dynamodb.repository) in the same transaction.

Every change of a membership bumps the photo's revision: an edit or a delete that read the
photo's partition before it then fails (PhotoChanged) instead of missing it.
"""

import functools
from dataclasses import dataclass, replace

from boto3.dynamodb.conditions import Attr, Key

from gallery.domain.clock import timestamp
from gallery.domain.records import AlbumPage, Page
from gallery.storage.dynamodb import positions, schema
from gallery.storage.dynamodb.album_steps import AlbumSteps
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.cursor import decode_cursor, encode_cursor
from gallery.storage.dynamodb.errors import (
    AlbumChanged,
    AlbumNotFound,
    AlreadyInAlbum,
    NotInAlbum,
    PhotoChanged,
)
from gallery.storage.dynamodb.repository import photo_repository
from gallery.storage.dynamodb.transactions import (
    Transaction,
    clear_cover,
    exists,
    not_written_yet,
    same_revision,
)

_ALBUM_KEY_ATTRIBUTES = ("pk", "sk")
# Pairs of (entry, membership) per transaction when an album is deleted: 100 actions at most.
_DELETE_PAIRS = 50
# Keys per BatchGetItem: DynamoDB's limit.
_BATCH_GET_KEYS = 100
# What an album copies of its cover photo (as cover_<name>): its thumbnail and WebP sizes.
COVER_FIELDS = ("thumbnail_key", "thumbnail_width", "thumbnail_height", "sources")


@dataclass(frozen=True)
class Membership:
    """A photo's place in one album."""

    album_id: str
    position: str
    is_cover: bool = False


class AlbumRepository(AlbumSteps):
    # --- the album itself --------------------------------------------------------------------
    def create_album(self, album):
        write = Transaction()
        write.put(schema.album_item(album), **not_written_yet())
        write.put(schema.album_card_item(album))
        write.commit()

    def get_album(self, album_id):
        with translate_errors():
            item = (
                get_connection()
                .table.get_item(Key=schema.album_key(album_id), ConsistentRead=True)
                .get("Item")
            )
        if item is None:
            raise AlbumNotFound(album_id)
        return schema.album_from_item(item)

    def save_album(self, old, **changes):
        """Change title, description, visibility or share token; returns the new Album. One
        transaction over the album and its admin card, conditional on the revision read."""
        new = replace(old, **changes, revision=old.revision + 1, updated=timestamp())
        write = Transaction()
        write.put(schema.album_item(new), **same_revision(old, on_fail=AlbumChanged(old.id)))
        write.put(schema.album_card_item(new))
        write.commit()
        return new

    def delete_album(self, album):
        """Delete the album, then its entries and the photos' memberships; the photos stay.

        The album item goes first, with its card (and the cover mark): from then on the album
        is gone from every page and no photo can be added to it. The entries are then read
        (consistently, so a photo added just before is among them) and removed with their
        memberships, a pair per entry, in transactions of up to 100 actions. A crash in between
        leaves entries of a missing album, which no page reads; deleting the album again
        (or the photos) removes them.
        """
        write = Transaction()
        write.delete(schema.album_item(album), **same_revision(album, on_fail=AlbumChanged(album.id)))
        write.delete(schema.album_card_key(album.id))
        if album.cover_photo_id:
            # Its photo can no longer find a cover to clear (the album is gone).
            write.update(
                schema.membership_key(album.cover_photo_id, album.id),
                "SET is_cover = :no",
                **exists(on_fail=AlbumChanged(album.id)),
                values={":no": False},
            )
        write.commit()
        self.remove_entries(album.id)

    def remove_entries(self, album_id):
        """Remove every entry left in the album's partition and each one's membership."""
        entries = [
            item
            for item in get_connection().query_all(
                KeyConditionExpression=Key("pk").eq(schema.album_pk(album_id))
                & Key("sk").begins_with(schema.ENTRY_PREFIX),
                ConsistentRead=True,
            )
        ]
        for start in range(0, len(entries), _DELETE_PAIRS):
            write = Transaction()
            for entry in entries[start : start + _DELETE_PAIRS]:
                write.delete(entry)
                write.delete(schema.membership_key(entry["id"], album_id))
            write.commit()

    # --- pages -------------------------------------------------------------------------------
    def album_page(self, album_id, *, cursor=None, limit=24):
        """The album and one page of its photos' cards, in album order.

        The first page is one Query of the album's partition: the album item sorts first, then
        the entries. A later page starts after the cursor's entry, so it reads the album item
        apart (GetItem) and the entries (Query): two requests, whatever the album's size.
        Reads are consistent: the owner sees a change at once.
        """
        pk = schema.album_pk(album_id)
        query = {"ConsistentRead": True, "Limit": limit + 1}
        if cursor:
            album = self.get_album(album_id)
            query["KeyConditionExpression"] = Key("pk").eq(pk) & Key("sk").begins_with(schema.ENTRY_PREFIX)
            query["ExclusiveStartKey"] = decode_cursor(
                cursor, pk, attributes=_ALBUM_KEY_ATTRIBUTES, partition="pk"
            )
        else:
            query["KeyConditionExpression"] = Key("pk").eq(pk) & Key("sk").between(
                schema.ALBUM_SK, schema.ENTRIES_END
            )
            query["Limit"] += 1  # the album item
        with translate_errors():
            items = get_connection().query_items(**query)
        if not cursor:
            if not items or items[0]["sk"] != schema.ALBUM_SK:
                raise AlbumNotFound(album_id)
            album, items = schema.album_from_item(items[0]), items[1:]
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            next_cursor = encode_cursor({name: items[-1][name] for name in _ALBUM_KEY_ATTRIBUTES})
        return AlbumPage(
            album=album, items=[schema.card_from_item(item) for item in items], next_cursor=next_cursor
        )

    def albums_page(self, list_name, *, cursor=None, limit=24):
        """A page of albums (lists.owner_albums_list or ALL_ALBUMS), newest first: one Query."""
        return photo_repository().list_page(
            list_name, cursor=cursor, limit=limit, record=schema.album_from_item
        )

    def albums_page_with_visibility(self, list_name, visibility, *, cursor=None, limit=24):
        """A page of a list of albums with only those of `visibility`, newest first (a person's
        public albums on their page). DynamoDB filters after it reads, so this reads on, a Query
        page at a time, until the page is full or the list ends: one Query for a person's few
        albums, more only for someone with many hidden ones."""
        query = {
            "IndexName": schema.LISTS_INDEX,
            "KeyConditionExpression": Key("list_pk").eq(list_name),
            "FilterExpression": Attr("visibility").eq(visibility),
            "ScanIndexForward": False,
            "Limit": limit + 1,
        }
        if cursor:
            query["ExclusiveStartKey"] = decode_cursor(cursor, list_name)
        items = []
        while len(items) <= limit:
            with translate_errors():
                response = get_connection().table.query(**query)
            items += response["Items"]
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            next_cursor = encode_cursor({name: items[-1][name] for name in schema.LIST_KEY_ATTRIBUTES})
        return Page(items=[schema.album_from_item(item) for item in items], next_cursor=next_cursor)

    def album_and_photo(self, album_id, photo_id):
        """(album, photo, membership or None) in one consistent BatchGetItem: a photo page
        opened from an album (its share link) checks both and that one is in the other."""
        found = {
            item["sk"]: item
            for item in _batch_get(
                [
                    schema.album_key(album_id),
                    schema.photo_key(photo_id),
                    schema.membership_key(photo_id, album_id),
                ]
            )
        }
        album_item, photo_item = found.get(schema.ALBUM_SK), found.get(schema.PHOTO_SK)
        if album_item is None:
            raise AlbumNotFound(album_id)
        membership = found.get(schema.membership_key(photo_id, album_id)["sk"])
        return (
            schema.album_from_item(album_item),
            schema.photo_from_item(photo_item) if photo_item else None,
            _membership(membership) if membership else None,
        )

    def photos_in_album(self, album_id, photo_ids):
        """Which of `photo_ids` (a page of photos) are in the album: their membership items,
        consistent BatchGetItems of up to 100 keys (one for a page)."""
        by_pk = {schema.photo_pk(photo_id): photo_id for photo_id in photo_ids}
        keys = [schema.membership_key(photo_id, album_id) for photo_id in by_pk.values()]
        found = []
        for start in range(0, len(keys), _BATCH_GET_KEYS):
            found += _batch_get(keys[start : start + _BATCH_GET_KEYS])
        return {by_pk[item["pk"]] for item in found}

    # --- a photo's places --------------------------------------------------------------------
    def photo_memberships(self, photo_id):
        """The photo and {album id: Membership} of the albums it is in: one consistent Query."""
        photo, items = photo_repository().photo_with_items(photo_id)
        return photo, {item["album_id"]: _membership(item) for item in items if schema.is_membership(item)}

    def add_photo(self, album, photo):
        """Append the photo to the album: its entry after the last one, its membership, and a
        bump of its revision, in one transaction that also checks the album still exists.
        Raises AlreadyInAlbum, AlbumNotFound or PhotoChanged."""
        position = self.next_position(album.id)
        write = self.add_write(album, photo, position)
        write.extend(self.album_check(album))
        write.commit()
        return position

    def next_position(self, album_id):
        """The position after the album's last entry (one Query of one item)."""
        last = self._neighbours(album_id, schema.ENTRIES_END, before=True, count=1)
        return positions.after(last[0]["position"] if last else None)

    def add_write(self, album, photo, position):
        """The Transaction that puts `photo` at `position` in the album (entry, membership, a
        bump of the photo's revision); with album_check once per request (batches)."""
        write = Transaction()
        write.touch_photo(photo)
        write.put(schema.entry_item(album.id, position, photo))
        write.put(
            schema.membership_item(photo.id, album.id, position),
            **not_written_yet(on_fail=AlreadyInAlbum(photo.id)),
        )
        return write

    def album_check(self, album):
        """A Transaction of one check: the album still exists (AlbumNotFound)."""
        write = Transaction()
        write.check(schema.album_key(album.id), **exists(on_fail=AlbumNotFound(album.id)))
        return write

    def remove_photo(self, album, photo, membership):
        write = Transaction()
        write.touch_photo(photo)
        write.delete(schema.entry_key(album.id, membership.position, photo.id))
        write.delete(schema.membership_key(photo.id, album.id), **exists(on_fail=NotInAlbum(photo.id)))
        if membership.is_cover:
            clear_cover(write, album.id)
        write.commit()

    def move_photo(self, album, photo, membership, *, up):
        """Move the photo one place up (earlier) or down: a new position between the next two
        neighbours that way, so only this photo's entry and membership are written (3 writes
        with the revision bump, whatever the album's size). Returns False at either end."""
        old_key = schema.entry_key(album.id, membership.position, photo.id)
        near, far = [*self._neighbours(album.id, old_key["sk"], before=up, count=2), None, None][:2]
        if near is None:
            return False
        if up:
            position = positions.between(far["position"] if far else "", near["position"])
        else:
            position = positions.between(near["position"], far["position"] if far else None)
        write = Transaction()
        write.touch_photo(photo)
        write.delete(old_key)
        write.put(schema.entry_item(album.id, position, photo))
        write.put(
            schema.membership_item(photo.id, album.id, position, membership.is_cover),
            condition="#position = :old",
            names={"#position": "position"},
            values={":old": membership.position},
            on_fail=NotInAlbum(photo.id),
        )
        write.commit()
        return True

    def set_cover(self, album, photo, membership, old_cover=None):
        """Make `photo` (in the album) its cover: the album and its card copy its thumbnail, its
        membership is marked so that deleting or removing the photo clears the cover; the old
        cover's mark goes. Conditional on the album's revision."""
        cover = {f"cover_{name}": getattr(photo, name) for name in COVER_FIELDS}
        changes = {**cover, "revision": album.revision + 1, "updated": timestamp()}
        new = replace(album, cover_photo_id=photo.id, **changes)
        write = Transaction()
        write.put(schema.album_item(new), **same_revision(album, on_fail=AlbumChanged(album.id)))
        write.put(schema.album_card_item(new))
        write.touch_photo(photo)
        write.put(
            schema.membership_item(photo.id, album.id, membership.position, True),
            **exists(NotInAlbum(photo.id)),
        )
        if old_cover is not None and old_cover[0].id != photo.id:
            old_photo, old_membership = old_cover
            write.touch_photo(old_photo)
            write.put(schema.membership_item(old_photo.id, album.id, old_membership.position), **exists())
        write.commit()
        return new

    def refresh_covers(self, photo):
        """The albums whose cover `photo` is copy its sizes again (they changed: new sizes made
        for it, a rotation's new keys), the album and its admin card in one transaction, each
        only while the photo is still the cover (one chosen meanwhile is left alone)."""
        _, items = photo_repository().photo_with_items(photo.id)
        expression = "SET " + ", ".join(f"cover_{name} = :{name}" for name in COVER_FIELDS)
        expression += ", revision = revision + :one"
        values = {f":{name}": getattr(photo, name) for name in COVER_FIELDS}
        values.update({":one": 1, ":photo": photo.id})
        for item in items:
            if not (schema.is_membership(item) and item.get("is_cover")):
                continue
            write = Transaction()
            for key in (schema.album_key(item["album_id"]), schema.album_card_key(item["album_id"])):
                write.update(key, expression, condition="cover_photo_id = :photo", values=values)
            try:
                write.commit()
            except PhotoChanged:  # its cover changed meanwhile (the condition's default error)
                continue

    def _neighbours(self, album_id, sort_key, *, before, count):
        """Up to `count` entries next to `sort_key` (before or after it), nearest first."""
        condition = Key("pk").eq(schema.album_pk(album_id))
        condition &= Key("sk").lt(sort_key) if before else Key("sk").gt(sort_key)
        with translate_errors():
            items = get_connection().table.query(
                KeyConditionExpression=condition,
                ScanIndexForward=not before,
                Limit=count + 1,
                ConsistentRead=True,
            )["Items"]
        # The album item sorts before the entries and the admin card after them.
        return [item for item in items if schema.is_entry(item)][:count]


def _batch_get(keys):
    """The items of `keys` that exist (consistent reads, any order); keys DynamoDB left
    unprocessed (throttling) are asked for again."""
    connection = get_connection()
    found, request = [], {connection.table_name: {"Keys": keys, "ConsistentRead": True}}
    while request:
        with translate_errors():
            response = connection.client.batch_get_item(RequestItems=request)
        found.extend(response["Responses"].get(connection.table_name, []))
        request = response.get("UnprocessedKeys")
    return found


def _membership(item):
    return Membership(
        album_id=item["album_id"], position=item["position"], is_cover=bool(item.get("is_cover"))
    )


@functools.cache
def album_repository():
    """The process-wide AlbumRepository."""
    return AlbumRepository()
