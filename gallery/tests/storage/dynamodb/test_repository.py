"""gallery.storage.dynamodb.repository: photos, list pages, edits, counts and neighbours, against moto
over HTTP."""

from datetime import UTC, datetime

import pytest

from gallery.domain.lists import ALL, FEED, list_entries, owner_list, tag_list, user_list
from gallery.domain.records import PRIVATE, PUBLIC, FavoriteState, TagCount
from gallery.storage.dynamodb import (
    PhotoAlreadyExists,
    PhotoChanged,
    PhotoNotFound,
    get_connection,
)
from gallery.tests.factories import make_photo


def titles(page):
    return [card.title for card in page.items]


# --- photos and list pages ----------------------------------------------------------------------
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


def test_the_admin_list_holds_every_photo_private_ones_included(table):
    table.put_photo(make_photo(1))
    table.put_photo(make_photo(2, visibility=PRIVATE))

    assert titles(table.list_page(ALL)) == ["Photo 2", "Photo 1"]


def test_put_refuses_to_overwrite_an_existing_photo(table):
    photo = make_photo(1)
    table.put_photo(photo)

    with pytest.raises(PhotoAlreadyExists):
        table.put_photo(make_photo(1, tags=["other"]))
    assert table.get_photo(photo.id).tags == ["sea"]


# --- edits and deletes --------------------------------------------------------------------------
def test_tag_edit_moves_the_photo_between_tag_pages_and_counts(table):
    table.put_photo(make_photo(1, tags=["sea", "boats"]))
    table.put_photo(make_photo(2, tags=["sea"]))

    updated = table.update_photo(make_photo(1).id, tags=["boats", "dusk"], title="Harbour")

    assert updated.revision == 1
    assert titles(table.list_page(tag_list("sea"))) == ["Photo 2"]
    assert titles(table.list_page(tag_list("boats"))) == ["Harbour"]
    assert titles(table.list_page(tag_list("dusk"))) == ["Harbour"]
    # Every other list shows the new title and tags: no stale card anywhere.
    for list_name in (FEED, user_list(1), owner_list(1)):
        cards = {card.id: card for card in table.list_page(list_name).items}
        assert cards[updated.id].title == "Harbour"
        assert cards[updated.id].tags == ["boats", "dusk"]
    assert table.tag_counts() == [
        TagCount("boats", 1),
        TagCount("dusk", 1),
        TagCount("sea", 1),
    ]
    assert table.get_photo(updated.id) == updated


def test_a_private_photo_is_only_in_its_owners_list_and_not_counted(table):
    table.put_photo(make_photo(1, tags=["sea"], visibility=PRIVATE, title="Secret beach"))
    table.put_photo(make_photo(2, tags=["sea"]))

    for list_name in (FEED, user_list(1), tag_list("sea")):
        assert titles(table.list_page(list_name)) == ["Photo 2"]
    assert table.search_titles("secret").items == []
    assert titles(table.list_page(owner_list(1))) == ["Photo 2", "Secret beach"]
    assert table.tag_counts() == [TagCount("sea", 1)]
    assert table.tag_count("sea") == 1


