"""gallery.storage.dynamodb.albums: the album partition, entries in order, memberships in the photo's
partition, and what photo edits and deletes do to albums; against moto over HTTP."""

import pytest

from gallery.domain.lists import ALL_ALBUMS, owner_albums_list
from gallery.domain.records import PRIVATE
from gallery.storage.dynamodb import (
    AlbumChanged,
    AlbumNotFound,
    AlreadyInAlbum,
    InvalidCursor,
    PhotoChanged,
    album_repository,
    photo_repository,
)
from gallery.tests.factories import make_album, make_photo


@pytest.fixture
def repository(aws):
    return album_repository()


@pytest.fixture
def album(repository):
    album = make_album(1)
    repository.create_album(album)
    return album


@pytest.fixture
def other(repository):
    album = make_album(2)
    repository.create_album(album)
    return album


@pytest.fixture
def photo_in_both(repository, album, other):
    """A photo in `album` and in `other`."""
    (photo,) = put_photos(1)
    add(repository, album, photo)
    add(repository, other, photo)
    return photo


def put_photos(*numbers, **fields):
    photos = [make_photo(number, **fields) for number in numbers]
    for photo in photos:
        photo_repository().put_photo(photo)
    return photos


def add(repository, album, *photos):
    for photo in photos:
        repository.add_photo(album, photo_repository().get_photo(photo.id))


def titles(repository, album_id, **options):
    return [card.title for card in repository.album_page(album_id, **options).items]


def placed(repository, photo, album):
    photo, memberships = repository.photo_memberships(photo.id)
    return photo, memberships[album.id]


def test_an_album_round_trips(repository, album):
    assert repository.get_album(album.id) == album
    assert repository.album_page(album.id).album == album


def test_an_unknown_album_is_not_found(repository):
    with pytest.raises(AlbumNotFound):
        repository.get_album("f" * 32)
    with pytest.raises(AlbumNotFound):
        repository.album_page("f" * 32)


def test_photos_keep_the_order_they_were_added_in(repository, album):
    photos = put_photos(3, 1, 2)
    add(repository, album, *photos)

    assert titles(repository, album.id) == ["Photo 3", "Photo 1", "Photo 2"]


def test_the_first_album_page_is_one_query_whatever_the_album_size(repository, album, dynamodb_calls):
    photos = put_photos(*range(1, 8))
    add(repository, album, *photos)

    dynamodb_calls.clear()
    first = repository.album_page(album.id, limit=3)
    assert dynamodb_calls == ["Query"]
    assert [card.title for card in first.items] == ["Photo 1", "Photo 2", "Photo 3"]

    dynamodb_calls.clear()
    second = repository.album_page(album.id, cursor=first.next_cursor, limit=3)
    assert dynamodb_calls == ["GetItem", "Query"]  # the album item apart, then the entries
    assert [card.title for card in second.items] == ["Photo 4", "Photo 5", "Photo 6"]
    assert second.album == album
    last = repository.album_page(album.id, cursor=second.next_cursor, limit=3)
    assert [card.title for card in last.items] == ["Photo 7"] and last.next_cursor is None


def test_a_cursor_of_another_album_or_list_is_refused(repository, album, other):
    add(repository, other, *put_photos(1, 2))
    cursor = repository.album_page(other.id, limit=1).next_cursor

    with pytest.raises(InvalidCursor):
        repository.album_page(album.id, cursor=cursor)
    photo_cursor = photo_repository().list_page("ALL", limit=1).next_cursor
    with pytest.raises(InvalidCursor):
        repository.album_page(other.id, cursor=photo_cursor)


def test_a_photo_can_be_in_many_albums_but_once_in_each(repository, album, other, photo_in_both):
    photo = photo_in_both
    assert titles(repository, album.id) == titles(repository, other.id) == ["Photo 1"]
    assert set(repository.photo_memberships(photo.id)[1]) == {album.id, other.id}
    with pytest.raises(AlreadyInAlbum):
        add(repository, album, photo)


def test_adding_after_a_stale_read_of_the_photo_fails(repository, album):
    (photo,) = put_photos(1)
    photo_repository().update_photo(photo.id, title="Renamed")

    with pytest.raises(PhotoChanged):
        repository.add_photo(album, photo)  # read before the rename
    assert titles(repository, album.id) == []


def test_moving_a_photo_writes_only_its_own_entry(repository, album, dynamodb_calls):
    photos = put_photos(1, 2, 3, 4)
    add(repository, album, *photos)
    photo, membership = placed(repository, photos[2], album)

    dynamodb_calls.clear()
    assert repository.move_photo(album, photo, membership, up=True)
    assert dynamodb_calls == ["Query", "TransactWriteItems"]
    assert titles(repository, album.id) == ["Photo 1", "Photo 3", "Photo 2", "Photo 4"]

    photo, membership = placed(repository, photos[2], album)
    assert repository.move_photo(album, photo, membership, up=True)
    assert titles(repository, album.id) == ["Photo 3", "Photo 1", "Photo 2", "Photo 4"]
    photo, membership = placed(repository, photos[2], album)
    assert not repository.move_photo(album, photo, membership, up=True)  # first already

    photo, membership = placed(repository, photos[0], album)
    assert repository.move_photo(album, photo, membership, up=False)
    photo, membership = placed(repository, photos[0], album)
    assert repository.move_photo(album, photo, membership, up=False)
    assert titles(repository, album.id) == ["Photo 3", "Photo 2", "Photo 4", "Photo 1"]
    photo, membership = placed(repository, photos[0], album)
    assert not repository.move_photo(album, photo, membership, up=False)


