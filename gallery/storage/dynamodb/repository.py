"""Reading and writing photos: what the site, the API and the admin ask of the table.

Every list page (gallery.domain.lists names the lists) is one Query on the sparse "lists" index,
newest first, whatever the size of the table; every write of a photo is one transaction over
its item and its cards, so no list ever shows a stale entry; the counters follow it (counters.py).
"""

import functools
import logging
from dataclasses import replace

from boto3.dynamodb.conditions import Key

from gallery.domain.access import without_suspended
from gallery.domain.clock import timestamp
from gallery.domain.lists import counted_photos, counted_tags, favorites_list
from gallery.domain.records import Page, TagCount
from gallery.storage.dynamodb import comments, favorites, follows, listcache, schema, search
from gallery.storage.dynamodb.connection import get_connection, key_condition, translate_errors
from gallery.storage.dynamodb.counters import add_counts, add_favorite_count, tag_deltas
from gallery.storage.dynamodb.cursor import decode_cursor, encode_cursor
from gallery.storage.dynamodb.errors import (
    MetadataUnavailable,
    PhotoAlreadyExists,
    PhotoChanged,
    PhotoNotFound,
)
from gallery.storage.dynamodb.retry import Backoff
from gallery.storage.dynamodb.transactions import Transaction, clear_cover, not_written_yet, same_revision

logger = logging.getLogger(__name__)

_BATCH_GET_KEYS = 100  # BatchGetItem takes at most 100 keys


