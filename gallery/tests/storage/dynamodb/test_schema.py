"""gallery.storage.dynamodb.schema: keys and the codec between catalog records and items (no AWS)."""

from dataclasses import asdict
from decimal import Decimal

from gallery.domain import lists
from gallery.domain.lists import ALL, FEED, owner_list, tag_list, taken_list, user_list, word_list
from gallery.domain.records import PRIVATE
from gallery.storage.dynamodb import LISTS_INDEX, table_schema
from gallery.storage.dynamodb.schema import card_from_item, card_items, photo_from_item, photo_item
from gallery.tests.factories import make_photo


def as_read(item):
    """An item as boto3 reads it back: every number a Decimal."""

    def read(value):
        return Decimal(value) if isinstance(value, int) else value

    return {
        name: [read(v) for v in value] if isinstance(value, list) else read(value)
        for name, value in item.items()
    }


def test_a_photo_item_decodes_to_the_same_photo_with_plain_ints():
    photo = make_photo(1, tags=["sea"], revision=3)

    item = photo_item(photo)
    decoded = photo_from_item(as_read(item))

    assert (item["pk"], item["sk"]) == (f"PHOTO#{photo.id}", "PHOTO")
    assert decoded == photo
    assert type(decoded.width) is int and type(decoded.revision) is int


def test_an_item_written_before_newer_fields_takes_their_defaults():
    item = photo_item(make_photo(1))
    del item["display_key"], item["revision"]

    photo = photo_from_item(item)

    assert (photo.display_key, photo.revision) == ("", 0)


def test_a_public_photo_has_a_card_in_each_of_its_lists_sharing_its_partition():
    photo = make_photo(1, owner_id=7, tags=["sea", "city"], title="Sunset")

    cards = card_items(photo)

    assert {card["list_pk"] for card in cards} == {
        ALL,
        owner_list(7),
        FEED,
        user_list(7),
        taken_list(7),
        tag_list("sea"),
        tag_list("city"),
        word_list("sunset"),
    }
    assert {card["pk"] for card in cards} == {f"PHOTO#{photo.id}"}
    assert all(card["sk"] == f"LIST#{lists.card_name(card['list_pk'], card['list_sk'])}" for card in cards)
    assert card_from_item(as_read(cards[0])) == photo.card
    assert set(cards[0]) == {"pk", "sk", "list_pk", "list_sk", *asdict(photo.card)}  # no description


def test_a_photo_has_one_card_per_search_token_told_apart_by_the_token():
    photo = make_photo(1, title="Sunny sunset")

    words = {card["sk"]: card for card in card_items(photo) if card["list_pk"].startswith("WORD#")}

    assert sorted(words) == ["LIST#WORD#sunny sunset", "LIST#WORD#sunset"]
    assert {card["list_pk"] for card in words.values()} == {word_list("su")}
    assert words["LIST#WORD#sunset"]["list_sk"] == f"sunset#{photo.created}#{photo.id}"


def test_a_private_photo_has_cards_only_in_the_admin_and_owner_lists():
    cards = card_items(make_photo(1, owner_id=7, visibility=PRIVATE))

    assert {card["list_pk"] for card in cards} == {ALL, owner_list(7), taken_list(7)}


def test_the_lists_index_is_the_one_global_secondary_index():
    schema = table_schema()

    assert [index["IndexName"] for index in schema["GlobalSecondaryIndexes"]] == [LISTS_INDEX]
    assert schema["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
