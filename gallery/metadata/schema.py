"""The table's layout: its keys and index, the key of every kind of item, and the codec between
the records of gallery.catalog and DynamoDB items.

    pk = PHOTO#<id>  sk = PHOTO          the photo: every attribute, read by GetItem
    pk = PHOTO#<id>  sk = LIST#<list>    one "card" per list the photo appears in,
                                         list_pk = <list>, list_sk = <sort key>
    pk = PHOTO#<id>  sk = FAN#<user>     a favourite: list_pk = FAVS#<user>, list_sk =
                                         <favourited at>#<id>, with a copy of the card (the
                                         user's /favorites/ page is one Query on the index)
    pk = PHOTO#<id>  sk = FANS           favorite_count of the photo (ADD, never read-modify-write)
    pk = TAGS        sk = TAG#<tag>      public photo count of a tag, for the tag cloud
    pk = OWNERS      sk = OWNER#<user>   photo count of a user, private ones included (admin)

All items of a photo share its partition, so one Query finds them all for deletion and one
transaction writes them all together. Sort keys order the partition as FAN#... < FANS < LIST#...
< PHOTO: what an edit needs (cards, photo) is one Query from LIST# on, and the favourites, as
many as people give, are another (begins_with FAN#), never inside the photo's transaction with
its 100-action limit.
"""

from dataclasses import asdict
from decimal import Decimal

from gallery.catalog import Photo, PhotoCard, favorites_list, list_entries

LISTS_INDEX = "lists"
PHOTO_SK = "PHOTO"
TAGS_PK = "TAGS"
OWNERS_PK = "OWNERS"
# The key of a card in the lists index: what a page cursor holds.
LIST_KEY_ATTRIBUTES = ("pk", "sk", "list_pk", "list_sk")
FAN_PREFIX = "FAN#"
FAVORITE_COUNT_SK = "FANS"
LIST_PREFIX = "LIST#"
_PHOTO_PREFIX = "PHOTO#"
_OWNER_PREFIX = "OWNER#"


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


# --- codec --------------------------------------------------------------------------------------
def photo_item(photo):
    return {**photo_key(photo.id), **asdict(photo)}


def card_items(photo):
    """One card per list of the photo (gallery.catalog.list_entries), carrying the PhotoCard fields."""
    card = asdict(photo.card)
    return [
        {
            "pk": photo_pk(photo.id),
            "sk": f"{LIST_PREFIX}{list_name}",
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
