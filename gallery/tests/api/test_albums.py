"""The album resources of the JSON API (gallery.api.albums): create, read in order, add and
remove photos, new share links, delete; errors as JSON; moto over HTTP."""

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.domain.records import PRIVATE
from gallery.services import albums
from gallery.storage.dynamodb import photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def own_photos(aws, user):
    made = [
        make_photo(1, owner_id=user.pk, title="Harbour"),
        make_photo(2, owner_id=user.pk, title="Secret cove", visibility=PRIVATE),
    ]
    for photo in made:
        photo_repository().put_photo(photo)
    return made


def test_creating_an_unlisted_album_returns_its_share_url(user, aws):
    response = post(
        token_client(user),
        "/api/albums/",
        {"title": "Summer", "description": "Sea", "visibility": "unlisted"},
    )

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/albums/{body['id']}/"
    assert (body["title"], body["description"], body["visibility"], body["owner"]) == (
        "Summer",
        "Sea",
        "unlisted",
        "alice",
    )
    assert body["share_url"].startswith(f"http://testserver/albums/{body['id']}/s/")
    assert Client().get(body["share_url"]).status_code == 200


def test_a_public_or_private_album_has_no_share_url(user, aws):
    client = token_client(user)

    assert post(client, "/api/albums/", {"title": "Mine"}).json()["share_url"] is None
    assert post(client, "/api/albums/", {"title": "All", "visibility": "public"}).json()["share_url"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "visibility": "friends"}, "visibility"),
        ({"title": "x", "owner": "bob"}, "owner"),
        ({"title": 3}, "title"),
        ([1, 2], "body"),
    ],
)
def test_bad_album_bodies_are_400_naming_the_field(user, aws, body, field):
    response = post(token_client(user), "/api/albums/", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_creating_needs_an_account(client, aws):
    assert post(client, "/api/albums/", {"title": "x"}).status_code == 401


def test_my_albums_are_mine_alone_newest_first_page_by_page(user, bob, aws, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for title in ("Summer", "Winter", "Spring"):
        albums.create(user, title=title)
    albums.create(bob, title="Bob's")
    client = Client()
    client.force_login(user)  # select.js asks with the session

    first = client.get("/api/albums/")
    second = client.get(first.json()["next"])

    assert [album["title"] for album in first.json()["results"]] == ["Spring", "Winter"]
    assert [album["title"] for album in second.json()["results"]] == ["Summer"]
    assert second.json()["next"] is None
    assert Client().get("/api/albums/").status_code == 401


def test_the_album_comes_with_its_photos_in_order(user, bob, own_photos, dynamodb_calls):
    client = token_client(user)
    album_id = post(client, "/api/albums/", {"title": "Summer", "visibility": "public"}).json()["id"]
    for photo in reversed(own_photos):
        response = post(client, f"/api/albums/{album_id}/photos/", {"photo_id": photo.id})
        assert response.status_code == 201 and response.json()["id"] == photo.id

    dynamodb_calls.clear()
    body = client.get(f"/api/albums/{album_id}/").json()
    assert dynamodb_calls == ["Query"]
    assert [photo["title"] for photo in body["photos"]] == ["Secret cove", "Harbour"]
    assert body["next"] is None
    others = token_client(bob).get(f"/api/albums/{album_id}/").json()
    assert [photo["title"] for photo in others["photos"]] == ["Harbour"]  # not the private one
    assert others["share_url"] is None


def test_adding_twice_someone_elses_or_nothing_is_refused(user, bob, own_photos):
    client = token_client(user)
    album_id = post(client, "/api/albums/", {"title": "Summer"}).json()["id"]
    bobs = make_photo(5, owner_id=bob.pk)
    photo_repository().put_photo(bobs)
    post(client, f"/api/albums/{album_id}/photos/", {"photo_id": own_photos[0].id})

    again = post(client, f"/api/albums/{album_id}/photos/", {"photo_id": own_photos[0].id})
    assert again.status_code == 409 and again.json() == {"error": "The photo is in this album already."}
    assert post(client, f"/api/albums/{album_id}/photos/", {"photo_id": bobs.id}).status_code == 403
    assert post(client, f"/api/albums/{album_id}/photos/", {"photo_id": "f" * 32}).status_code == 404
    assert list(post(client, f"/api/albums/{album_id}/photos/", {}).json()["errors"]) == ["photo_id"]


def test_removing_a_photo(user, own_photos):
    client = token_client(user)
    album_id = post(client, "/api/albums/", {"title": "Summer"}).json()["id"]
    post(client, f"/api/albums/{album_id}/photos/", {"photo_id": own_photos[0].id})

    assert client.delete(f"/api/albums/{album_id}/photos/{own_photos[0].id}/").status_code == 204
    assert client.get(f"/api/albums/{album_id}/").json()["photos"] == []
    missing = client.delete(f"/api/albums/{album_id}/photos/{own_photos[0].id}/")
    assert missing.status_code == 404 and missing.json() == {"error": "That photo is not in this album."}


def test_a_new_share_url_kills_the_old(user, aws):
    client = token_client(user)
    created = post(client, "/api/albums/", {"title": "Summer", "visibility": "unlisted"}).json()

    response = client.post(f"/api/albums/{created['id']}/share/")

    assert response.status_code == 200
    assert response.json()["share_url"] != created["share_url"]
    assert Client().get(created["share_url"]).status_code == 404
    assert Client().get(response.json()["share_url"]).status_code == 200


def test_only_unlisted_albums_get_a_share_url(user, aws):
    client = token_client(user)
    album_id = post(client, "/api/albums/", {"title": "Summer"}).json()["id"]

    response = client.post(f"/api/albums/{album_id}/share/")

    assert response.status_code == 400
    assert "unlisted" in response.json()["error"]


def test_others_private_albums_are_404_to_every_method(user, bob, client, aws):
    album_id = post(token_client(user), "/api/albums/", {"title": "Mine"}).json()["id"]

    for caller in (token_client(bob), client):
        assert caller.get(f"/api/albums/{album_id}/").status_code == 404
        assert caller.delete(f"/api/albums/{album_id}/").json() == {"error": "No such album."}
        assert post(caller, f"/api/albums/{album_id}/photos/", {"photo_id": "a" * 32}).status_code == 404
        assert caller.post(f"/api/albums/{album_id}/share/").status_code == 404
        assert caller.delete(f"/api/albums/{album_id}/photos/{'a' * 32}/").status_code == 404


def test_others_public_albums_are_readable_but_not_changeable(user, bob, client, aws):
    album_id = post(token_client(user), "/api/albums/", {"title": "All", "visibility": "public"}).json()["id"]

    assert client.get(f"/api/albums/{album_id}/").status_code == 200
    assert client.delete(f"/api/albums/{album_id}/").status_code == 401
    assert token_client(bob).delete(f"/api/albums/{album_id}/").status_code == 403


def test_deleting_an_album_keeps_its_photos(user, own_photos):
    client = token_client(user)
    album_id = post(client, "/api/albums/", {"title": "Summer"}).json()["id"]
    post(client, f"/api/albums/{album_id}/photos/", {"photo_id": own_photos[0].id})

    assert client.delete(f"/api/albums/{album_id}/").status_code == 204
    assert client.get(f"/api/albums/{album_id}/").status_code == 404
    assert client.get(f"/api/photos/{own_photos[0].id}/").status_code == 200
    assert albums.albums_of(user).items == []


def test_session_writes_need_the_csrf_token(user, aws):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert post(client, "/api/albums/", {"title": "x"}).status_code == 403


def test_every_answer_with_a_share_url_is_never_cached(user, aws):
    """A sibling of the API tokens (issue 22): an answer that shows a secret is no-store."""
    client = token_client(user)
    created = post(client, "/api/albums/", {"title": "Summer", "visibility": "unlisted"})
    read = client.get(f"/api/albums/{created.json()['id']}/")
    renewed = client.post(f"/api/albums/{created.json()['id']}/share/")

    for response in (created, read, renewed):
        assert response.json()["share_url"]
        assert "no-store" in response["Cache-Control"]
