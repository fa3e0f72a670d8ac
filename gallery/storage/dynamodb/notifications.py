"""Notifications (model.NOTE) and each recipient's unread count (model.NOTE_COUNT): the items and
the Queries. The use cases are gallery.services.notifications.

Both are in the recipient's partition NOTES#<user>: a notification's sort key starts with the
time it was made, so a page is one Query newest first, and the count is the partition's UNREAD
item, which the bell reads with one GetItem. The count moves only in the same transaction as
the notification it counts: a new one is put under "none there" with ADD 1, a mark read sets
read under "unread" with ADD -1, so two concurrent marks of one notification count once and
marking read again changes nothing. An unread notification is also in the lists index
(UNREAD#<user>: a sparse list, the item loses list_pk when read), so "mark all read" and the
digest read the unread ones only.

A favourite's or a follow's notification has a mark beside it (model.NOTE_ONCE, keyed by
gallery.domain.notifications.repeat_of), put under "none there" in the same transaction: doing it
again (favourite, unfavourite, favourite) finds the mark and stores nothing. The mark goes when
its notification is deleted.
"""

from boto3.dynamodb.conditions import Attr, Key

from gallery.domain.notifications import Notification, repeat_of
from gallery.storage.dynamodb import model, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.cursor import decode_cursor, encode_cursor
from gallery.storage.dynamodb.errors import PhotoChanged
from gallery.storage.dynamodb.transactions import Transaction, not_written_yet

PREFIX = model.NOTE.sk_prefix()
COUNTER = "unread"
_KEY_ATTRIBUTES = ("pk", "sk")


class _AlreadyThere(PhotoChanged):
    """A failed condition of a notification's write: made or read before (nothing to do)."""


def _unread():
    """A mark read's condition: the notification is there and unread."""
    return {
        "condition": "attribute_exists(pk) AND #read = :false",
        "on_fail": _AlreadyThere(),
        "names": {"#read": "read"},
        "values": {":true": True, ":false": False},
    }


def note_key(user_id, key):
    return model.NOTE.key(user_id=user_id, note_key=key)


def mark_key(note):
    """The key of the mark that makes a repeat of `note` the same notification, or None."""
    repeat = repeat_of(note)
    return model.NOTE_ONCE.key(user_id=note.recipient_id, repeat=repeat) if repeat else None


def count_key(user_id):
    return model.NOTE_COUNT.key(user_id=user_id)


def note_item(note):
    item = {
        **note_key(note.recipient_id, note.key),
        "kind": note.kind,
        "actor_id": note.actor_id,
        "actor": note.actor,
        "photo_id": note.photo_id,
        "created": note.created,
        **({"album_id": note.album_id} if note.album_id else {}),
        "read": note.read,
    }
    if not note.read:
        item["list_pk"] = model.NOTE.list_pk.format(user_id=note.recipient_id)
        item["list_sk"] = note.key
    return item


def is_note(item):
    return model.NOTE.matches(item)


def note_from_item(item):
    parts = model.NOTE.parts(item)
    return Notification(
        recipient_id=int(parts["user_id"]),
        key=parts["note_key"],
        kind=item.get("kind", ""),
        actor_id=int(item["actor_id"]),
        actor=item.get("actor", ""),
        created=item.get("created", ""),
        photo_id=item.get("photo_id", ""),
        read=bool(item.get("read", False)),
        album_id=item.get("album_id", ""),
    )


def add(note):
    """Store an unread notification and count it, at once; False if one with its key is there
    already (a comment's mention notified before, a retry), or its mark (the same favourite or
    follow notified before, read or not)."""
    write = Transaction()
    write.put(note_item(note), **not_written_yet(on_fail=_AlreadyThere()))
    mark = mark_key(note)
    if mark is not None:
        write.put({**mark, "note_key": note.key}, **not_written_yet(on_fail=_AlreadyThere()))
    write.update(count_key(note.recipient_id), f"ADD {COUNTER} :one", values={":one": 1})
    try:
        write.commit()
    except _AlreadyThere:
        return False
    return True


def mark_read(user_id, key):
    """Mark one notification read and count it off, at once; False if it was read already or is
    not there (idempotent)."""
    write = Transaction()
    write.update(note_key(user_id, key), "SET #read = :true REMOVE list_pk, list_sk", **_unread())
    write.update(count_key(user_id), f"ADD {COUNTER} :minus", values={":minus": -1})
    try:
        write.commit()
    except _AlreadyThere:
        return False
    return True


