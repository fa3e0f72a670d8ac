"""The table's layout: its keys and index, the key of every kind of item, and the codec between
the records of gallery.catalog and DynamoDB items.

    pk = PHOTO#<id>  sk = PHOTO          the photo: every attribute, read by GetItem
    pk = PHOTO#<id>  sk = LIST#<list>    one "card" per list the photo appears in,
                                         list_pk = <list>, list_sk = <sort key>
    pk = TAGS        sk = TAG#<tag>      public photo count of a tag, for the tag cloud
    pk = OWNERS      sk = OWNER#<user>   photo count of a user, private ones included (admin)

All items of a photo share its partition, so one Query finds them all for deletion and one
transaction writes them all together.
"""

from dataclasses import asdict
from decimal import Decimal

from gallery.catalog import Photo, PhotoCard, list_entries

LISTS_INDEX = "lists"
PHOTO_SK = "PHOTO"
TAGS_PK = "TAGS"
OWNERS_PK = "OWNERS"
# The key of a card in the lists index: what a page cursor holds.
LIST_KEY_ATTRIBUTES = ("pk", "sk", "list_pk", "list_sk")
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
            "sk": f"LIST#{list_name}",
            "list_pk": list_name,
            "list_sk": sort_key,
            **card,
        }
        for list_name, sort_key in list_entries(photo)
    ]


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
