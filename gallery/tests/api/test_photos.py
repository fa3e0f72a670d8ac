"""The photo resources of the JSON API end to end (gallery.api.photos): errors as JSON, S3 and
DynamoDB on moto."""

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.storage import dynamodb
from gallery.tests.factories import image_bytes, noise_image_bytes, upload
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def patch(client, photo_id, body):
    return client.patch(f"/api/photos/{photo_id}/", json.dumps(body), content_type="application/json")


def test_list_pages_with_a_next_link_and_filters(aws, client, user, bob, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for title in ("one", "two", "three"):
        publish(user, title=title, tags="sea")
    publish(bob, title="bob's", tags="city")

    first = client.get("/api/photos/?tag=sea").json()
    second = client.get(first["next"]).json()

    assert [photo["title"] for photo in first["results"]] == ["three", "two"]
    assert [photo["title"] for photo in second["results"]] == ["one"] and second["next"] is None
    assert first["results"][0]["owner"] == "alice" and first["results"][0]["tags"] == ["sea"]
    assert "X-Amz-Signature=" in first["results"][0]["thumbnail"]["url"]
    assert [p["title"] for p in client.get("/api/photos/?owner=bob").json()["results"]] == ["bob's"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("tag=sea&owner=alice", "owner"), ("owner=nobody", "owner"), ("cursor=forged", "cursor")],
)
def test_bad_list_queries_are_400_with_the_field_named(aws, client, user, query, field):
    response = client.get(f"/api/photos/?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_token_upload_creates_the_photo(aws, user):
    response = token_client(user).post(
        "/api/photos/",
        {"image": upload("harbour.png", image_bytes(format="PNG")), "title": "Harbour", "tags": "sea, boats"},
    )

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/photos/{body['id']}/"
    assert (body["title"], body["tags"], body["owner"]) == ("Harbour", ["sea", "boats"], "alice")
    assert body["original"]["content_type"] == "image/png" and body["display"]["width"] == 1200
    # original, shared copy, 2 JPEGs, WebP at 400, 800 and its own 1200, cards at 400, 700 and 1100
    assert len(aws.object_keys()) == 10
    assert dynamodb.photo_repository().get_photo(body["id"]).title == "Harbour"


def test_bad_upload_is_a_400_with_an_error_per_field(aws, user):
    response = token_client(user).post(
        "/api/photos/", {"image": upload("notes.jpg", b"just text"), "title": "", "tags": "x" * 60}
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["image"] == ["The file is not an image, or it is damaged."]
    assert errors["title"] == ["This field is required."]
    assert "at most 50 characters" in errors["tags"][0]
    # One sentence for a person: the file's message as it is, the others after their label,
    # never a field's name in the API ("image: ...").
    message = response.json()["error"]
    assert message.startswith("The file is not an image, or it is damaged. Title: This field is required.")
    assert "image:" not in message and "Tags: " in message
    assert aws.object_keys() == []


def test_too_large_upload_is_a_413(aws, user, settings):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 10 * 1024

    response = token_client(user).post(
        "/api/photos/", {"image": upload("big.png", noise_image_bytes(size=(100, 100))), "title": "Big"}
    )

    assert response.status_code == 413
    assert "limit" in response.json()["error"]
    assert aws.object_keys() == []


def test_owner_patches_metadata_and_the_tag_lists_follow(aws, client, user):
    photo = publish(user, title="Harbour", tags="sea")

    response = patch(token_client(user), photo.id, {"title": "Harbour at night", "tags": ["night", "Boats"]})

    assert response.status_code == 200
    assert response.json()["tags"] == ["night", "boats"]
    assert client.get("/api/photos/?tag=sea").json()["results"] == []
    assert [p["title"] for p in client.get("/api/photos/?tag=night").json()["results"]] == [
        "Harbour at night"
    ]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"title": ""}, {"title": ["This field is required."]}),
        ({"owner": "bob"}, {"owner": ["This field cannot be changed."]}),
        ({"title": 5}, {"title": ["Must be a string."]}),
        (
            {"visibility": "friends"},
            {"visibility": ["Select a valid choice. friends is not one of the available choices."]},
        ),
    ],
)
def test_bad_patch_is_a_400_per_field_and_changes_nothing(aws, user, body, errors):
    photo = publish(user, title="Harbour")

    response = patch(token_client(user), photo.id, body)

    assert response.status_code == 400 and response.json()["errors"] == errors
    assert response.json()["error"] and not response.json()["error"].startswith(tuple(errors))
    assert dynamodb.photo_repository().get_photo(photo.id) == photo


