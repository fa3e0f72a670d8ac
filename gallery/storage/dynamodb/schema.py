"""The table's layout: its keys and index, the key of every kind of item, and the codec between
the records of gallery.domain.catalog and DynamoDB items.

    pk = PHOTO#<id>  sk = PHOTO          the photo: every attribute, read by GetItem
    pk = PHOTO#<id>  sk = LIST#<list>    one "card" per list the photo appears in,
                                         list_pk = <list>, list_sk = <sort key>
    pk = PHOTO#<id>  sk = LIST#WORD#<token>  one card per search token (gallery.domain.words),
                                         list_pk = WORD#<2 chars>, list_sk = <token>#<created>#<id>
    pk = PHOTO#<id>  sk = FAN#<user>     a favourite: list_pk = FAVS#<user>, list_sk =
                                         <favourited at>#<id>, with a copy of the card (the
                                         user's /favorites/ page is one Query on the index)
    pk = PHOTO#<id>  sk = FANS           favorite_count of the photo (ADD, never read-modify-write)
    pk = PHOTO#<id>  sk = INALBUM#<album> the photo is in that album: its position there, and
                                         is_cover when it is the album's cover
    pk = TAGS        sk = TAG#<tag>      public photo count of a tag, for the tag cloud
    pk = OWNERS      sk = OWNER#<user>   photo count of a user, private ones included (admin)

    pk = ALBUM#<id>  sk = ALBUM          the album (gallery.domain.catalog.Album), in its owner's list
                                         list_pk = ALBUMS#<user>, list_sk = <created>#<id>
    pk = ALBUM#<id>  sk = ENTRY#<position>#<photo id>
                                         a photo of the album: its card, in album order
                                         (gallery.storage.dynamodb.positions)
    pk = ALBUM#<id>  sk = LIST#ALBUMS    the album's card in the admin's list of all albums

All items of a photo share its partition, so one Query finds them all for deletion and one
transaction writes them all together. The album item sorts before its entries ("ALBUM" <
"ENTRY#"), so the first page of an album is one Query of its partition.
Sort keys order a photo's partition FAN#... < FANS < INALBUM#... < LIST#... < PHOTO: what an
edit or a delete rewrites (memberships, cards, photo) is one Query from after FANS on, and the
favourites, as many as people give, are another (begins_with FAN#), never inside the photo's
transaction with its 100-action limit.
"""

from dataclasses import asdict
from decimal import Decimal

from gallery.domain.catalog import (
    ALL_ALBUMS,
    Album,
    Photo,
    PhotoCard,
    card_name,
    favorites_list,
    list_entries,
    owner_albums_list,
)

LISTS_INDEX = "lists"
PHOTO_SK = "PHOTO"
TAGS_PK = "TAGS"
OWNERS_PK = "OWNERS"
# The key of a card in the lists index: what a page cursor holds.
LIST_KEY_ATTRIBUTES = ("pk", "sk", "list_pk", "list_sk")
CARD_PREFIX = "LIST#"
ALBUM_SK = "ALBUM"
ENTRY_PREFIX = "ENTRY#"
MEMBERSHIP_PREFIX = "INALBUM#"
ALBUM_CARD_SK = f"{CARD_PREFIX}{ALL_ALBUMS}"
# "$" follows "#": an album's item and its entries, and nothing after them.
ENTRIES_END = "ENTRY$"
FAN_PREFIX = "FAN#"
FAVORITE_COUNT_SK = "FANS"
_PHOTO_PREFIX = "PHOTO#"
_OWNER_PREFIX = "OWNER#"
_ALBUM_PREFIX = "ALBUM#"


