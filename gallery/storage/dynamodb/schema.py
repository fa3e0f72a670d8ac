"""The table's layout: its keys and index, the key of every kind of item, and the codec between
the records of gallery.domain.lists and DynamoDB items.

Every kind of item, its key shape and what must hold of it is declared in
gallery.storage.dynamodb.model (the photo, its list cards, favourites, favourite count, album
memberships; the tag and owner counts; the album, its entries and its admin card); the builders
below read their formats from there.

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

from gallery.domain.lists import (
    ALL_ALBUMS,
    card_name,
    carries_position,
    favorites_list,
    list_entries,
    owner_albums_list,
)
from gallery.domain.records import Album, Photo, PhotoCard, TrashedCard
from gallery.storage.dynamodb import model

LISTS_INDEX = "lists"
PHOTO_SK = model.PHOTO.sk
TAGS_PK = model.TAG_COUNT.pk
OWNERS_PK = model.OWNER_COUNT.pk
# The key of a card in the lists index: what a page cursor holds.
LIST_KEY_ATTRIBUTES = ("pk", "sk", "list_pk", "list_sk")
CARD_PREFIX = model.CARD.sk_prefix()
ALBUM_SK = model.ALBUM.sk
ENTRY_PREFIX = model.ENTRY.sk_prefix()
MEMBERSHIP_PREFIX = model.MEMBERSHIP.sk_prefix()
ALBUM_CARD_SK = model.ALBUM_CARD.sk
# "$" follows "#": an album's item and its entries, and nothing after them.
ENTRIES_END = ENTRY_PREFIX[:-1] + "$"
FAN_PREFIX = model.FAVORITE.sk_prefix()
FAVORITE_COUNT_SK = model.FAVORITE_COUNT.sk


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


# --- keys (gallery.storage.dynamodb.model declares every format) --------------------------------
def photo_pk(photo_id):
    return model.PHOTO.pk_of(photo_id=photo_id)


def photo_id_of(pk):
    """The photo id of a photo partition's pk, or None for other partitions (the counters)."""
    parts = model.PHOTO.parts({"pk": pk, "sk": model.PHOTO.sk})
    return parts["photo_id"] if parts else None


def photo_key(photo_id):
    return model.PHOTO.key(photo_id=photo_id)


def tag_count_key(tag):
    return model.TAG_COUNT.key(tag=tag)


def owner_count_key(owner_id):
    return model.OWNER_COUNT.key(user_id=owner_id)


def owner_id_of(item):
    """The user id of an owner count item."""
    return int(model.OWNER_COUNT.parts(item)["user_id"])


def fan_key(photo_id, user_id):
    return model.FAVORITE.key(photo_id=photo_id, user_id=user_id)


def favorite_count_key(photo_id):
    return model.FAVORITE_COUNT.key(photo_id=photo_id)


def key_of(item):
    return {"pk": item["pk"], "sk": item["sk"]}


def album_pk(album_id):
    return model.ALBUM.pk_of(album_id=album_id)


def album_key(album_id):
    return model.ALBUM.key(album_id=album_id)


def album_card_key(album_id):
    return model.ALBUM_CARD.key(album_id=album_id)


def entry_key(album_id, position, photo_id):
    # The photo id after the position: two photos appended at once never share a key.
    return model.ENTRY.key(album_id=album_id, position=position, photo_id=photo_id)


def membership_key(photo_id, album_id):
    return model.MEMBERSHIP.key(photo_id=photo_id, album_id=album_id)


def card_key(photo_id, list_name, sort_key):
    return model.CARD.key(photo_id=photo_id, card=card_name(list_name, sort_key))


def is_card(item):
    return model.CARD.matches(item)


def is_membership(item):
    return model.MEMBERSHIP.matches(item)


def is_entry(item):
    return model.ENTRY.matches(item)


# --- codec --------------------------------------------------------------------------------------
def photo_item(photo):
    return {**photo_key(photo.id), **asdict(photo)}


def card_items(photo):
    """One card per list of the photo (gallery.domain.lists.list_entries; per token in a word list),
    carrying the PhotoCard fields."""
    card = asdict(photo.card)
    position = {"latitude": photo.latitude, "longitude": photo.longitude}
    if photo.trashed_at:  # the trash's cards: when it was trashed and when it goes for good
        card |= {"trashed_at": photo.trashed_at, "purge_after": photo.purge_after}
    return [
        {
            **card_key(photo.id, list_name, sort_key),
            "list_pk": list_name,
            "list_sk": sort_key,
            **card,
            **(position if carries_position(list_name) else {}),
        }
        for list_name, sort_key in list_entries(photo)
    ]


def fan_item(photo, user_id, favorited_at):
    """A user's favourite of `photo`: in the photo's partition (deleted with it) and, through
    the lists index, in the user's favourites list, newest favourite first. While the photo is
    in the trash the favourite keeps its place (list_sk) but has no list_pk, so the sparse index
    leaves it out of the list; a restore puts it back where it was."""
    listed = {} if photo.trashed_at else {"list_pk": favorites_list(user_id)}
    return {
        **fan_key(photo.id, user_id),
        **listed,
        "list_sk": f"{favorited_at}#{photo.id}",
        "fan_id": user_id,
        "photo_revision": photo.revision,  # a refresh of the copy never puts an older one back
        **asdict(photo.card),
    }


def fan_id_of(item):
    return int(model.FAVORITE.parts(item)["user_id"])


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


def trashed_card_from_item(item):
    """A card of the trash list: the photo's card and its trash times."""
    return TrashedCard(
        card=card_from_item(item), trashed_at=item["trashed_at"], purge_after=item["purge_after"]
    )


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
    if isinstance(value, dict):  # a photo's sources
        return {name: _plain(element) for name, element in value.items()}
    return value
