"""gallery.storage.dynamodb.albums: the album partition, entries in order, memberships in the photo's
partition, and what photo edits and deletes do to albums; against moto over HTTP."""

import pytest

from gallery.domain.catalog import ALL_ALBUMS, PRIVATE, owner_albums_list
from gallery.storage.dynamodb import (
    AlbumChanged,
    AlbumNotFound,
    AlreadyInAlbum,
    InvalidCursor,
    PhotoChanged,
    album_table,
    photo_table,
)
from gallery.tests.factories import make_album, make_photo


@pytest.fixture
def table(aws):
    return album_table()


@pytest.fixture
def album(table):
    album = make_album(1)
    table.create_album(album)
    return album


@pytest.fixture
def other(table):
    album = make_album(2)
    table.create_album(album)
    return album


@pytest.fixture
def photo_in_both(table, album, other):
    """A photo in `album` and in `other`."""
    (photo,) = put_photos(1)
    add(table, album, photo)
    add(table, other, photo)
    return photo


def put_photos(*numbers, **fields):
    photos = [make_photo(number, **fields) for number in numbers]
    for photo in photos:
        photo_table().put_photo(photo)
    return photos


def add(table, album, *photos):
    for photo in photos:
        table.add_photo(album, photo_table().get_photo(photo.id))


def titles(table, album_id, **options):
    return [card.title for card in table.album_page(album_id, **options).items]


def placed(table, photo, album):
    photo, memberships = table.photo_memberships(photo.id)
    return photo, memberships[album.id]


def test_an_album_round_trips(table, album):
    assert table.get_album(album.id) == album
    assert table.album_page(album.id).album == album


def test_an_unknown_album_is_not_found(table):
    with pytest.raises(AlbumNotFound):
        table.get_album("f" * 32)
    with pytest.raises(AlbumNotFound):
        table.album_page("f" * 32)


def test_photos_keep_the_order_they_were_added_in(table, album):
    photos = put_photos(3, 1, 2)
    add(table, album, *photos)

    assert titles(table, album.id) == ["Photo 3", "Photo 1", "Photo 2"]


def test_the_first_album_page_is_one_query_whatever_the_album_size(table, album, dynamodb_calls):
    photos = put_photos(*range(1, 8))
    add(table, album, *photos)

    dynamodb_calls.clear()
    first = table.album_page(album.id, limit=3)
    assert dynamodb_calls == ["Query"]
    assert [card.title for card in first.items] == ["Photo 1", "Photo 2", "Photo 3"]

    dynamodb_calls.clear()
    second = table.album_page(album.id, cursor=first.next_cursor, limit=3)
    assert dynamodb_calls == ["GetItem", "Query"]  # the album item apart, then the entries
    assert [card.title for card in second.items] == ["Photo 4", "Photo 5", "Photo 6"]
    assert second.album == album
    last = table.album_page(album.id, cursor=second.next_cursor, limit=3)
    assert [card.title for card in last.items] == ["Photo 7"] and last.next_cursor is None


def test_a_cursor_of_another_album_or_list_is_refused(table, album, other):
    add(table, other, *put_photos(1, 2))
    cursor = table.album_page(other.id, limit=1).next_cursor

    with pytest.raises(InvalidCursor):
        table.album_page(album.id, cursor=cursor)
    photo_cursor = photo_table().list_page("ALL", limit=1).next_cursor
    with pytest.raises(InvalidCursor):
        table.album_page(other.id, cursor=photo_cursor)


def test_a_photo_can_be_in_many_albums_but_once_in_each(table, album, other, photo_in_both):
    photo = photo_in_both
    assert titles(table, album.id) == titles(table, other.id) == ["Photo 1"]
    assert set(table.photo_memberships(photo.id)[1]) == {album.id, other.id}
    with pytest.raises(AlreadyInAlbum):
        add(table, album, photo)


def test_adding_after_a_stale_read_of_the_photo_fails(table, album):
    (photo,) = put_photos(1)
    photo_table().update_photo(photo.id, title="Renamed")

    with pytest.raises(PhotoChanged):
        table.add_photo(album, photo)  # read before the rename
    assert titles(table, album.id) == []


def test_moving_a_photo_writes_only_its_own_entry(table, album, dynamodb_calls):
    photos = put_photos(1, 2, 3, 4)
    add(table, album, *photos)
    photo, membership = placed(table, photos[2], album)

    dynamodb_calls.clear()
    assert table.move_photo(album, photo, membership, up=True)
    assert dynamodb_calls == ["Query", "TransactWriteItems"]
    assert titles(table, album.id) == ["Photo 1", "Photo 3", "Photo 2", "Photo 4"]

    photo, membership = placed(table, photos[2], album)
    assert table.move_photo(album, photo, membership, up=True)
    assert titles(table, album.id) == ["Photo 3", "Photo 1", "Photo 2", "Photo 4"]
    photo, membership = placed(table, photos[2], album)
    assert not table.move_photo(album, photo, membership, up=True)  # first already

    photo, membership = placed(table, photos[0], album)
    assert table.move_photo(album, photo, membership, up=False)
    photo, membership = placed(table, photos[0], album)
    assert table.move_photo(album, photo, membership, up=False)
    assert titles(table, album.id) == ["Photo 3", "Photo 2", "Photo 4", "Photo 1"]
    photo, membership = placed(table, photos[0], album)
    assert not table.move_photo(album, photo, membership, up=False)


