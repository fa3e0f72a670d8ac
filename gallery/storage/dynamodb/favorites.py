"""Favourites: who favourited which photo, how many did, and each user's favourites list.

A favourite is an item in the photo's partition (pk PHOTO#<id>, sk FAN#<user>) that is also a
card of the user's FAVS#<user> list in the lists index, with a copy of the photo's card, so a
/favorites/ page is one Query. The count is its own item (sk FANS), changed only by ADD right
after the favourite it counts was written or deleted under a condition (none there / one there),
so the count moves once per change: two concurrent favourites of one user count once, two of
different users twice. Like the other counters (counters.py), a crash between the two leaves it
off by one until `manage.py reconcile --fix` recounts.

Favourites are never part of the photo's own transaction, which holds at most 100 actions;
they follow it: after an edit each copy is refreshed, or removed when the photo is no longer
the fan's to see (turned private); after a delete each is removed. A crash in between leaves
copies that `manage.py reconcile` removes (gallery.services.reconcile), and the favourites list hides
copies of photos the reader may not see meanwhile.
"""

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError

from gallery.domain.access import visible_to
from gallery.domain.clock import timestamp
from gallery.domain.records import PUBLIC, FavoriteState
from gallery.storage.dynamodb import schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors, unavailable
from gallery.storage.dynamodb.counters import add_favorite_count

COUNTER = "favorite_count"


def may_favorite(user_id):
    """Condition on the photo item for a favourite by `user_id`: it exists, is theirs to see and
    is not in the trash."""
    return {
        "condition": "attribute_exists(pk) AND (attribute_not_exists(visibility) OR visibility = :public "
        "OR owner_id = :fan) AND (attribute_not_exists(trashed_at) OR trashed_at = :untrashed)",
        "values": {":public": PUBLIC, ":fan": user_id, ":untrashed": ""},
    }


def new_favorite(photo, user_id, *, now=None):
    return schema.fan_item(photo, user_id, timestamp(now))


def remove_favorite(photo_id, user_id):
    """Remove the favourite; True if there was one (the count moves only then)."""
    table = get_connection().table
    try:
        table.delete_item(Key=schema.fan_key(photo_id, user_id), ConditionExpression=Attr("pk").exists())
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise unavailable(error) from error
    except BotoCoreError as error:
        raise unavailable(error) from error
    add_favorite_count(photo_id, -1)
    return True


def favorite_state(photo_id, user_id=None):
    """The photo's favourite count and whether `user_id` favourited it: one BatchGetItem."""
    return photo_and_favorite_state(photo_id, user_id, with_photo=False)[1]


def photo_and_favorite_state(photo_id, user_id=None, *, with_photo=True):
    """(the photo's item or None, FavoriteState) in one consistent BatchGetItem: what a photo
    page shows, in one round trip instead of two."""
    connection = get_connection()
    count_key = schema.favorite_count_key(photo_id)
    fan_key = schema.fan_key(photo_id, user_id) if user_id is not None else None
    keys = [count_key] + ([fan_key] if fan_key else []) + ([schema.photo_key(photo_id)] if with_photo else [])
    with translate_errors():
        found = connection.batch_get_items(keys)  # unprocessed keys (throttling) are asked for again
    by_sk = {item["sk"]: item for item in found}
    count = by_sk.get(schema.FAVORITE_COUNT_SK, {}).get(COUNTER, 0)
    state = FavoriteState(count=max(0, int(count)), favorited=bool(fan_key) and fan_key["sk"] in by_sk)
    return by_sk.get(schema.PHOTO_SK) if with_photo else None, state


def favorite_sort_key(photo_id, user_id):
    """Where the photo sits in the user's favourites list (its list_sk), or None: one GetItem."""
    with translate_errors():
        item = get_connection().table.get_item(Key=schema.fan_key(photo_id, user_id)).get("Item")
    return item["list_sk"] if item else None


def hide_unseen(page, user_id):
    """A favourites page without copies of photos the user may no longer see (a crash between
    a photo's change and the removal of its favourites: reconcile removes those)."""
    return type(page)(
        items=[card for card in page.items if visible_to(card, user_id)], next_cursor=page.next_cursor
    )


def fan_items(photo_id):
    """Every favourite item of the photo (one Query, page by page), consistently read."""
    return get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(schema.photo_pk(photo_id))
        & Key("sk").begins_with(schema.FAN_PREFIX),
        ConsistentRead=True,
    )


def follow_edit(photo):
    """After an edit: refresh each fan's copy of the card, or remove the favourite of a fan who
    may no longer see the photo. A refresh never puts back a removed favourite, nor an older
    copy over a newer one (an edit racing another). A move to the trash or out of it is such an
    edit: the copy leaves the fan's list or comes back to its place (schema.fan_item)."""
    table = get_connection().table
    for item in list(fan_items(photo.id)):
        fan_id = schema.fan_id_of(item)
        if not visible_to(photo, fan_id):
            remove_favorite(photo.id, fan_id)
            continue
        fresh = {**schema.fan_item(photo, fan_id, ""), "list_sk": item["list_sk"]}
        try:
            table.put_item(
                Item=fresh,
                ConditionExpression=Attr("pk").exists() & Attr("photo_revision").lt(photo.revision),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise unavailable(error) from error


def follow_delete(photo_id):
    """After a delete: remove every favourite of the photo (its count went with it)."""
    table = get_connection().table
    for item in list(fan_items(photo_id)):
        with translate_errors():
            table.delete_item(Key=schema.key_of(item))
