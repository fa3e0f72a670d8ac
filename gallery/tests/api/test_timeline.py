"""The owner's photos by date taken through the API: ?order=taken and PATCH of `taken`."""

import json

import pytest
from django.test import Client

from gallery.tests.api.test_photos import patch, token_client
from gallery.tests.factories import camera_exif, image_bytes
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def shot(owner, title, when, offset=None, visibility="public"):
    data = image_bytes(exif=camera_exif(taken=when, offset=offset))
    return publish(owner, title=title, visibility=visibility, data=data)


def test_the_owner_lists_their_photos_by_date_taken_with_taken_and_month(aws, user, bob, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    shot(user, "Seoul", "2024:07:20 10:00:00", offset="+09:00")
    shot(user, "Hidden", "2023:12:24 09:00:00", visibility="private")
    shot(user, "Spring", "2024:04:01 12:00:00")
    shot(bob, "Bob's", "2024:05:01 12:00:00")
    api = token_client(user)

    first = api.get("/api/photos/?owner=alice&order=taken").json()
    second = api.get(first["next"]).json()

    assert [(p["title"], p["taken"], p["month"]) for p in first["results"] + second["results"]] == [
        ("Seoul", "2024-07-20T10:00:00+09:00", "2024-07"),
        ("Spring", "2024-04-01T12:00:00", "2024-04"),
        ("Hidden", "2023-12-24T09:00:00", "2023-12"),
    ]
    assert second["next"] is None
    # By upload, the default, everything stays as it was: newest upload first.
    by_upload = api.get("/api/photos/?owner=alice").json()["results"]
    assert [p["title"] for p in by_upload] == ["Spring", "Hidden"]


@pytest.mark.parametrize(
    ("who", "query", "status", "field"),
    [
        ("bob", "?owner=alice&order=taken", 403, "order"),  # someone else's library
        ("alice", "?order=taken", 403, "order"),  # nobody named: not "mine" by default
        ("alice", "?owner=alice&order=newest", 400, "order"),
        ("anonymous", "?owner=alice&order=taken", 401, None),
    ],
)
def test_ordering_by_date_taken_is_the_owners_alone(aws, user, bob, who, query, status, field):
    shot(user, "Seoul", "2024:07:20 10:00:00")
    client = {"alice": token_client(user), "bob": token_client(bob), "anonymous": Client()}[who]

    response = client.get(f"/api/photos/{query}")

    assert response.status_code == status
    body = response.json()
    assert body["error"]
    if field:
        assert list(body["errors"]) == [field]
    assert "Seoul" not in response.content.decode()


def test_the_owner_corrects_when_a_photo_was_taken_and_its_timeline_place_follows(aws, user):
    old = shot(user, "Old", "2020:01:01 00:00:00")
    shot(user, "New", "2024:01:01 00:00:00")
    api = token_client(user)

    response = patch(api, old.id, {"taken": "2025-02-03T04:05:06-03:00"})

    assert response.status_code == 200
    assert response.json()["taken"] == "2025-02-03T04:05:06-03:00"
    assert response.json()["month"] == "2025-02"
    titles = [p["title"] for p in api.get("/api/photos/?owner=alice&order=taken").json()["results"]]
    assert titles == ["Old", "New"]


@pytest.mark.parametrize("value", ["tomorrow", "2024-07-01", "2024-07-01T25:00", 20240701, None])
def test_a_taken_that_is_not_an_iso_8601_date_and_time_is_a_400(aws, user, value):
    photo = shot(user, "Beach", "2024:07:20 10:00:00")
    api = token_client(user)

    response = api.patch(
        f"/api/photos/{photo.id}/", json.dumps({"taken": value}), content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["taken"]
    assert api.get(f"/api/photos/{photo.id}/").json()["taken"] == "2024-07-20T10:00:00"