def test_editing_a_photo_updates_its_card_in_every_album(repository, album, other, photo_in_both):
    photo = photo_in_both
    photo_repository().update_photo(photo.id, title="Harbour", visibility=PRIVATE)

    for album_id in (album.id, other.id):
        (card,) = repository.album_page(album_id).items
        assert (card.title, card.visibility) == ("Harbour", PRIVATE)
    assert set(repository.photo_memberships(photo.id)[1]) == {album.id, other.id}  # memberships kept


def test_deleting_a_photo_removes_it_from_its_albums_and_clears_its_cover(repository, album, other, aws):
    kept, gone = put_photos(1, 2)
    add(repository, album, kept, gone)
    add(repository, other, gone)
    photo, membership = placed(repository, gone, album)
    repository.set_cover(repository.get_album(album.id), photo, membership)

    photo_repository().delete_photo(gone.id)

    assert titles(repository, album.id) == ["Photo 1"]
    assert titles(repository, other.id) == []
    assert repository.get_album(album.id).cover_photo_id == ""
    assert repository.get_album(album.id).cover_thumbnail_key == ""
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{gone.id}"]


def test_removing_a_photo_keeps_it_and_its_other_albums(repository, album, other, photo_in_both):
    photo = photo_in_both
    repository.remove_photo(album, *placed(repository, photo, album))

    assert titles(repository, album.id) == []
    assert titles(repository, other.id) == ["Photo 1"]
    assert photo_repository().get_photo(photo.id).title == "Photo 1"


def test_the_cover_moves_from_photo_to_photo(repository, album):
    first, second = put_photos(1, 2)
    add(repository, album, first, second)

    album = repository.set_cover(album, *placed(repository, first, album))
    assert album.cover_photo_id == first.id
    assert repository.get_album(album.id).cover_thumbnail_key == first.thumbnail_key
    album = repository.set_cover(
        album, *placed(repository, second, album), old_cover=placed(repository, first, album)
    )

    assert repository.get_album(album.id).cover_photo_id == second.id
    assert not placed(repository, first, album)[1].is_cover
    assert placed(repository, second, album)[1].is_cover
    [card] = repository.albums_page(ALL_ALBUMS).items
    assert card.cover_thumbnail_key == second.thumbnail_key


def test_album_lists_are_one_query_each(repository, dynamodb_calls):
    for number, owner in ((1, 1), (2, 2), (3, 1)):
        repository.create_album(make_album(number, owner_id=owner))

    dynamodb_calls.clear()
    mine = repository.albums_page(owner_albums_list(1))
    everyone = repository.albums_page(ALL_ALBUMS)

    assert dynamodb_calls == ["Query", "Query"]
    assert [album.title for album in mine.items] == ["Album 3", "Album 1"]
    assert [album.title for album in everyone.items] == ["Album 3", "Album 2", "Album 1"]
    assert all(album.share_token == "" for album in everyone.items)  # the admin's cards hold none


def test_saving_an_album_is_conditional_on_the_revision_read(repository, album):
    saved = repository.save_album(album, title="Summer")

    assert repository.get_album(album.id).title == "Summer"
    assert [a.title for a in repository.albums_page(ALL_ALBUMS).items] == ["Summer"]
    with pytest.raises(AlbumChanged):
        repository.save_album(album, title="Stale")
    assert saved.revision == album.revision + 1


def test_deleting_an_album_keeps_its_photos_and_clears_their_memberships(repository, album, aws, monkeypatch):
    # Two pairs per transaction, so that five photos take several (moto copies the whole repository
    # for each transaction action: real sizes would make the test crawl).
    monkeypatch.setattr("gallery.storage.dynamodb.albums._DELETE_PAIRS", 2)
    photos = put_photos(*range(1, 6))
    add(repository, album, *photos)
    photo, membership = placed(repository, photos[0], album)
    album = repository.set_cover(album, photo, membership)

    repository.delete_album(album)

    with pytest.raises(AlbumNotFound):
        repository.get_album(album.id)
    assert not [item for item in aws.table_items() if item["pk"] == f"ALBUM#{album.id}"]
    assert all(not repository.photo_memberships(photo.id)[1] for photo in photos)
    assert photo_repository().get_photo(photos[0].id).title == "Photo 1"
    photo_repository().delete_photo(photos[0].id)  # its cover mark went with the album


def test_album_and_photo_come_in_one_request(repository, album, dynamodb_calls):
    inside, outside = put_photos(1, 2)
    add(repository, album, inside)

    dynamodb_calls.clear()
    found_album, photo, membership = repository.album_and_photo(album.id, inside.id)
    assert dynamodb_calls == ["BatchGetItem"]
    assert (found_album.id, photo.id, membership.album_id) == (album.id, inside.id, album.id)
    assert repository.album_and_photo(album.id, outside.id)[2] is None
    assert repository.album_and_photo(album.id, "e" * 32)[1] is None
