"""gallery.services.albums, the use cases: who sees an album and which of its photos, share links, adds
and removes, reorder, cover, delete; against moto over HTTP."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gallery.domain.access import AlbumChangeNotAllowed, AlbumHidden, ChangeNotAllowed, PhotoHidden
from gallery.domain.lists import MAX_ALBUMS_PER_PHOTO
from gallery.domain.records import PRIVATE, PUBLIC, UNLISTED
from gallery.services import albums, photos
from gallery.storage.dynamodb import AlbumNotFound, AlreadyInAlbum, NotInAlbum, photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()


@pytest.fixture
def own_photos(aws, user):
    made = [
        make_photo(number, owner_id=user.pk, visibility=visibility)
        for number, visibility in (
            (1, PUBLIC),
            (2, PRIVATE),
            (3, PUBLIC),
        )
    ]
    for photo in made:
        photo_repository().put_photo(photo)
    return made


def titles(album_page):
    return [card.title for card in album_page.items]


def album_with(user, photos_, visibility):
    album = albums.create(user, title="Harbour", visibility=visibility)
    for photo in photos_:
        albums.add_photo(user, album, photo.id)
    return album


def test_the_owner_sees_every_photo_others_only_the_public_ones_of_a_public_album(user, bob, own_photos):
    album = album_with(user, own_photos, PUBLIC)

    assert titles(albums.page(user, album.id)) == ["Photo 1", "Photo 2", "Photo 3"]
    assert titles(albums.page(bob, album.id)) == ["Photo 1", "Photo 3"]
    assert titles(albums.page(ANONYMOUS, album.id)) == ["Photo 1", "Photo 3"]


@pytest.mark.parametrize("visibility", [PRIVATE, UNLISTED])
def test_private_and_unlisted_albums_are_hidden_at_their_own_url(user, bob, own_photos, visibility):
    album = album_with(user, own_photos[:1], visibility)

    for viewer in (bob, ANONYMOUS):
        with pytest.raises(AlbumHidden):
            albums.page(viewer, album.id)
        with pytest.raises(AlbumHidden):
            albums.changeable(viewer, album.id)
    assert titles(albums.page(user, album.id)) == ["Photo 1"]


def test_the_share_link_shows_every_photo_private_ones_included(user, own_photos):
    album = album_with(user, own_photos, UNLISTED)

    shared = albums.page(ANONYMOUS, album.id, token=album.share_token)
    assert titles(shared) == ["Photo 1", "Photo 2", "Photo 3"]
    found_album, photo = albums.shared_photo(ANONYMOUS, album.id, album.share_token, own_photos[1].id)
    assert (found_album.id, photo.visibility) == (album.id, PRIVATE)
    with pytest.raises(PhotoHidden):  # its own page still hides it
        photos.visible(ANONYMOUS, own_photos[1].id)


def test_a_new_share_link_kills_the_old_one_at_once(user, own_photos):
    album = album_with(user, own_photos[:1], UNLISTED)
    old_token = album.share_token

    album = albums.new_share_link(album)

    assert album.share_token != old_token and len(album.share_token) >= 40
    with pytest.raises(AlbumHidden):
        albums.page(ANONYMOUS, album.id, token=old_token)
    with pytest.raises(AlbumHidden):
        albums.shared_photo(ANONYMOUS, album.id, old_token, own_photos[0].id)
    assert titles(albums.page(ANONYMOUS, album.id, token=album.share_token)) == ["Photo 1"]


def test_a_share_link_works_only_while_the_album_is_unlisted(user, own_photos):
    album = album_with(user, own_photos[:1], UNLISTED)
    token = album.share_token

    album = albums.edit(album, visibility=PRIVATE)
    assert album.share_token == ""
    with pytest.raises(AlbumHidden):
        albums.page(ANONYMOUS, album.id, token=token)

    album = albums.edit(album, visibility=UNLISTED)  # back: a new link, not the old one
    assert album.share_token not in ("", token)
    with pytest.raises(AlbumHidden):
        albums.page(ANONYMOUS, album.id, token=token)
    with pytest.raises(albums.AlbumRefused):
        albums.new_share_link(albums.edit(album, visibility=PUBLIC))


def test_a_photo_outside_the_album_is_not_shared_through_its_link(user, own_photos):
    album = album_with(user, own_photos[:1], UNLISTED)

    with pytest.raises(NotInAlbum):
        albums.shared_photo(ANONYMOUS, album.id, album.share_token, own_photos[1].id)


def test_only_ones_own_photos_go_into_ones_albums(user, bob, own_photos):
    bobs = make_photo(9, owner_id=bob.pk)
    photo_repository().put_photo(bobs)
    album = albums.create(user, title="Mine")

    with pytest.raises(ChangeNotAllowed):
        albums.add_photo(user, album, bobs.id)
    with pytest.raises(PhotoHidden):  # bob's private photo stays unknown
        bobs_private = make_photo(10, owner_id=bob.pk, visibility=PRIVATE)
        photo_repository().put_photo(bobs_private)
        albums.add_photo(user, album, bobs_private.id)


def test_only_the_owner_changes_an_album(user, bob, own_photos):
    album = album_with(user, own_photos[:1], PUBLIC)

    with pytest.raises(AlbumChangeNotAllowed):
        albums.changeable(bob, album.id)
    assert albums.changeable(user, album.id) == albums.visible(user, album.id)


def test_a_photo_is_in_an_album_once_and_in_a_limited_number_of_albums(user, own_photos, settings):
    photo = own_photos[0]
    first = album_with(user, [photo], PRIVATE)
    with pytest.raises(AlreadyInAlbum):
        albums.add_photo(user, first, photo.id)
    for number in range(MAX_ALBUMS_PER_PHOTO - 1):
        albums.add_photo(user, albums.create(user, title=f"More {number}"), photo.id)

    with pytest.raises(albums.AlbumRefused, match="at most"):
        albums.add_photo(user, albums.create(user, title="One too many"), photo.id)


def test_reorder_remove_cover_and_delete(user, own_photos):
    album = album_with(user, own_photos, PRIVATE)

    assert albums.move(album, own_photos[2].id, up=True)
    assert titles(albums.page(user, album.id)) == ["Photo 1", "Photo 3", "Photo 2"]
    assert not albums.move(album, own_photos[0].id, up=True)

    album = albums.set_cover(album, own_photos[1].id)
    album = albums.set_cover(album, own_photos[0].id)
    assert album.cover_photo_id == own_photos[0].id

    albums.remove_photo(album, own_photos[0].id)
    assert titles(albums.page(user, album.id)) == ["Photo 3", "Photo 2"]
    assert albums.visible(user, album.id).cover_photo_id == ""  # the cover left with its photo
    with pytest.raises(NotInAlbum):
        albums.remove_photo(album, own_photos[0].id)

    albums.delete(albums.visible(user, album.id))
    with pytest.raises(AlbumNotFound):
        albums.visible(user, album.id)
    assert photos.visible(user, own_photos[1].id).title == "Photo 2"  # photos stay


def test_deleting_a_photo_takes_it_out_of_its_albums(user, own_photos):
    album = album_with(user, own_photos, PUBLIC)
    album = albums.set_cover(album, own_photos[0].id)

    photos.delete(own_photos[0].id)

    assert titles(albums.page(user, album.id)) == ["Photo 2", "Photo 3"]
    assert albums.visible(user, album.id).cover_photo_id == ""


def test_a_photo_turning_private_leaves_the_public_view_of_its_album(user, bob, own_photos):
    album = album_with(user, own_photos[:1], PUBLIC)

    photos.edit(photos.visible(user, own_photos[0].id), visibility=PRIVATE)

    assert titles(albums.page(bob, album.id)) == []
    assert titles(albums.page(user, album.id)) == ["Photo 1"]


def test_my_albums_lists_mine_only(user, bob, aws):
    albums.create(user, title="One")
    albums.create(bob, title="Bob's")
    albums.create(user, title="Two")

    assert [album.title for album in albums.albums_of(user).items] == ["Two", "One"]