def table_schema():
    """Keys and indexes of the table: the single definition used by init_aws and the deploy tests."""
    return {
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "list_pk", "AttributeType": "S"},
            {"AttributeName": "list_sk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": LISTS_INDEX,
                "KeySchema": [
                    {"AttributeName": "list_pk", "KeyType": "HASH"},
                    {"AttributeName": "list_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


# --- keys ---------------------------------------------------------------------------------------
def photo_pk(photo_id):
    return f"{_PHOTO_PREFIX}{photo_id}"


def photo_id_of(pk):
    """The photo id of a photo partition's pk, or None for other partitions (the counters)."""
    return pk.removeprefix(_PHOTO_PREFIX) if pk.startswith(_PHOTO_PREFIX) else None


def photo_key(photo_id):
    return {"pk": photo_pk(photo_id), "sk": PHOTO_SK}


def tag_count_key(tag):
    return {"pk": TAGS_PK, "sk": f"TAG#{tag}"}


def owner_count_key(owner_id):
    return {"pk": OWNERS_PK, "sk": f"{_OWNER_PREFIX}{owner_id}"}


def owner_id_of(item):
    """The user id of an owner count item."""
    return int(item["sk"].removeprefix(_OWNER_PREFIX))


def fan_key(photo_id, user_id):
    return {"pk": photo_pk(photo_id), "sk": f"{FAN_PREFIX}{user_id}"}


def favorite_count_key(photo_id):
    return {"pk": photo_pk(photo_id), "sk": FAVORITE_COUNT_SK}


def key_of(item):
    return {"pk": item["pk"], "sk": item["sk"]}


def album_pk(album_id):
    return f"{_ALBUM_PREFIX}{album_id}"


def album_key(album_id):
    return {"pk": album_pk(album_id), "sk": ALBUM_SK}


def album_card_key(album_id):
    return {"pk": album_pk(album_id), "sk": ALBUM_CARD_SK}


def entry_key(album_id, position, photo_id):
    # The photo id after the position: two photos appended at once never share a key.
    return {"pk": album_pk(album_id), "sk": f"{ENTRY_PREFIX}{position}#{photo_id}"}


def membership_key(photo_id, album_id):
    return {"pk": photo_pk(photo_id), "sk": f"{MEMBERSHIP_PREFIX}{album_id}"}


def is_card(item):
    return item["sk"].startswith(CARD_PREFIX)


def is_membership(item):
    return item["sk"].startswith(MEMBERSHIP_PREFIX)


def is_entry(item):
    return item["sk"].startswith(ENTRY_PREFIX)


# --- codec --------------------------------------------------------------------------------------
def photo_item(photo):
    return {**photo_key(photo.id), **asdict(photo)}


def card_items(photo):
    """One card per list of the photo (gallery.domain.catalog.list_entries; per token in a word list),
    carrying the PhotoCard fields."""
    card = asdict(photo.card)
    return [
        {
            "pk": photo_pk(photo.id),
            "sk": f"{CARD_PREFIX}{card_name(list_name, sort_key)}",
            "list_pk": list_name,
            "list_sk": sort_key,
            **card,
        }
        for list_name, sort_key in list_entries(photo)
    ]


def fan_item(photo, user_id, favorited_at):
    """A user's favourite of `photo`: in the photo's partition (deleted with it) and, through
    the lists index, in the user's favourites list, newest favourite first."""
    return {
        **fan_key(photo.id, user_id),
        "list_pk": favorites_list(user_id),
        "list_sk": f"{favorited_at}#{photo.id}",
        "fan_id": user_id,
        "photo_revision": photo.revision,  # a refresh of the copy never puts an older one back
        **asdict(photo.card),
    }


def fan_id_of(item):
    return int(item["sk"].removeprefix(FAN_PREFIX))


def album_item(album):
    return {
        **album_key(album.id),
        "list_pk": owner_albums_list(album.owner_id),
        "list_sk": f"{album.created}#{album.id}",
        **asdict(album),
    }


def album_card_item(album):
    """The admin's card: the album's fields but its share token."""
    fields = {**asdict(album), "share_token": ""}
    return {
        **album_card_key(album.id),
        "list_pk": ALL_ALBUMS,
        "list_sk": f"{album.created}#{album.id}",
        **fields,
    }


def album_from_item(item):
    return _record(Album, item)


def entry_item(album_id, position, photo):
    return {**entry_key(album_id, position, photo.id), "position": position, **asdict(photo.card)}


def membership_item(photo_id, album_id, position, is_cover=False):
    return {
        **membership_key(photo_id, album_id),
        "album_id": album_id,
        "position": position,
        "is_cover": is_cover,
    }


def entry_key_of_membership(photo_id, item):
    return entry_key(item["album_id"], item["position"], photo_id)


def photo_from_item(item):
    return _record(Photo, item)


def card_from_item(item):
    return _record(PhotoCard, item)


def count_of(item):
    return int(item["photo_count"])


def _record(record_class, item):
    # Attributes the record does not know (keys, list_sk) are left out; missing ones take defaults.
    return record_class(
        **{name: _plain(item[name]) for name in record_class.__dataclass_fields__ if name in item}
    )


def _plain(value):
    # DynamoDB numbers come back as Decimal; ours are all whole numbers.
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(element) for element in value]
    return value
