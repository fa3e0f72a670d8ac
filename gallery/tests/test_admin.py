"""Photos in the Django admin: list, filters, change form, single and bulk delete, user counts."""

import pytest
from django.test import Client

from gallery.services import albums, photos
from gallery.storage import dynamodb
from gallery.tests.factories import admin_client_for
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

LIST = "/admin/gallery/photorecord/"


@pytest.fixture
def admin_client(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "a long river stone")
    return admin_client_for(admin)


def test_photo_list_is_newest_first_with_thumbnails_and_private_photos(aws, admin_client, user, bob):
    older = publish(user, title="Older harbour", tags="sea")
    publish(bob, title="Newer forest", tags="trees", visibility="private")

    page = admin_client.get(LIST).content.decode()

    assert page.index("Newer forest") < page.index("Older harbour")
    assert f"/photos/{older.id}/thumb.jpg?" in page
    assert 'href="/admin/gallery/photorecord/"' in admin_client.get("/admin/").content.decode()


def test_photo_list_filters_by_owner_and_tag(aws, admin_client, user, bob):
    publish(user, title="Harbour", tags="sea")
    publish(bob, title="Forest", tags="trees")

    by_owner = admin_client.get(f"{LIST}?owner=bob").content.decode()
    by_tag = admin_client.get(f"{LIST}?tag=sea").content.decode()

    assert "Forest" in by_owner and "Harbour" not in by_owner
    assert "Harbour" in by_tag and "Forest" not in by_tag


def test_change_form_edits_metadata(aws, admin_client, user):
    photo = publish(user, title="Harbour", tags="sea")

    assert 'value="Harbour"' in admin_client.get(f"{LIST}{photo.id}/change/").content.decode()
    response = admin_client.post(
        f"{LIST}{photo.id}/change/",
        {"title": "Harbour at night", "tags": "night", "visibility": "public", "revision": 0},
    )

    assert response.status_code == 302
    assert dynamodb.photo_repository().get_photo(photo.id).tags == ["night"]
    assert "Harbour at night" in Client().get("/tags/night/").content.decode()


def test_single_delete_asks_then_removes_objects_and_items(aws, admin_client, user):
    kept, photo = publish(user, title="Kept"), publish(user, title="Gone")

    confirmation = admin_client.get(f"{LIST}{photo.id}/delete/")
    assert "Gone" in confirmation.content.decode()
    assert len(aws.object_keys()) == len(kept.object_keys) + len(photo.object_keys)
    admin_client.post(LIST, {"selected": [photo.id], "confirm": "yes"})

    assert aws.object_keys() == sorted(kept.object_keys)
    with pytest.raises(dynamodb.PhotoNotFound):
        dynamodb.photo_repository().get_photo(photo.id)


def test_bulk_delete_removes_the_selected_photos(aws, admin_client, user, bob):
    first, second, kept = publish(user, title="One"), publish(bob, title="Two"), publish(user, title="Kept")

    confirmation = admin_client.post(LIST, {"selected": [first.id, second.id]}).content.decode()
    assert "One" in confirmation and "Two" in confirmation
    assert len(aws.object_keys()) == sum(len(p.object_keys) for p in (first, second, kept))
    response = admin_client.post(LIST, {"selected": [first.id, second.id], "confirm": "yes"}, follow=True)

    assert "Deleted 2 photos." in response.content.decode()
    assert aws.object_keys() == sorted(kept.object_keys)
    assert dynamodb.photo_repository().photo_counts([user.pk, bob.pk]) == {user.pk: 1, bob.pk: 0}


def test_only_staff_with_permissions_get_in(aws, user, django_user_model):
    photo = publish(user)
    member = Client()
    member.force_login(user)
    staff = admin_client_for(django_user_model.objects.create_user("clerk", password="x" * 12, is_staff=True))

    assert member.get(LIST).status_code == 302  # to the admin login
    assert staff.get(LIST).status_code == 403  # staff without the photo permissions
    assert staff.post(LIST, {"selected": [photo.id], "confirm": "yes"}).status_code == 403
    assert aws.object_keys() == sorted(photo.object_keys)


def test_user_list_shows_photo_counts_linking_to_their_photos(aws, admin_client, user, bob):
    publish(user)
    publish(user, visibility="private")

    page = admin_client.get("/admin/auth/user/").content.decode()

    assert '<a href="/admin/gallery/photorecord/?owner=alice">2 photos</a>' in page
    assert '<a href="/admin/gallery/photorecord/?owner=bob">0 photos</a>' in page


def test_change_page_shows_the_favourite_count(aws, admin_client, user, bob):
    photo = publish(user, title="Harbour")
    dynamodb.photo_repository().add_favorite(photo, bob.pk)
    dynamodb.photo_repository().add_favorite(photo, user.pk)

    page = admin_client.get(f"{LIST}{photo.id}/change/").content.decode()

    assert '<span class="favorite-count">2 favourites</span>' in page


# --- albums -------------------------------------------------------------------------------------
ALBUMS = "/admin/gallery/albumrecord/"


def test_albums_are_listed_for_staff_private_ones_included_and_deleted_keeping_photos(
    aws, admin_client, user, bob, dynamodb_calls
):
    photo = publish(user, title="Harbour")
    album = albums.create(user, title="Secret summer", visibility="private")
    albums.add_photo(user, album, photo.id)
    albums.set_cover(albums.visible(user, album.id), photo.id)
    albums.create(bob, title="Bob's walks", visibility="public")

    dynamodb_calls.clear()
    page = admin_client.get(ALBUMS).content.decode()
    assert dynamodb_calls == ["Query"]
    assert page.index("Bob&#x27;s walks") < page.index("Secret summer")
    assert f"/photos/{photo.id}/thumb.jpg?" in page  # the cover
    assert 'href="/admin/gallery/albumrecord/"' in admin_client.get("/admin/").content.decode()

    assert "Its photos stay." in admin_client.get(f"{ALBUMS}{album.id}/delete/").content.decode()
    response = admin_client.post(f"{ALBUMS}{album.id}/delete/")
    assert response["Location"] == ALBUMS
    listing = admin_client.get(ALBUMS).content.decode()
    assert "Deleted the album “Secret summer”" in listing and "<td>Secret summer</td>" not in listing
    assert photos.visible(user, photo.id).title == "Harbour"


def test_the_album_admin_is_for_staff_only(aws, client, user):
    client.force_login(user)

    assert client.get(ALBUMS).status_code == 302  # to the admin's login
    assert client.post(f"{ALBUMS}{'a' * 32}/delete/").status_code == 302
