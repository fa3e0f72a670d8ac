"""POST /api/photos/batch/ (gallery.api.batch): each photo's result, and the 400s of a batch that
cannot be applied, in the API's error contract; S3 and DynamoDB on moto."""

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.services import albums
from gallery.storage.dynamodb import photo_repository
from gallery.tests.api.test_openapi_answers import Checked
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db
URL = "/api/photos/batch/"


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def photos(aws, user, bob):
    made = [make_photo(1, owner_id=user.pk), make_photo(2, owner_id=user.pk), make_photo(3, owner_id=bob.pk)]
    for photo in made:
        photo_repository().put_photo(photo)
    return made


def test_each_photo_gets_ok_or_why_not(user, photos):
    ids = [photo.id for photo in photos]

    response = post(
        token_client(user), {"action": "add_tags", "photo_ids": ids, "tags": ["harbour", "#Night"]}
    )

    assert response.status_code == 200
    assert response.json() == {
        "results": {ids[0]: "ok", ids[1]: "ok", ids[2]: "Only the owner can change this photo."}
    }
    assert photo_repository().get_photo(ids[0]).tags == ["sea", "harbour", "night"]


def test_add_to_album_and_visibility_and_trash(user, photos):
    client = token_client(user)
    album = albums.create(user, title="Harbour")
    own = [photos[0].id, photos[1].id]

    added = post(client, {"action": "add_to_album", "photo_ids": own, "album_id": album.id})
    private = post(client, {"action": "set_visibility", "photo_ids": own, "visibility": "private"})
    trashed = post(client, {"action": "trash", "photo_ids": own[:1]})

    assert [r.json()["results"] for r in (added, private, trashed)] == [
        dict.fromkeys(own, "ok"),
        dict.fromkeys(own, "ok"),
        {own[0]: "ok"},
    ]
    assert [card.id for card in albums.page(user, album.id).items] == [own[1]]
    assert photo_repository().get_photo(own[1]).visibility == "private"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "rotate", "photo_ids": ["a" * 32]}, "action"),
        ({"photo_ids": ["a" * 32]}, "action"),
        ({"action": "add_tags", "photo_ids": ["a" * 32]}, "tags"),
        ({"action": "set_visibility", "photo_ids": ["a" * 32], "visibility": "everyone"}, "visibility"),
        ({"action": "add_to_album", "photo_ids": ["a" * 32]}, "album_id"),
        ({"action": "trash", "photo_ids": [f"{n:032x}" for n in range(501)]}, "photo_ids"),
        ({"action": "trash", "photo_ids": "a" * 32}, "photo_ids"),
        ({"action": "trash", "photo_ids": [{"id": 1}]}, "photo_ids"),
        ({"action": "add_tags", "photo_ids": ["a" * 32], "tags": {"a": 1}}, "tags"),
        ({"action": "trash", "photo_ids": ["a" * 32], "colour": "red"}, "colour"),
    ],
)
def test_a_batch_that_cannot_be_applied_is_a_400_naming_the_field(user, photos, body, field):
    response = post(token_client(user), body)

    assert response.status_code == 400
    assert field in response.json()["errors"] and response.json()["error"]
    assert photo_repository().get_photo(photos[0].id).revision == 0


def test_someone_elses_album_is_a_404_and_signed_out_a_401(user, bob, photos):
    album = albums.create(bob, title="Bob's")

    response = post(
        token_client(user), {"action": "add_to_album", "photo_ids": [photos[0].id], "album_id": album.id}
    )

    assert response.status_code == 404
    assert post(Client(), {"action": "trash", "photo_ids": [photos[0].id]}).status_code == 401


def test_the_results_are_in_the_callers_language(user, photos):
    client = token_client(user)
    body = {"action": "trash", "photo_ids": [photos[2].id]}

    response = client.post(
        URL, json.dumps(body), content_type="application/json", headers={"Accept-Language": "ko"}
    )

    assert response.json()["results"][photos[2].id] != "Only the owner can change this photo."


def test_the_answers_match_the_openapi_document(aws, user, client, photos):
    call = Checked(client.get("/api/openapi.json").json(), {"Authorization": f"Token {ApiToken.issue(user)}"})
    path = "/api/photos/batch/"

    call("POST", path, {"action": "add_tags", "photo_ids": [p.id for p in photos], "tags": "sea, sky"})
    call("POST", path, {"action": "set_visibility", "photo_ids": [photos[0].id]})  # 400
    call("POST", path, {"action": "add_to_album", "photo_ids": [photos[0].id], "album_id": "f" * 32})  # 404

    assert {status for _method, _path, status in call.seen} == {200, 400, 404}