def test_a_body_that_is_not_json_is_a_400(aws, user):
    photo = publish(user)
    response = token_client(user).patch(f"/api/photos/{photo.id}/", b"{oops", content_type="application/json")

    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_other_users_get_403_and_private_photos_404(aws, user, bob):
    public, private = publish(user, title="Public"), publish(user, title="Mine", visibility="private")
    intruder = token_client(bob)

    assert patch(intruder, public.id, {"title": "Bob's"}).status_code == 403
    assert intruder.delete(f"/api/photos/{public.id}/").status_code == 403
    for response in (
        intruder.get(f"/api/photos/{private.id}/"),
        patch(intruder, private.id, {"title": "x"}),
        intruder.delete(f"/api/photos/{private.id}/"),
        intruder.get(f"/api/photos/{'0' * 32}/"),
    ):
        assert response.status_code == 404 and response.json() == {"error": "No such photo."}
    assert len(aws.object_keys()) == 12  # 6 objects each (publish's small image: one WebP, one card)
    assert dynamodb.photo_repository().get_photo(public.id) == public


def test_owner_deletes_with_204_into_the_trash(aws, user):
    photo = publish(user, tags="sea")

    owner = token_client(user)
    response = owner.delete(f"/api/photos/{photo.id}/")

    assert response.status_code == 204 and response.content == b""
    assert len(aws.object_keys()) == 6  # restorable from the trash (gallery/tests/api/test_trash.py)
    assert Client().get(f"/api/photos/{photo.id}/").status_code == 404
    mine = owner.get(f"/api/photos/{photo.id}/")
    assert mine.status_code == 404 and mine.json()["error"].startswith("This photo is in your trash.")


def test_private_photos_never_appear_in_api_lists_but_the_owner_sees_them(aws, user, bob):
    publish(user, title="Hidden", tags="secret", visibility="private")

    for client in (Client(), token_client(bob)):
        for query in ("", "?tag=secret", "?owner=alice"):
            assert client.get(f"/api/photos/{query}").json()["results"] == []
    mine = token_client(user).get("/api/photos/?owner=alice").json()["results"]
    assert [(p["title"], p["visibility"]) for p in mine] == [("Hidden", "private")]


def test_backend_outage_is_a_json_503(aws, client, monkeypatch):
    def down(*args, **kwargs):
        raise dynamodb.MetadataUnavailable("down")

    monkeypatch.setattr(dynamodb.photo_repository(), "list_page", down)
    response = client.get("/api/photos/")

    assert response.status_code == 503 and response.json()["error"].startswith("Photo storage")


def test_a_heic_upload_keeps_its_original_and_gets_a_jpeg_display_size(aws, user):
    heic = image_bytes(format="HEIF", size=(800, 600))

    response = token_client(user).post(
        "/api/photos/", {"image": upload("IMG_0001.HEIC", heic), "title": "Phone"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["original"]["content_type"] == "image/heic"
    assert aws.head(f"photos/{body['id']}/original.heic")["ContentType"] == "image/heic"
    assert aws.head(f"photos/{body['id']}/display.jpg")["ContentType"] == "image/jpeg"
    assert (body["display"]["width"], body["display"]["height"]) == (800, 600)