def mark_page(user_id, notes):
    """Mark a page of unread notifications read and count them off in one transaction; one by
    one if any was marked (or deleted) meanwhile. Returns how many changed."""
    if not notes:
        return 0
    write = Transaction()
    for note in notes:
        write.update(note_key(user_id, note.key), "SET #read = :true REMOVE list_pk, list_sk", **_unread())
    write.update(count_key(user_id), f"ADD {COUNTER} :minus", values={":minus": -len(notes)})
    try:
        write.commit()
    except _AlreadyThere:
        return sum(mark_read(user_id, note.key) for note in notes)
    return len(notes)


def delete(item, *, attempts=3):
    """Delete a notification (an erasure, a repair), its mark with it, counting it off if it was
    unread, under the condition that it is still as read as it was read (marked read meanwhile:
    read again)."""
    user_id = int(model.NOTE.parts(item)["user_id"])
    mark = mark_key(note_from_item(item))
    for _attempt in range(attempts):
        was_read = bool(item.get("read"))
        write = Transaction()
        write.delete(
            item,
            condition="attribute_exists(pk) AND #read = :read",
            names={"#read": "read"},
            values={":read": was_read},
            on_fail=_AlreadyThere(),
        )
        if mark is not None:
            write.delete(mark)
        if not was_read:
            write.update(count_key(user_id), f"ADD {COUNTER} :minus", values={":minus": -1})
        try:
            write.commit()
            return True
        except _AlreadyThere:
            with translate_errors():
                item = (
                    get_connection().table.get_item(Key=schema.key_of(item), ConsistentRead=True).get("Item")
                )
            if item is None:
                return False
    return False


def unread_count(user_id):
    """The recipient's unread count: one GetItem (the bell on every page)."""
    with translate_errors():
        item = get_connection().table.get_item(Key=count_key(user_id)).get("Item") or {}
    return max(0, int(item.get(COUNTER, 0)))


def set_count(user_id, stored, true):
    """Reconcile's repair: set the unread count to its true value if it still holds the count
    read (a notification made or read since moved it: the next run judges again)."""
    table = get_connection().table
    with translate_errors():
        try:
            table.update_item(
                Key=count_key(user_id),
                UpdateExpression=f"SET {COUNTER} = :true",
                ConditionExpression=f"attribute_not_exists({COUNTER}) OR {COUNTER} = :stored",
                ExpressionAttributeValues={":true": true, ":stored": stored},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    return True


def delete_key(item):
    """Delete one item by its key, unconditionally (an erasure's count and stray marks)."""
    with translate_errors():
        get_connection().table.delete_item(Key=schema.key_of(item))


def delete_count(user_id):
    with translate_errors():
        get_connection().table.delete_item(Key=count_key(user_id))


def page(user_id, *, cursor=None, limit=24):
    """(notifications, next cursor): one Query of the recipient's partition, newest first."""
    pk = model.NOTE.pk_of(user_id=user_id)
    query = {
        "KeyConditionExpression": Key("pk").eq(pk) & Key("sk").begins_with(PREFIX),
        "ScanIndexForward": False,
        "Limit": limit,
        "ConsistentRead": True,
    }
    if cursor:
        query["ExclusiveStartKey"] = decode_cursor(cursor, pk, attributes=_KEY_ATTRIBUTES, partition="pk")
    with translate_errors():
        response = get_connection().table.query(**query)
    last = response.get("LastEvaluatedKey")
    next_cursor = encode_cursor({name: last[name] for name in _KEY_ATTRIBUTES}) if last else None
    return [note_from_item(item) for item in response["Items"]], next_cursor


def unread(user_id, *, since_key=None, until_key=None, limit=None):
    """The recipient's unread notifications, newest first, made in [since_key, until_key) when
    given: their UNREAD# list of the index, page by page (up to `limit`)."""
    condition = Key("list_pk").eq(model.NOTE.list_pk.format(user_id=user_id))
    if since_key and until_key:
        condition &= Key("list_sk").between(since_key, until_key)
    query = {"IndexName": schema.LISTS_INDEX, "KeyConditionExpression": condition, "ScanIndexForward": False}
    found = []
    for item in get_connection().query_all(**query):
        if until_key and item["list_sk"] >= until_key:
            continue  # between() includes its end
        found.append(note_from_item(item))
        if limit and len(found) >= limit:
            break
    return found


def unread_pages(user_id, page_size):
    """The recipient's unread notifications, newest first, `page_size` at a time: one pass of
    their UNREAD# list, each Query page read as it is reached (a page is marked before the next
    is read; a re-read from the top could see a marked one again, the index being eventual)."""
    query = {
        "IndexName": schema.LISTS_INDEX,
        "KeyConditionExpression": Key("list_pk").eq(model.NOTE.list_pk.format(user_id=user_id)),
        "ScanIndexForward": False,
        "Limit": page_size,
    }
    while True:
        with translate_errors():
            response = get_connection().table.query(**query)
        notes = [note_from_item(item) for item in response["Items"]]
        if notes:
            yield notes
        last = response.get("LastEvaluatedKey")
        if not last:
            return
        query["ExclusiveStartKey"] = last


def photos(photo_ids):
    """{photo id: Photo} of those that exist: one BatchGetItem (per 100 ids)."""
    return _batch_get(photo_ids, schema.photo_key, schema.photo_from_item)


def albums(album_ids):
    """{album id: Album} of those that exist (an album's comment's notifications), as photos."""
    return _batch_get(album_ids, schema.album_key, schema.album_from_item)


def _batch_get(ids, key_of, from_item):
    connection = get_connection()
    ids = sorted(set(filter(None, ids)))
    found = {}
    for start in range(0, len(ids), 100):
        request = {connection.table_name: {"Keys": [key_of(i) for i in ids[start : start + 100]]}}
        while request:  # unprocessed keys (throttling) are asked for again
            with translate_errors():
                response = connection.client.batch_get_item(RequestItems=request)
            for item in response["Responses"].get(connection.table_name, []):
                record = from_item(item)
                found[record.id] = record
            request = response.get("UnprocessedKeys")
    return found


def items_of(user_id):
    """Every item of the recipient's partition (notifications and count), consistently read."""
    return get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(model.NOTE.pk_of(user_id=user_id)), ConsistentRead=True
    )


