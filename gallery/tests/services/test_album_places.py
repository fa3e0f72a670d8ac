"""gallery.services.album_places: stepping through an album from a photo's page, in album order,
with only what the viewer sees in the album; within a share link, only that link's album."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gallery.domain.records import PRIVATE, PUBLIC, UNLISTED
from gallery.services import album_places, albums, navigation
from gallery.storage.dynamodb import NotInAlbum, album_steps, photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()


@pytest.fixture
def own_photos(aws, user):
    made = [
        make_photo(1, owner_id=user.pk, visibility=PUBLIC),
        make_photo(2, owner_id=user.pk, visibility=PRIVATE),
        make_photo(3, owner_id=user.pk, visibility=PUBLIC),
        make_photo(4, owner_id=user.pk, visibility=PUBLIC),
    ]
    for photo in made:
        photo_repository().put_photo(photo)
    return made


def album_with(user, photos_, visibility=PUBLIC, title="Harbour"):
    album = albums.create(user, title=title, visibility=visibility)
    for photo in photos_:
        albums.add_photo(user, album, photo.id)
    return albums.visible(user, album.id)


def steps(viewer, album, photo):
    place = navigation.place(navigation.token(navigation.ALBUM, album.id), viewer, photo)
    if place is None:
        return None
    return tuple(card.title if card else None for card in (place.previous, place.next))


def test_the_owner_steps_through_every_photo_in_album_order(user, own_photos):
    # Added out of upload order: the album's order is the one that counts.
    album = album_with(user, [own_photos[2], own_photos[0], own_photos[1], own_photos[3]])

    assert steps(user, album, own_photos[2]) == (None, "Photo 1")
    assert steps(user, album, own_photos[0]) == ("Photo 3", "Photo 2")
    assert steps(user, album, own_photos[1]) == ("Photo 1", "Photo 4")
    assert steps(user, album, own_photos[3]) == ("Photo 2", None)

    albums.move(album, own_photos[3].id, up=True)  # now 3, 1, 4, 2
    assert steps(user, album, own_photos[3]) == ("Photo 1", "Photo 2")


@pytest.mark.parametrize("viewer", ["bob", "anonymous"])
def test_others_step_over_the_private_photos_of_a_public_album(user, bob, own_photos, viewer):
    album = album_with(user, own_photos)
    other = bob if viewer == "bob" else ANONYMOUS

    assert steps(other, album, own_photos[0]) == (None, "Photo 3")
    assert steps(other, album, own_photos[2]) == ("Photo 1", "Photo 4")


def test_past_a_long_run_of_hidden_photos(user, bob, own_photos, monkeypatch):
    monkeypatch.setattr(album_steps, "STEP_QUERY_LIMIT", 1)  # a Query page per entry
    hidden = [make_photo(10 + number, owner_id=user.pk, visibility=PRIVATE) for number in range(3)]
    for photo in hidden:
        photo_repository().put_photo(photo)
    album = album_with(user, [own_photos[0], *hidden, own_photos[2]])

    assert steps(bob, album, own_photos[0]) == (None, "Photo 3")
    assert steps(bob, album, own_photos[2]) == ("Photo 1", None)
    assert steps(user, album, own_photos[0]) == (None, "Photo 10")


def test_no_steps_from_an_album_the_viewer_may_not_see_or_the_photo_is_not_in(user, bob, own_photos):
    private = album_with(user, own_photos[:2], visibility=PRIVATE)
    other = album_with(user, own_photos[2:], title="Other")

    assert steps(bob, private, own_photos[0]) is None  # its existence is not revealed
    assert steps(user, private, own_photos[0]) == (None, "Photo 2")
    assert steps(user, other, own_photos[0]) is None  # not in that album
    for token in ("album:", "album:nonsense", "album:" + "0" * 32, "album:" + "f" * 33):
        assert navigation.place(token, user, own_photos[0]) is None


def test_the_owners_links_stay_in_the_album(user, own_photos):
    album = album_with(user, own_photos)

    place = navigation.place(f"album:{album.id}", user, own_photos[1])

    assert place.source.url == f"/albums/{album.id}/"
    assert place.previous_url == f"/photos/{own_photos[0].id}/?from=album:{album.id}"
    assert place.next_url == f"/photos/{own_photos[2].id}/?from=album:{album.id}"


def test_a_share_link_steps_only_through_its_own_album_and_pages(user, own_photos):
    shared = album_with(user, own_photos[:3], visibility=UNLISTED)
    # The middle photo is in another album too, with other neighbours.
    album_with(user, [own_photos[3], own_photos[1]], title="Elsewhere")
    base = f"/albums/{shared.id}/s/{shared.share_token}/"

    token = shared.share_token
    album, photo, place = album_places.shared_photo(ANONYMOUS, shared.id, token, own_photos[1].id)

    assert (album.id, photo.id) == (shared.id, own_photos[1].id)
    assert (place.previous.id, place.next.id) == (own_photos[0].id, own_photos[2].id)
    assert place.previous_url == f"{base}photos/{own_photos[0].id}/"  # the private photo's page is the link's
    assert place.next_url == f"{base}photos/{own_photos[2].id}/"
    assert place.source.url == base
    _album, _photo, last = album_places.shared_photo(ANONYMOUS, shared.id, token, own_photos[2].id)
    assert last.next is None  # the end of this album, not the next one's photos
    with pytest.raises(NotInAlbum):
        album_places.shared_photo(ANONYMOUS, shared.id, token, own_photos[3].id)
