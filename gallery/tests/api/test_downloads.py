"""The download resources of the JSON API (gallery.api.downloads): a selection and an album as a
streamed zip, 202 with a status URL when large, the status (pending, ready with an expiring link,
someone else's: 404), and the data export; errors as JSON; moto over HTTP."""

import io
import json
import uuid
import zipfile

import pytest
from django.test import Client, override_settings

from accounts.models import ApiToken
from gallery.domain.records import PRIVATE, PUBLIC
from gallery.services import albums, worker
from gallery.tests.services.test_downloads import stored_photo

pytestmark = pytest.mark.django_db


def token_client(user):
    # A token of its own each time (names are unique per user).
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user, name=uuid.uuid4().hex)}"})


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def names(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_a_selection_streams_originals_to_the_owner_and_copies_to_others(aws, user, bob):
    public, private = stored_photo(aws, 1, user), stored_photo(aws, 2, user, visibility=PRIVATE)
    body = {"photo_ids": [public.id, private.id]}

    assert names(post(token_client(user), "/api/downloads/", body)) == {
        f"Photo 1-{public.id}.jpg": b"ORIGINAL-1",
        f"Photo 2-{private.id}.jpg": b"ORIGINAL-2",
    }
    assert names(post(Client(), "/api/downloads/", body)) == {f"Photo 1-{public.id}.jpg": b"SHARED"}


@pytest.mark.parametrize(
    "body",
    [{"photo_ids": []}, {"photo_ids": "abc"}, {"photo_ids": ["../etc"]}, {"photo_ids": [1]}, {"other": 1}],
)
def test_bad_bodies_are_400_with_the_field_named(aws, user, body):
    response = post(token_client(user), "/api/downloads/", body)

    assert response.status_code == 400
    assert response.json()["errors"]


def test_too_many_ids_and_nothing_visible_are_clear_errors(aws, user, bob):
    private = stored_photo(aws, 2, user, visibility=PRIVATE)

    missing = post(token_client(bob), "/api/downloads/", {"photo_ids": [private.id]})
    with override_settings(PHOTOSHARE_MAX_DOWNLOAD_PHOTOS=1):
        many = post(token_client(bob), "/api/downloads/", {"photo_ids": ["a" * 32, "b" * 32]})

    assert missing.status_code == 404 and missing.json()["error"]
    assert many.status_code == 400 and "photo_ids" in many.json()["errors"]


def test_an_album_downloads_what_the_caller_sees_of_it(aws, user, bob):
    one = stored_photo(aws, 1, user, title="One")
    two = stored_photo(aws, 2, user, title="Two", visibility=PRIVATE)
    album = albums.create(user, title="Trip", visibility=PUBLIC)
    albums.add_photo(user, album, one.id)
    albums.add_photo(user, album, two.id)

    assert list(names(token_client(user).get(f"/api/albums/{album.id}/download/"))) == [
        f"One-{one.id}.jpg",
        f"Two-{two.id}.jpg",
    ]
    assert list(names(token_client(bob).get(f"/api/albums/{album.id}/download/"))) == [f"One-{one.id}.jpg"]
    assert token_client(bob).post(f"/api/albums/{album.id}/download/").status_code == 405


@override_settings(PHOTOSHARE_DOWNLOAD_INLINE_MAX_PHOTOS=1)
def test_a_large_download_answers_202_and_its_status_url_gives_the_link_when_ready(aws, user, bob):
    photos_ = [stored_photo(aws, number, user) for number in (1, 2)]
    client = token_client(user)

    response = post(client, "/api/downloads/", {"photo_ids": [photo.id for photo in photos_]})

    assert response.status_code == 202
    status_url = response.json()["status_url"]
    assert response["Location"] == status_url and status_url.startswith("http://testserver/api/downloads/")
    assert client.get(status_url).json()["status"] == "pending"
    assert token_client(bob).get(status_url).status_code == 404
    worker.work(until_empty=True, wait_seconds=0)
    ready = client.get(status_url)
    assert ready.json()["status"] == "ready" and "archives/" in ready.json()["url"]
    assert "no-store" in ready["Cache-Control"]


def test_my_data_export_is_202_with_a_status_url_and_needs_a_login(aws, user):
    stored_photo(aws, 1, user)

    response = post(token_client(user), "/api/me/export/", {})

    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert post(Client(), "/api/me/export/", {}).status_code == 401
    worker.work(until_empty=True, wait_seconds=0)
    assert token_client(user).get(response.json()["status_url"]).json()["kind"] == "export"


def test_a_share_token_that_is_not_the_album_s_is_a_404_whatever_its_characters(aws, user, bob):
    # Found by schemathesis (gallery/tests/api/test_fuzz.py): `?token=é` was a 500.
    album = albums.create(user, title="Trip", visibility="unlisted")

    for token in ("é", "부산", "x" * 43):
        response = token_client(bob).get(f"/api/albums/{album.id}/download/", {"token": token})
        assert response.status_code == 404, token
        assert response.json() == {"error": response.json()["error"]}
