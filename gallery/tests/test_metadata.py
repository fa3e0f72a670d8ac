"""PhotoTable against moto over HTTP."""

import pytest

from gallery import metadata
from gallery.metadata import FEED, InvalidCursor, Photo, PhotoNotFound, photo_table, tag_list, user_list


def make_photo(number, owner_id=1, tags=("sea",), **fields):
    photo_id = f"{number:032x}"
    return Photo(
        id=photo_id,
        title=f"Photo {number}",
        owner_id=owner_id,
        owner_username=f"user{owner_id}",
        tags=list(tags),
        created=f"2026-01-01T00:00:{number:02d}.000000+00:00",
        thumbnail_key=f"photos/{photo_id}/thumb.jpg",
        thumbnail_width=400,
        thumbnail_height=300,
        description="A description",
        original_key=f"photos/{photo_id}/original.jpg",
        original_content_type="image/jpeg",
        original_bytes=12345,
        width=4000,
        height=3000,
        **fields,
    )


@pytest.fixture
def table(aws):
    return photo_table()


@pytest.fixture
def dynamodb_calls(table):
    """Names of the DynamoDB operations sent from now on."""
    calls = []
    events = table._client.meta.events

    def record(model, **kwargs):
        calls.append(model.name)

    events.register("before-call.dynamodb", record)
    yield calls
    events.unregister("before-call.dynamodb", record)


def test_a_photo_round_trips_with_every_attribute(table):
    photo = make_photo(1, tags=["sea", "sunset"])

    table.put_photo(photo)

    assert table.get_photo(photo.id) == photo


def test_unknown_photo_raises_not_found(table):
    with pytest.raises(PhotoNotFound):
        table.get_photo("f" * 32)


def test_feed_is_newest_first_and_pages_with_an_opaque_cursor(table):
    for number in range(1, 6):
        table.put_photo(make_photo(number))

    first = table.list_page(FEED, limit=2)
    second = table.list_page(FEED, cursor=first.next_cursor, limit=2)
    last = table.list_page(FEED, cursor=second.next_cursor, limit=2)

    assert [card.title for card in first.items] == ["Photo 5", "Photo 4"]
    assert [card.title for card in second.items] == ["Photo 3", "Photo 2"]
    assert [card.title for card in last.items] == ["Photo 1"]
    assert last.next_cursor is None
    assert "PHOTO#" not in first.next_cursor  # opaque: no raw key in the link


def test_exactly_full_last_page_has_no_next_cursor(table):
    for number in range(1, 3):
        table.put_photo(make_photo(number))

    assert table.list_page(FEED, limit=2).next_cursor is None


def test_owner_and_tag_lists_hold_only_their_photos(table):
    table.put_photo(make_photo(1, owner_id=1, tags=["sea"]))
    table.put_photo(make_photo(2, owner_id=2, tags=["sea", "city"]))
    table.put_photo(make_photo(3, owner_id=2, tags=["city"]))

    assert [c.title for c in table.list_page(user_list(2)).items] == ["Photo 3", "Photo 2"]
    assert [c.title for c in table.list_page(tag_list("sea")).items] == ["Photo 2", "Photo 1"]
    assert table.list_page(tag_list("nothing")).items == []


def test_a_list_page_is_one_query_whatever_the_table_size(table, dynamodb_calls):
    for number in range(1, 31):
        table.put_photo(make_photo(number))
    dynamodb_calls.clear()

    page = table.list_page(FEED, limit=24)
    table.list_page(FEED, cursor=page.next_cursor, limit=24)

    assert dynamodb_calls == ["Query", "Query"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJwayI6IlBIT1RPIzEifQ"])
def test_a_cursor_we_did_not_sign_is_rejected(table, cursor):
    with pytest.raises(InvalidCursor):
        table.list_page(FEED, cursor=cursor)


def test_a_cursor_from_another_list_is_rejected(table):
    for number in range(1, 4):
        table.put_photo(make_photo(number, tags=["sea"]))
    tag_cursor = table.list_page(tag_list("sea"), limit=1).next_cursor

    with pytest.raises(InvalidCursor):
        table.list_page(FEED, cursor=tag_cursor)


def test_delete_removes_the_photo_and_all_its_cards(table, aws):
    kept, deleted = make_photo(1), make_photo(2, tags=["sea", "city"])
    table.put_photo(kept)
    table.put_photo(deleted)

    assert table.delete_photo(deleted.id) == deleted

    # Only the kept photo's items remain, besides the tag and owner counters (test_metadata_edits.py).
    assert {item["pk"] for item in aws.table_items()} - {"TAGS", "OWNERS"} == {f"PHOTO#{kept.id}"}
    with pytest.raises(PhotoNotFound):
        table.get_photo(deleted.id)


def test_put_refuses_to_overwrite_an_existing_photo(table):
    photo = make_photo(1)
    table.put_photo(photo)

    with pytest.raises(metadata.PhotoAlreadyExists):
        table.put_photo(make_photo(1, tags=["other"]))
    assert table.get_photo(photo.id).tags == ["sea"]


def test_ensure_table_is_idempotent_and_creates_the_lists_index(table):
    assert table.ensure_table() is False  # the aws fixture created it already

    description = table._client.describe_table(TableName=table.table_name)["Table"]
    assert [index["IndexName"] for index in description["GlobalSecondaryIndexes"]] == ["lists"]
    assert description["KeySchema"] == metadata.table_schema()["KeySchema"]


def test_unreachable_endpoint_raises_metadata_unavailable(settings):
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.AWS_CLIENT_CONFIG = settings.AWS_CLIENT_CONFIG.merge(
        type(settings.AWS_CLIENT_CONFIG)(retries={"max_attempts": 1, "mode": "standard"})
    )

    with pytest.raises(metadata.MetadataUnavailable):
        photo_table().get_photo("a" * 32)
