"""gallery.storage.dynamodb.cursor: signed cursors, bound to their list and title prefix."""

import pytest

from gallery.domain.lists import FEED, tag_list
from gallery.storage.dynamodb import InvalidCursor, photo_repository
from gallery.storage.dynamodb.cursor import decode_cursor, encode_cursor
from gallery.tests.factories import make_photo

KEY = {"pk": "PHOTO#1", "sk": "LIST#WORD#su", "list_pk": "WORD#su", "list_sk": "sunset#2026#1"}


def test_a_cursor_decodes_to_the_key_it_was_made_from():
    assert decode_cursor(encode_cursor(KEY), "WORD#su", prefix="sun") == KEY


@pytest.mark.parametrize(
    ("key", "list_name", "prefix"),
    [
        (KEY, FEED, None),  # another list
        (KEY, "WORD#su", "sunday"),  # another title prefix in the same list
        ({"pk": "PHOTO#1", "sk": "PHOTO"}, "WORD#su", None),  # not a key of the lists index
        (["not", "a", "key"], "WORD#su", None),
    ],
)
def test_a_signed_cursor_for_another_query_is_rejected(key, list_name, prefix):
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor(key), list_name, prefix=prefix)


def test_a_tampered_cursor_is_rejected_with_the_signature_error_as_cause():
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(encode_cursor(KEY)[:-2] + "xx", "WORD#su")

    assert raised.value.__cause__ is not None


@pytest.mark.parametrize("cursor", ["garbage", "eyJwayI6IlBIT1RPIzEifQ"])
def test_a_cursor_we_did_not_sign_is_rejected(aws, cursor):
    with pytest.raises(InvalidCursor):
        photo_repository().list_page(FEED, cursor=cursor)


def test_a_cursor_from_another_list_is_rejected(aws):
    table = photo_repository()
    for number in range(1, 4):
        table.put_photo(make_photo(number, tags=["sea"]))
    tag_cursor = table.list_page(tag_list("sea"), limit=1).next_cursor

    with pytest.raises(InvalidCursor):
        table.list_page(FEED, cursor=tag_cursor)
