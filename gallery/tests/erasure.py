"""What is left of a deleted account, read from the raw table and bucket by the declared data
model (gallery.storage.dynamodb.model): test_erase.py and the invariant machine ask it."""

from gallery.storage.dynamodb import get_connection
from gallery.storage.dynamodb import model as kinds
from gallery.storage.s3.keys import UPLOADS_PREFIX, photo_id_of_key


def table_items():
    table, scan = get_connection().table, {}
    while True:
        page = table.scan(**scan)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def owned(user_id):
    """(photo ids, album ids, archive keys) the table holds of the user now."""
    photo_ids, album_ids, archives = set(), set(), set()
    for item in table_items():
        kind, parts = kinds.kind_of(item)
        if kind is kinds.PHOTO and item.get("owner_id") == user_id:
            photo_ids.add(parts["photo_id"])
        elif kind is kinds.ALBUM and item.get("owner_id") == user_id:
            album_ids.add(parts["album_id"])
        elif kind is kinds.ARCHIVE_JOB and item.get("owner_id") == user_id and item.get("archive_key"):
            archives.add(item["archive_key"])
    return photo_ids, album_ids, archives


def leftovers(user_id, photo_ids, album_ids, archives, object_keys):
    """Items and object keys still naming the user, one of their photos, albums or archives."""
    items = []
    for item in table_items():
        kind, parts = kinds.kind_of(item)
        names = (
            parts.get("user_id") == str(user_id)
            or parts.get("photo_id") in photo_ids
            or parts.get("album_id") in album_ids
            or item.get("owner_id") == user_id
            or item.get("author_id") == user_id
            or item.get("actor_id") == user_id
            or item.get("list_pk", "").endswith(f"#{user_id}")
        )
        if names:
            items.append((kind.name if kind else None, item["pk"], item["sk"]))
    keys = [
        key
        for key in object_keys
        if photo_id_of_key(key) in photo_ids
        or key.startswith(f"{UPLOADS_PREFIX}{user_id}/")
        or key in archives
    ]
    return items, keys
