"""/api/photos/<id>/favorite/: POST and DELETE, idempotent; the photo's JSON counts them."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.tests.factories import full_camera_exif, image_bytes, upload
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


@pytest.fixture
def photo(aws, user):
    return publish(user, title="Harbour at dusk")


def test_favouriting_is_idempotent_both_ways_and_shows_in_the_photos_json(photo, bob):
    api = token_client(bob)
    url = f"/api/photos/{photo.id}/favorite/"

    first, again = api.post(url), api.post(url)

    assert first.status_code == again.status_code == 200
    assert again.json() == {"favorited": True, "favorite_count": 1}
    body = api.get(f"/api/photos/{photo.id}/").json()
    assert (body["favorite_count"], body["favorited"]) == (1, True)
    assert Client().get(f"/api/photos/{photo.id}/").json()["favorited"] is False  # anonymous

    assert api.delete(url).json() == {"favorited": False, "favorite_count": 0}
    assert api.delete(url).json() == {"favorited": False, "favorite_count": 0}


def test_a_new_photo_has_no_favourites(aws, user):
    response = token_client(user).post("/api/photos/", {"title": "New", "image": upload()})

    assert (response.json()["favorite_count"], response.json()["favorited"]) == (0, False)


def test_favouriting_needs_a_signed_in_user(photo):
    response = Client().post(f"/api/photos/{photo.id}/favorite/")

    assert response.status_code == 401


def test_someone_elses_private_photo_cannot_be_favourited(aws, user, bob):
    hidden = publish(user, title="Hidden", visibility="private")

    response = token_client(bob).post(f"/api/photos/{hidden.id}/favorite/")

    assert response.status_code == 404
    assert response.json() == {"error": "No such photo."}


def test_a_session_write_needs_the_csrf_token(photo, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    response = client.post(f"/api/photos/{photo.id}/favorite/")

    assert response.status_code == 403


def test_other_methods_are_refused(photo, bob):
    assert token_client(bob).get(f"/api/photos/{photo.id}/favorite/").status_code == 405


def test_the_photos_json_names_the_shot_facts_and_never_the_location(aws, user):
    shot = publish(user, title="Shot", data=image_bytes(size=(120, 80), exif=full_camera_exif(gps=True)))

    body = token_client(user).get(f"/api/photos/{shot.id}/").json()

    facts = ("camera", "lens", "exposure", "aperture", "focal_length", "iso")
    assert {name: body[name] for name in facts} == {
        "camera": "Canon EOS R6",
        "lens": "Canon RF35mm F1.8 MACRO IS STM",
        "exposure": "1/250 s",
        "aperture": "f/2.8",
        "focal_length": "35 mm",
        "iso": 400,
    }
    assert not {"gps", "location", "latitude"} & set(body)
