"""What the site's album pages do, through the API (gallery.api.albums): edit (PATCH, with
If-Match), move a photo, set the cover, revoke the share link; bad input as 400 JSON, another's
album as the other album endpoints answer it (404 hidden, 403 visible)."""

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.storage.dynamodb import photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db


def token_client(user, scope=ApiToken.READ_WRITE, **headers):
    key = ApiToken.issue(user, name=scope, scope=scope)
    return Client(headers={"Authorization": f"Token {key}", **headers})


def send(client, method, path, body):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def new_album(client, **fields):
    return send(client, "post", "/api/albums/", {"title": "Summer", **fields}).json()


def photo_ids(client, album_id):
    return [photo["id"] for photo in client.get(f"/api/albums/{album_id}/").json()["photos"]]


@pytest.fixture
def alice(aws, user):
    return token_client(user)


@pytest.fixture
def album_of_three(alice, user):
    album = new_album(alice)
    for number in (1, 2, 3):
        photo = make_photo(number, owner_id=user.pk)
        photo_repository().put_photo(photo)
        assert (
            send(alice, "post", f"/api/albums/{album['id']}/photos/", {"photo_id": photo.id}).status_code
            == 201
        )
    return album["id"]


def test_patch_changes_only_the_fields_sent(alice):
    album = new_album(alice, description="Sea")
    path = f"/api/albums/{album['id']}/"

    response = send(alice, "patch", path, {"title": "  Winter "})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert (body["title"], body["description"], body["visibility"]) == ("Winter", "Sea", "private")
    assert alice.get(path).json()["title"] == "Winter"


def test_patch_with_if_match_refuses_a_stale_revision(alice):
    path = f"/api/albums/{new_album(alice)['id']}/"
    read = alice.get(path)["ETag"]

    first = alice.patch(
        path, json.dumps({"description": "One"}), "application/json", headers={"If-Match": read}
    )
    stale = alice.patch(
        path, json.dumps({"description": "Two"}), "application/json", headers={"If-Match": read}
    )

    assert first.status_code == 200 and first["ETag"] != read
    assert stale.status_code == 409 and stale.json()["error"]
    assert alice.get(path).json()["description"] == "One"
    fresh = alice.patch(
        path, json.dumps({"description": "Two"}), "application/json", headers={"If-Match": first["ETag"]}
    )
    assert fresh.status_code == 200


def test_becoming_unlisted_makes_a_share_link_and_revoking_it_makes_the_album_private(alice):
    album = new_album(alice)
    path = f"/api/albums/{album['id']}/"

    shared = send(alice, "patch", path, {"visibility": "unlisted"}).json()
    assert Client().get(shared["share_url"]).status_code == 200

    revoked = alice.delete(f"{path}share/")

    assert revoked.status_code == 200
    assert (revoked.json()["visibility"], revoked.json()["share_url"]) == ("private", None)
    assert Client().get(shared["share_url"]).status_code == 404
    assert alice.delete(f"{path}share/").json()["visibility"] == "private"  # nothing left to revoke


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": ""}, "title"),
        ({"title": 7}, "title"),
        ({"visibility": "everyone"}, "visibility"),
        ({"owner": "bob"}, "owner"),
        ([], "body"),
    ],
)
def test_bad_patches_are_400_naming_the_field_and_change_nothing(alice, body, field):
    path = f"/api/albums/{new_album(alice)['id']}/"

    response = send(alice, "patch", path, body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field] and response.json()["error"]
    assert alice.get(path).json()["title"] == "Summer"


def test_a_bad_patch_is_answered_in_the_callers_language(user, aws):
    korean = token_client(user, **{"Accept-Language": "ko"})
    path = f"/api/albums/{new_album(korean)['id']}/"

    response = send(korean, "patch", path, {"title": ""})

    assert response.status_code == 400
    assert response.json()["errors"]["title"] == ["필수 항목입니다."]


def test_moving_a_photo_up_and_down(alice, album_of_three):
    first, second, third = photo_ids(alice, album_of_three)
    move = f"/api/albums/{album_of_three}/photos/{third}/move/"

    assert send(alice, "post", move, {"direction": "up"}).json() == {"moved": True}
    assert photo_ids(alice, album_of_three) == [first, third, second]
    assert send(
        alice, "post", f"/api/albums/{album_of_three}/photos/{first}/move/", {"direction": "up"}
    ).json() == {"moved": False}
    assert send(alice, "post", move, {"direction": "down"}).json() == {"moved": True}
    assert photo_ids(alice, album_of_three) == [first, second, third]


def test_bad_moves_are_refused(alice, album_of_three):
    third = photo_ids(alice, album_of_three)[2]

    sideways = send(
        alice, "post", f"/api/albums/{album_of_three}/photos/{third}/move/", {"direction": "left"}
    )
    assert sideways.status_code == 400 and list(sideways.json()["errors"]) == ["direction"]
    outside = send(
        alice, "post", f"/api/albums/{album_of_three}/photos/{'f' * 32}/move/", {"direction": "up"}
    )
    assert outside.status_code == 404 and outside.json()["error"]


def test_setting_the_cover(alice, album_of_three):
    second = photo_ids(alice, album_of_three)[1]

    response = send(alice, "put", f"/api/albums/{album_of_three}/cover/", {"photo_id": second})

    assert response.status_code == 200
    assert response.json()["cover"]["photo_id"] == second
    assert alice.get(f"/api/albums/{album_of_three}/").json()["cover"]["photo_id"] == second


def test_a_cover_must_be_a_photo_of_the_album(alice, album_of_three):
    cover = f"/api/albums/{album_of_three}/cover/"

    missing = send(alice, "put", cover, {})
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["photo_id"]
    assert send(alice, "put", cover, {"photo_id": "f" * 32}).status_code == 404


def test_another_users_album_cannot_be_changed(alice, user, bob, client, album_of_three):
    public = new_album(alice, visibility="public")["id"]
    some_photo = photo_ids(alice, album_of_three)[0]
    changes = [
        ("patch", "", {"title": "Mine now"}),
        ("put", "cover/", {"photo_id": some_photo}),
        ("post", f"photos/{some_photo}/move/", {"direction": "down"}),
        ("delete", "share/", {}),
    ]

    bobs, reader = token_client(bob), token_client(user, scope=ApiToken.READ)

    for method, tail, body in changes:
        # Private: hidden, a 404 for everyone; public: 401 without credentials, 403 for bob, and
        # for a read-only token of the owner's.
        for caller in (bobs, client):
            assert send(caller, method, f"/api/albums/{album_of_three}/{tail}", body).status_code == 404
        assert send(client, method, f"/api/albums/{public}/{tail}", body).status_code == 401
        assert send(bobs, method, f"/api/albums/{public}/{tail}", body).status_code == 403
        assert send(reader, method, f"/api/albums/{public}/{tail}", body).status_code == 403
    assert alice.get(f"/api/albums/{public}/").json()["title"] == "Summer"