class PhotoRepository:
    """Photos, list pages and counts. Holds no connection of its own: each call uses the
    process-wide one (gallery.storage.dynamodb.connection), rebuilt when the settings change.
    `backoff` paces the retries of conflicting transactions (tests replace its sleep)."""

    def __init__(self, backoff=None):
        self.backoff = backoff or Backoff()

    # --- writes ------------------------------------------------------------------------------
    # Each write is one transaction over the photo's own partition (its item and its cards), so
    # no list ever shows a stale entry; the counters follow it (gallery.storage.dynamodb.counters says
    # why they are not in it). Only writes to the same photo can conflict, and those are retried.
    def put_photo(self, photo):
        """Write the photo and all its list cards in one transaction: all or nothing; then count it."""
        write = self._transaction()
        write.put(schema.photo_item(photo), **not_written_yet())
        for card in schema.card_items(photo):
            write.put(card)
        self._commit(write, conflict=PhotoAlreadyExists(photo.id))
        add_counts(
            tags=tag_deltas(set(), counted_tags(photo)), owners={photo.owner_id: counted_photos(photo)}
        )
        follows.photo_changed(None, photo)

    def update_photo(self, photo_id, *, expected_revision=None, **changes):
        """Change title, description, tags, visibility, sharing or status; returns the updated Photo.

        One transaction rewrites the photo and every card (cards carry the title and tags) and
        deletes the cards of lists the photo leaves, so no list ever shows a stale entry. It is
        conditional on the revision read, so concurrent edits cannot silently undo each other
        (PhotoChanged). `expected_revision` is the revision the caller's user saw (an edit form,
        an If-Match): PhotoChanged if the photo has moved on. A change of status (the worker's
        "ready") joins the lists and the counts the same way.
        """
        old, items = self.photo_with_items(photo_id)
        _check_revision(old, expected_revision)
        new, write = self.edit_write(old, items, changes)
        self._commit(write)
        self.follow_edits([(old, new)])
        return new

    def edit_write(self, old, items, changes):
        """(the edited Photo, the Transaction that stores it): `old` as read with its partition's
        `items` (photo_with_items), with `changes`. Not sent: update_photo sends it, and
        batches.update_photos sends several photos' in one request."""
        new = replace(old, **changes, revision=old.revision + 1, updated=timestamp())
        new_cards = schema.card_items(new)
        write = self._transaction()
        write.put(schema.photo_item(new), **same_revision(old))
        for card in new_cards:
            write.put(card)
        for key in _card_keys(old, items) - {card["sk"] for card in new_cards}:
            write.delete({"pk": schema.photo_pk(old.id), "sk": key})
        for item in items:
            # The photo's card in each album it is in (none while it is in the trash: its restore
            # puts the entries back, gallery.storage.dynamodb.trash).
            if schema.is_membership(item) and not new.trashed_at:
                write.put(schema.entry_item(item["album_id"], item["position"], new))
        return new, write

    def follow_edits(self, edits, each=map):
        """After edits committed ((old, new) Photos): the counters that changed, each ADDed once
        for all of them, then each photo's favourites (favorites.follow_edit, called through
        `each`, a map: the batches' runs them on a few threads)."""
        tags, owners = {}, {}
        for old, new in edits:
            for tag, delta in tag_deltas(counted_tags(old), counted_tags(new)).items():
                tags[tag] = tags.get(tag, 0) + delta
            owners[new.owner_id] = owners.get(new.owner_id, 0) + counted_photos(new) - counted_photos(old)
        add_counts(tags=tags, owners=owners)
        list(each(favorites.follow_edit, [new for _old, new in edits]))
        for old, new in edits:  # the followers' feeds: queued for the worker
            follows.photo_changed(old, new)

    def delete_photo(self, photo_id, *, expected_revision=None):
        """Delete the photo's item, every card of it and its entry in each album (and the cover of
        the albums it is the cover of) in one transaction, then its share of the counts; returns
        the deleted photo (whose object keys the caller removes next). PhotoChanged if
        `expected_revision` is given and is not the photo's. Its favourite count goes in the
        transaction, its favourites (any number) after it."""
        photo, items = self.photo_with_items(photo_id)
        _check_revision(photo, expected_revision)
        write = self._transaction()
        write.delete(schema.photo_item(photo), **same_revision(photo))
        for key in _card_keys(photo, items):
            write.delete({"pk": schema.photo_pk(photo_id), "sk": key})
        for item in items:
            if schema.is_membership(item):  # out of its albums too, in the same transaction
                write.delete(item)
                write.delete(schema.entry_key_of_membership(photo.id, item))
                if item.get("is_cover"):
                    clear_cover(write, item["album_id"])
        write.delete(schema.favorite_count_key(photo_id))
        self._commit(write)
        add_counts(
            tags=tag_deltas(counted_tags(photo), set()), owners={photo.owner_id: -counted_photos(photo)}
        )
        try:
            favorites.follow_delete(photo_id)
            comments.follow_delete(photo_id)
        except MetadataUnavailable:
            # The photo is gone for good: its favourites and comments are now items of a partition
            # without its photo item, which `manage.py reconcile` purges (stray cards). Nobody can
            # open them.
            logger.warning("favourites or comments of deleted photo %s left for reconcile", photo_id)
        follows.photo_changed(photo, None)
        return photo

    def _transaction(self):
        return Transaction(get_connection().table_name)

    def _commit(self, write, conflict=None):
        """Send the transaction (Transaction.commit: PhotoChanged, or `conflict`, if a condition
        failed; conflicts with a concurrent write retried with this repository's backoff)."""
        write.commit(conflict, self.backoff)

    # --- reads -------------------------------------------------------------------------------
    def get_photo(self, photo_id):
        with translate_errors():
            response = get_connection().table.get_item(Key=schema.photo_key(photo_id), ConsistentRead=True)
        if "Item" not in response:
            raise PhotoNotFound(photo_id)
        return schema.photo_from_item(response["Item"])

    def photo_with_items(self, photo_id):
        """The photo and the items of its partition an edit or a delete rewrites (photo item,
        cards, album memberships), consistently read. Not its favourites, however many (they
        sort before, up to FANS): they follow the photo's write (gallery.storage.dynamodb.favorites)."""
        items = list(
            get_connection().query_all(
                KeyConditionExpression=Key("pk").eq(schema.photo_pk(photo_id))
                & Key("sk").gt(schema.FAVORITE_COUNT_SK),
                ConsistentRead=True,
            )
        )
        photo_items = [item for item in items if item["sk"] == schema.PHOTO_SK]
        if not photo_items:
            raise PhotoNotFound(photo_id)
        return schema.photo_from_item(photo_items[0]), items

    def list_page(
        self,
        list_name,
        *,
        cursor=None,
        limit=24,
        oldest_first=False,
        record=schema.card_from_item,
        before=None,
    ):
        """One page of a list, newest first: a single Query on the lists index.

        The cursor is bound to the list. `record` reads an item (a PhotoCard by default; the album
        lists pass schema.album_from_item). `before`: only sort keys below it (the timeline's
        jump to a month). (Searches: gallery.storage.dynamodb.search.)
        """
        key = (list_name, cursor, limit, oldest_first, record.__qualname__, before)
        page = listcache.page(
            key, lambda: self._query_list(list_name, cursor, limit, oldest_first, record, before)
        )
        return without_suspended(page)  # after the cache: a suspension shows at once

    def _query_list(self, list_name, cursor, limit, oldest_first, record, before=None):
        side = ("list_sk", "<", before) if before is not None else ()
        query = {
            "IndexName": schema.LISTS_INDEX,
            **key_condition("list_pk", list_name, *side),
            "ScanIndexForward": oldest_first,
            # One extra item tells whether there is a next page without an empty last page.
            "Limit": limit + 1,
        }
        if cursor:
            query["ExclusiveStartKey"] = decode_cursor(cursor, list_name)
        with translate_errors():
            # The same answer as a recent one (no write since) is not read again (query_read).
            page = get_connection().query_read(_page_of_items, limit, record, **query)
        return Page(items=list(page.items), next_cursor=page.next_cursor)  # a list of its own

    def neighbours(self, list_name, sort_key, *, oldest_first=False):
        """(previous, next) card of the card at `sort_key` in a list as its page shows it (newest
        first unless `oldest_first`), None at either end: one Query of one item each way, from
        the sort key, never a scan; kept in the list page cache as a page is (listcache: until
        the next write). (A search's list: search_neighbours.)"""

        def read():
            return self._adjacent(list_name, sort_key, greater=True), self._adjacent(
                list_name, sort_key, greater=False
            )

        greater, smaller = listcache.page(("neighbours", list_name, sort_key), read)
        return (smaller, greater) if oldest_first else (greater, smaller)

    def _adjacent(self, list_name, sort_key, *, greater):
        side = key_condition("list_pk", list_name, "list_sk", ">" if greater else "<", sort_key)
        with translate_errors():
            return get_connection().query_read(
                _first_card,
                IndexName=schema.LISTS_INDEX,
                **side,
                ScanIndexForward=greater,
                Limit=1,
            )

    # --- favourites (gallery.storage.dynamodb.favorites) ---------------------------------------------
    def add_favorite(self, photo, user_id, *, now=None):
        """Make `photo` one of the user's favourites; True if it was not one already.

        One transaction, conditional on the photo still existing and being the user's to see
        (PhotoNotFound otherwise: a favourite never outlives a delete or a turn to private whose
        favourites were already removed) and on there being no such favourite (idempotent: the
        count moves only with a new one, after the transaction, as every counter does)."""
        write = self._transaction()
        hidden = PhotoNotFound(photo.id)
        write.check(schema.photo_key(photo.id), **favorites.may_favorite(user_id), on_fail=hidden)
        write.put(favorites.new_favorite(photo, user_id, now=now), **not_written_yet())
        try:
            self._commit(write)
        except PhotoChanged:
            return False  # the favourite's own condition: a favourite already
        add_favorite_count(photo.id, 1)
        return True

    def remove_favorite(self, photo_id, user_id):
        return favorites.remove_favorite(photo_id, user_id)

    def favorite_state(self, photo_id, user_id=None):
        return favorites.favorite_state(photo_id, user_id)

    def photo_and_favorite_state(self, photo_id, user_id=None):
        """(Photo, FavoriteState) in one request (the photo page); PhotoNotFound as get_photo."""
        item, state = favorites.photo_and_favorite_state(photo_id, user_id)
        if item is None:
            raise PhotoNotFound(photo_id)
        return schema.photo_from_item(item), state

    def favorite_sort_key(self, photo_id, user_id):
        return favorites.favorite_sort_key(photo_id, user_id)

    def favorites_page(self, user_id, *, cursor=None, limit=24):
        """The user's favourites, newest favourite first: one Query."""
        page = self.list_page(favorites_list(user_id), cursor=cursor, limit=limit)
        return favorites.hide_unseen(page, user_id)

    def search_titles(self, text, *, cursor=None, limit=24):
        """Public photos whose title has `text` at the start of a word (anywhere in a Hangul or
        CJK run), each once, in the order of the matching words: one Query (search.py).
        Raises ValueError for fewer than gallery.domain.words.MIN_QUERY characters."""
        return without_suspended(search.search_page(text, cursor=cursor, limit=limit))

    def search_neighbours(self, text, sort_key):
        """(previous, next) of a card in the results of a search: one Query each way."""
        return search.search_neighbours(text, sort_key)

    def tag_counts(self):
        """Every tag with at least one public photo, most used first (Queries one partition)."""
        items = get_connection().query_all(KeyConditionExpression=Key("pk").eq(schema.TAGS_PK))
        counts = [
            TagCount(tag=item["tag"], count=schema.count_of(item))
            for item in items
            if item["photo_count"] > 0
        ]
        return sorted(counts, key=lambda tag_count: (-tag_count.count, tag_count.tag))

    def tag_count(self, tag):
        with translate_errors():
            item = get_connection().table.get_item(Key=schema.tag_count_key(tag)).get("Item")
        return schema.count_of(item) if item else 0

    def photo_counts(self, owner_ids):
        """{owner id: number of photos, private ones included} in one BatchGetItem (admin)."""
        connection = get_connection()
        keys = [schema.owner_count_key(owner_id) for owner_id in set(owner_ids)]
        counts = dict.fromkeys(owner_ids, 0)
        # Unprocessed keys (throttling) are asked for again.
        for start in range(0, len(keys), _BATCH_GET_KEYS):
            request = {connection.table_name: {"Keys": keys[start : start + _BATCH_GET_KEYS]}}
            while request:
                with translate_errors():
                    response = connection.client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(connection.table_name, []):
                    counts[schema.owner_id_of(item)] = schema.count_of(item)
                request = response.get("UnprocessedKeys")
        return counts


@functools.cache
def photo_repository():
    """The process-wide PhotoRepository."""
    return PhotoRepository()


def _check_revision(photo, expected_revision):
    if expected_revision is not None and photo.revision != expected_revision:
        raise PhotoChanged(photo.id)


def _card_keys(photo, items):
    """Sort keys of the photo's cards as written with `photo` (its committed revision, which the
    write is conditional on), and of any other card read. Not the read alone: a Query is only
    read-committed, so it may miss a card that a transaction committing meanwhile added."""
    return {card["sk"] for card in schema.card_items(photo)} | {
        item["sk"] for item in items if schema.is_card(item)
    }


def _page_of_items(items, last_key, limit, record):
    # One extra item was asked for: it tells whether there is a next page.
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor({name: items[-1][name] for name in schema.LIST_KEY_ATTRIBUTES})
    return Page(items=[record(item) for item in items], next_cursor=next_cursor)


def _first_card(items, last_key):
    return schema.card_from_item(items[0]) if items else None