def caused_by(actor_id):
    """Every notification `actor_id` caused, in anyone's partition: a Scan (the erasure's, a
    worker job, never a page's)."""
    connection = get_connection()
    paginator = connection.client.get_paginator("scan")
    condition = Attr("sk").begins_with(PREFIX) & Attr("actor_id").eq(actor_id)
    with translate_errors():
        for page_ in paginator.paginate(TableName=connection.table_name, FilterExpression=condition):
            yield from page_["Items"]


# --- reconcile ------------------------------------------------------------------------------------
GONE_PHOTO, GONE_ALBUM, STRAY_MARK = "its photo is gone", "its album is gone", "its notification is gone"


def strays(scan):
    """[(pk, sk, why)] of the scan's notifications whose photo or album is gone (hidden for
    good: a deleted photo's never comes back; one in the trash is still there), and of the marks
    whose notification is gone. Nothing else is judged: a follow's has nothing to point at."""
    found = []
    for item in scan.notes:
        note = note_from_item(item)
        if note.album_id and note.album_id not in scan.albums:
            found.append((item["pk"], item["sk"], GONE_ALBUM))
        elif not note.album_id and note.photo_id and note.photo_id not in scan.photos:
            found.append((item["pk"], item["sk"], GONE_PHOTO))
    notes = {(item["pk"], item["sk"]) for item in scan.notes}
    for item in scan.note_marks:
        if (item["pk"], model.NOTE.sk.format(note_key=item.get("note_key", ""))) not in notes:
            found.append((item["pk"], item["sk"], STRAY_MARK))
    return sorted(found)


def remove_stray(pk, sk, why):
    """Remove what `strays` found once it still holds: the notification read again, its photo
    (album) looked for again, consistently (published since the scan: kept); True if removed."""
    connection = get_connection()
    with translate_errors():
        item = connection.table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True).get("Item")
    if item is None:
        return False
    if why == STRAY_MARK:
        note = {"pk": pk, "sk": model.NOTE.sk.format(note_key=item.get("note_key", ""))}
        with translate_errors():
            if connection.table.get_item(Key=note, ConsistentRead=True).get("Item"):
                return False
        delete_key(item)
        return True
    note = note_from_item(item)
    about = schema.album_key(note.album_id) if why == GONE_ALBUM else schema.photo_key(note.photo_id)
    return not _exists(about) and delete(item)


def _exists(key):
    with translate_errors():
        return "Item" in get_connection().table.get_item(
            Key=key, ConsistentRead=True, ProjectionExpression="pk"
        )