def test_editing_a_photo_updates_its_card_in_every_album(table, album, other, photo_in_both):
    photo = photo_in_both
    photo_table().update_photo(photo.id, title="Harbour", visibility=PRIVATE)

    for album_id in (album.id, other.id):
        (card,) = table.album_page(album_id).items
        assert (card.title, card.visibility) == ("Harbour", PRIVATE)
    assert set(table.photo_memberships(photo.id)[1]) == {album.id, other.id}  # memberships kept


def test_deleting_a_photo_removes_it_from_its_albums_and_clears_its_cover(table, album, other, aws):
    kept, gone = put_photos(1, 2)
    add(table, album, kept, gone)
    add(table, other, gone)
    photo, membership = placed(table, gone, album)
    table.set_cover(table.get_album(album.id), photo, membership)

    photo_table().delete_photo(gone.id)

    assert titles(table, album.id) == ["Photo 1"]
    assert titles(table, other.id) == []
    assert table.get_album(album.id).cover_photo_id == ""
    assert table.get_album(album.id).cover_thumbnail_key == ""
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{gone.id}"]


def test_removing_a_photo_keeps_it_and_its_other_albums(table, album, other, photo_in_both):
    photo = photo_in_both
    table.remove_photo(album, *placed(table, photo, album))

    assert titles(table, album.id) == []
    assert titles(table, other.id) == ["Photo 1"]
    assert photo_table().get_photo(photo.id).title == "Photo 1"


def test_the_cover_moves_from_photo_to_photo(table, album):
    first, second = put_photos(1, 2)
    add(table, album, first, second)

    album = table.set_cover(album, *placed(table, first, album))
    assert album.cover_photo_id == first.id
    assert table.get_album(album.id).cover_thumbnail_key == first.thumbnail_key
    album = table.set_cover(album, *placed(table, second, album), old_cover=placed(table, first, album))

    assert table.get_album(album.id).cover_photo_id == second.id
    assert not placed(table, first, album)[1].is_cover
    assert placed(table, second, album)[1].is_cover
    [card] = table.albums_page(ALL_ALBUMS).items
    assert card.cover_thumbnail_key == second.thumbnail_key


def test_album_lists_are_one_query_each(table, dynamodb_calls):
    for number, owner in ((1, 1), (2, 2), (3, 1)):
        table.create_album(make_album(number, owner_id=owner))

    dynamodb_calls.clear()
    mine = table.albums_page(owner_albums_list(1))
    everyone = table.albums_page(ALL_ALBUMS)

    assert dynamodb_calls == ["Query", "Query"]
    assert [album.title for album in mine.items] == ["Album 3", "Album 1"]
    assert [album.title for album in everyone.items] == ["Album 3", "Album 2", "Album 1"]
    assert all(album.share_token == "" for album in everyone.items)  # the admin's cards hold none


def test_saving_an_album_is_conditional_on_the_revision_read(table, album):
    saved = table.save_album(album, title="Summer")

    assert table.get_album(album.id).title == "Summer"
    assert [a.title for a in table.albums_page(ALL_ALBUMS).items] == ["Summer"]
    with pytest.raises(AlbumChanged):
        table.save_album(album, title="Stale")
    assert saved.revision == album.revision + 1


def test_deleting_an_album_keeps_its_photos_and_clears_their_memberships(table, album, aws, monkeypatch):
    # Two pairs per transaction, so that five photos take several (moto copies the whole table
    # for each transaction action: real sizes would make the test crawl).
    monkeypatch.setattr("gallery.storage.dynamodb.albums._DELETE_PAIRS", 2)
    photos = put_photos(*range(1, 6))
    add(table, album, *photos)
    photo, membership = placed(table, photos[0], album)
    album = table.set_cover(album, photo, membership)

    table.delete_album(album)

    with pytest.raises(AlbumNotFound):
        table.get_album(album.id)
    assert not [item for item in aws.table_items() if item["pk"] == f"ALBUM#{album.id}"]
    assert all(not table.photo_memberships(photo.id)[1] for photo in photos)
    assert photo_table().get_photo(photos[0].id).title == "Photo 1"
    photo_table().delete_photo(photos[0].id)  # its cover mark went with the album


def test_album_and_photo_come_in_one_request(table, album, dynamodb_calls):
    inside, outside = put_photos(1, 2)
    add(table, album, inside)

    dynamodb_calls.clear()
    found_album, photo, membership = table.album_and_photo(album.id, inside.id)
    assert dynamodb_calls == ["BatchGetItem"]
    assert (found_album.id, photo.id, membership.album_id) == (album.id, inside.id, album.id)
    assert table.album_and_photo(album.id, outside.id)[2] is None
    assert table.album_and_photo(album.id, "e" * 32)[1] is None