def test_an_edit_is_stamped_by_the_one_clock(table, monkeypatch):
    photo = make_photo(1)
    table.put_photo(photo)
    monkeypatch.setattr("gallery.domain.clock.now", lambda: datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert table.update_photo(photo.id, title="Later").updated == "2031-01-02T03:04:05.000000+00:00"


def test_making_a_photo_private_and_public_again_updates_every_list(table):
    photo = make_photo(1, tags=["sea"])
    table.put_photo(photo)

    table.update_photo(photo.id, visibility=PRIVATE)
    assert table.list_page(FEED).items == []
    assert table.list_page(tag_list("sea")).items == []
    assert table.tag_counts() == []

    table.update_photo(photo.id, visibility=PUBLIC)
    assert titles(table.list_page(FEED)) == ["Photo 1"]
    assert table.tag_counts() == [TagCount("sea", 1)]


def test_delete_removes_the_photo_and_all_its_cards(table, aws):
    kept, deleted = make_photo(1), make_photo(2, tags=["sea", "city"])
    table.put_photo(kept)
    table.put_photo(deleted)

    assert table.delete_photo(deleted.id) == deleted

    # Only the kept photo's items remain, besides the tag and owner counters (tested below).
    assert {item["pk"] for item in aws.table_items()} - {"TAGS", "OWNERS"} == {f"PHOTO#{kept.id}"}
    with pytest.raises(PhotoNotFound):
        table.get_photo(deleted.id)


def test_delete_takes_the_photo_out_of_every_list_and_count(table, aws):
    photo = make_photo(1, tags=["sea", "city"])
    table.put_photo(photo)
    table.put_photo(make_photo(2, tags=["sea"]))

    table.delete_photo(photo.id)

    assert table.tag_counts() == [TagCount("sea", 1)]
    assert titles(table.list_page(FEED)) == ["Photo 2"]
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{photo.id}"]
    with pytest.raises(PhotoNotFound):
        table.delete_photo(photo.id)


def test_an_edit_based_on_a_stale_read_is_refused(table, monkeypatch):
    photo = make_photo(1, tags=["sea"])
    table.put_photo(photo)
    stale = table.photo_with_items(photo.id)
    table.update_photo(photo.id, title="Someone else's edit")

    monkeypatch.setattr(table, "photo_with_items", lambda photo_id: stale)
    with pytest.raises(PhotoChanged):
        table.update_photo(photo.id, title="Mine")
    with pytest.raises(PhotoChanged):
        table.delete_photo(photo.id)

    monkeypatch.undo()
    assert table.get_photo(photo.id).title == "Someone else's edit"


def test_photo_counts_per_owner_include_private_photos_in_one_request(table, dynamodb_calls):
    table.put_photo(make_photo(1, owner_id=1))
    table.put_photo(make_photo(2, owner_id=1, visibility=PRIVATE))
    table.put_photo(make_photo(3, owner_id=2))
    table.delete_photo(make_photo(3).id)
    dynamodb_calls.clear()

    assert table.photo_counts([1, 2, 3]) == {1: 2, 2: 0, 3: 0}
    assert dynamodb_calls == ["BatchGetItem"]


# Search (the word lists): test_metadata_search.py.


# --- neighbours: previous and next of a card ---------------------------------------------------
def test_neighbours_of_a_card_are_the_previous_and_next_as_the_list_shows_them(table):
    photos = [make_photo(number) for number in range(1, 5)]
    for photo in photos:
        table.put_photo(photo)
    sort_key = dict(list_entries(photos[2]))[FEED]  # Photo 3: the feed shows 4, 3, 2, 1

    previous, next_ = table.neighbours(FEED, sort_key)

    assert (previous.title, next_.title) == ("Photo 4", "Photo 2")
    first, _ = table.neighbours(FEED, dict(list_entries(photos[3]))[FEED])
    _, last = table.neighbours(FEED, dict(list_entries(photos[0]))[FEED])
    assert first is None and last is None


def test_neighbours_are_one_query_of_one_item_each_way_whatever_the_list_size(table, dynamodb_calls):
    for number in range(1, 30):
        table.put_photo(make_photo(number))
    dynamodb_calls.clear()

    table.neighbours(FEED, dict(list_entries(make_photo(15)))[FEED])

    assert dynamodb_calls == ["Query", "Query"]


# --- favourites ---------------------------------------------------------------------------------
def test_a_favourite_counts_once_however_often_it_is_given_and_once_undone(table):
    photo = make_photo(1)
    table.put_photo(photo)

    assert table.add_favorite(photo, 7) is True
    assert table.add_favorite(photo, 7) is False  # idempotent
    assert table.add_favorite(photo, 8) is True
    assert table.favorite_state(photo.id, 7) == FavoriteState(count=2, favorited=True)
    assert table.remove_favorite(photo.id, 7) is True
    assert table.remove_favorite(photo.id, 7) is False
    assert table.favorite_state(photo.id, 7) == FavoriteState(count=1, favorited=False)
    assert table.favorite_state(photo.id) == FavoriteState(count=1, favorited=False)


def test_the_count_moves_only_after_a_conditional_write_of_the_favourite(table):
    """What keeps the count true under concurrency on DynamoDB: the count is ADDed only after the
    favourite's Put (conditional on there being none) or Delete (on there being one) succeeded.
    (moto cannot show it with threads: its transactions are not atomic under concurrent
    requests, see /work/shared/facts/images-and-local-aws.md.)"""
    photo = make_photo(1)
    table.put_photo(photo)
    sent = []
    events = get_connection().client.meta.events

    def capture(params, model, **kwargs):
        sent.append((model.name, params))

    events.register("provide-client-params.dynamodb", capture)
    try:
        table.add_favorite(photo, 7)
        table.add_favorite(photo, 7)  # again: refused by its condition, no count
        table.remove_favorite(photo.id, 7)
    finally:
        events.unregister("provide-client-params.dynamodb", capture)

    names = [name for name, _ in sent]
    assert names == ["TransactWriteItems", "UpdateItem", "TransactWriteItems", "DeleteItem", "UpdateItem"]
    added = sent[0][1]["TransactItems"]
    assert [next(iter(action)) for action in added] == ["ConditionCheck", "Put"]
    assert added[1]["Put"]["ConditionExpression"] == "attribute_not_exists(pk)"
    assert sent[1][1]["UpdateExpression"] == "ADD favorite_count :delta"
    assert sent[3][1]["ConditionExpression"] is not None  # the delete: only an existing favourite
    assert table.favorite_state(photo.id).count == 0


def test_favourites_page_is_one_query_newest_favourite_first(table, dynamodb_calls):
    photos = [make_photo(number) for number in range(1, 4)]
    for photo in photos:
        table.put_photo(photo)
    for minute, photo in enumerate([photos[1], photos[0], photos[2]]):
        table.add_favorite(photo, 7, now=lambda minute=minute: datetime(2026, 2, 1, 0, minute, tzinfo=UTC))
    table.add_favorite(photos[0], 8)
    dynamodb_calls.clear()

    page = table.favorites_page(7)

    assert titles(page) == ["Photo 3", "Photo 1", "Photo 2"]
    assert dynamodb_calls == ["Query"]


def test_a_photo_cannot_be_favourited_once_deleted_or_private_to_the_fan(table):
    hidden = make_photo(1, visibility=PRIVATE, owner_id=1)
    table.put_photo(hidden)

    with pytest.raises(PhotoNotFound):
        table.add_favorite(hidden, 2)
    assert table.add_favorite(hidden, 1) is True  # the owner sees it
    with pytest.raises(PhotoNotFound):
        table.add_favorite(make_photo(9), 2)  # never stored


def test_an_edit_refreshes_the_favourite_copies_and_turning_private_removes_others(table):
    photo = make_photo(1, owner_id=1)
    table.put_photo(photo)
    table.add_favorite(photo, 1)
    table.add_favorite(photo, 2)

    table.update_photo(photo.id, title="Renamed")
    assert titles(table.favorites_page(2)) == ["Renamed"]

    table.update_photo(photo.id, visibility=PRIVATE)

    assert table.favorites_page(2).items == []
    assert titles(table.favorites_page(1)) == ["Renamed"]  # the owner's own favourite stays
    assert table.favorite_state(photo.id, 2) == FavoriteState(count=1, favorited=False)


def test_deleting_a_photo_removes_its_favourites_and_its_count(table, aws):
    photo = make_photo(1)
    table.put_photo(photo)
    for fan in (2, 3):
        table.add_favorite(photo, fan)

    table.delete_photo(photo.id)

    assert table.favorites_page(2).items == []
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{photo.id}"]


def test_an_edit_reads_neither_the_favourites_nor_writes_them_in_its_transaction(table, dynamodb_calls):
    photo = make_photo(1)
    table.put_photo(photo)
    table.add_favorite(photo, 2)
    captured = []
    events = get_connection().client.meta.events

    def capture(params, **kwargs):
        captured.append(len(params["TransactItems"]))

    events.register("provide-client-params.dynamodb.TransactWriteItems", capture)
    try:
        table.update_photo(photo.id, title="Renamed")
    finally:
        events.unregister("provide-client-params.dynamodb.TransactWriteItems", capture)

    # The photo, its 7 cards (ALL, OWNER, TAKEN, FEED, USER, TAG#sea, WORD#renamed) and the delete of
    # the old title's word card ("photo 1"): the favourite is refreshed after, whatever the number of fans.
    assert captured == [9]
    assert table.favorite_state(photo.id).count == 1
