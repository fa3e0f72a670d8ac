"""gallery.metadata.repository: photos, list pages, edits, counts and title search, against moto
over HTTP."""

import pytest

from gallery.catalog import ALL, FEED, PRIVATE, PUBLIC, TagCount, owner_list, tag_list, user_list
from gallery.metadata import InvalidCursor, PhotoAlreadyExists, PhotoChanged, PhotoNotFound, photo_table
from gallery.tests.factories import make_photo


@pytest.fixture
def table(aws):
    return photo_table()


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


# --- title search -------------------------------------------------------------------------------
def test_title_search_matches_normalised_prefixes_in_title_order(table):
    for number, title in enumerate(["Sunset over Été", "sunday market", "Sun", "Moonrise", "su"], 1):
        table.put_photo(make_photo(number, title=title))

    assert titles(table.search_titles("SUN")) == ["Sun", "sunday market", "Sunset over Été"]
    assert titles(table.search_titles("sunset over ete")) == ["Sunset over Été"]
    assert titles(table.search_titles("moon")) == ["Moonrise"]
    assert table.search_titles("sky").items == []
    with pytest.raises(ValueError):
        table.search_titles("s")


def test_title_search_pages_with_a_cursor_bound_to_the_query(table):
    for number in range(1, 6):
        table.put_photo(make_photo(number, title=f"Sun {number}"))

    first = table.search_titles("sun", limit=2)
    second = table.search_titles("sun", cursor=first.next_cursor, limit=2)
    third = table.search_titles("sun", cursor=second.next_cursor, limit=2)

    assert titles(first) + titles(second) + titles(third) == [f"Sun {n}" for n in range(1, 6)]
    assert third.next_cursor is None
    with pytest.raises(InvalidCursor):
        table.search_titles("sun 5", cursor=first.next_cursor)
