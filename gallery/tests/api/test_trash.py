"""/api/trash/ (gallery.api.trash): DELETE /api/photos/<id>/ puts a photo in the trash; the
trash lists newest trashed first with trashed_at and purge_after; restore answers the photo;
DELETE /api/trash/<id>/ and POST /api/trash/empty/ delete for good."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.services import albums, photos
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def test_trash_lists_and_restore_answers_the_photo_back_in_its_album(aws, user, bob, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 1
    api = token_client(user)
    older, newer = publish(user, title="Older", tags="sea"), publish(user, title="Newer")
    album = albums.create(user, title="Trip")
    albums.add_photo(user, album, older.id)
    photos.favorite(bob, older)
    for photo in (older, newer):
        assert api.delete(f"/api/photos/{photo.id}/").status_code == 204

    first = api.get("/api/trash/").json()
    second = api.get(first["next"]).json()

    assert [item["title"] for item in first["results"] + second["results"]] == ["Newer", "Older"]
    assert second["next"] is None
    item = second["results"][0]
    assert item["trashed_at"] < item["purge_after"] and item["id"] == older.id
    intruder = token_client(bob)
    assert intruder.get("/api/trash/").json()["results"] == []
    assert intruder.post(f"/api/trash/{older.id}/restore/").status_code == 404

    response = api.post(f"/api/trash/{older.id}/restore/")

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["tags"], body["favorite_count"]) == ("Older", ["sea"], 1)
    assert response["ETag"] == f'"{body["revision"]}"'
    assert [card.id for card in albums.page(user, album.id).items] == [older.id]
    assert Client().get(f"/api/photos/{older.id}/").status_code == 200
    again = api.post(f"/api/trash/{older.id}/restore/")
    assert again.status_code == 404 and again.json() == {"error": "This photo is not in your trash."}


def test_delete_forever_and_empty_remove_the_files(aws, user):
    api = token_client(user)
    one, two, kept = (publish(user, title=title) for title in ("One", "Two", "Kept"))
    for photo in (one, two):
        api.delete(f"/api/photos/{photo.id}/")

    assert api.delete(f"/api/trash/{kept.id}/").status_code == 404  # not in the trash
    assert api.delete(f"/api/trash/{one.id}/").status_code == 204
    assert api.post("/api/trash/empty/").json() == {"deleted": 1}

    assert api.get("/api/trash/").json()["results"] == []
    assert aws.object_keys() == sorted(kept.object_keys)


def test_the_trash_needs_a_caller(aws, user):
    assert Client().get("/api/trash/").status_code == 401
    assert Client().post("/api/trash/empty/").status_code == 401
