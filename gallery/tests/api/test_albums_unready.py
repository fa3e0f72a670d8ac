"""Albums and photos that are not ready (issue 21, finding 2): a processing photo (direct
upload) or a failed one cannot join an album (409 / 400 with a message, nothing stored), an
album change never makes the worker give up on a photo, and an album never answers 500 because
of a member."""

import json

import pytest
from django.test import Client

from gallery.domain.records import FAILED, PROCESSING, READY, UNLISTED
from gallery.services import albums, photos
from gallery.storage.dynamodb import album_repository, photo_repository
from gallery.storage.dynamodb.transactions import Transaction
from gallery.tests.direct_uploads import run_worker, upload_file
from gallery.tests.stores import assert_no_orphans

pytestmark = pytest.mark.django_db


def add(client, album_id, photo_id):
    return client.post(
        f"/api/albums/{album_id}/photos/", json.dumps({"photo_id": photo_id}), content_type="application/json"
    )


def test_a_processing_photo_is_refused_and_the_worker_still_publishes_it(aws, alice, user):
    upload_id, response = upload_file(alice)
    assert response.status_code == 202
    album = albums.create(user, title="Summer", visibility=UNLISTED)

    refused = add(alice, album.id, upload_id)

    assert refused.status_code == 409
    assert "still being processed" in refused.json()["error"]
    assert album_repository().photo_memberships(upload_id)[1] == {}
    assert run_worker() == 1
    assert photo_repository().get_photo(upload_id).status == READY
    assert_no_orphans(aws)
    assert add(alice, album.id, upload_id).status_code == 201  # once ready, it joins
    assert [photo["id"] for photo in alice.get(f"/api/albums/{album.id}/").json()["photos"]] == [upload_id]


def test_a_failed_photo_is_refused_with_a_message(aws, alice, user):
    upload_id, _ = upload_file(alice, data=b"not an image at all")
    run_worker()
    assert photo_repository().get_photo(upload_id).status == FAILED
    album = albums.create(user, title="Summer", visibility="public")

    refused = add(alice, album.id, upload_id)

    assert refused.status_code == 400
    assert "could not be processed" in refused.json()["error"]
    assert alice.get(f"/api/albums/{album.id}/").status_code == 200
    assert Client().get(f"/api/albums/{album.id}/").status_code == 200


def test_an_album_change_racing_the_worker_does_not_make_the_job_give_up(aws, alice, user, monkeypatch):
    """The worker read the photo (processing), then an album change bumped its revision (as
    before the refusal, or any later change that touches a photo): the job re-reads and publishes."""
    upload_id, _ = upload_file(alice)
    real_copy = photos.objects.copy

    def touched_meanwhile(source, destination):
        real_copy(source, destination)
        photo = photo_repository().get_photo(upload_id)
        write = Transaction()  # what every album change does to its photo
        write.touch_photo(photo)
        write.commit()

    monkeypatch.setattr(photos.objects, "copy", touched_meanwhile)
    assert run_worker() == 1

    assert photo_repository().get_photo(upload_id).status == READY
    assert_no_orphans(aws)


def test_an_album_with_an_unready_member_from_before_still_answers(aws, alice, user):
    """Entries of a processing photo stored before adding was refused: the album is not a 500,
    and the card appears once the photo is ready."""
    upload_id, _ = upload_file(alice)
    album = albums.create(user, title="Summer", visibility="public")
    processing = photo_repository().get_photo(upload_id)
    assert processing.status == PROCESSING
    album_repository().add_photo(album, processing)  # as the old code did

    for client in (alice, Client()):
        response = client.get(f"/api/albums/{album.id}/")
        assert response.status_code == 200 and response.json()["photos"] == []
        assert client.get(f"/albums/{album.id}/").status_code == 200
    run_worker()
    assert photo_repository().get_photo(upload_id).status == READY
    assert [photo["id"] for photo in Client().get(f"/api/albums/{album.id}/").json()["photos"]] == [upload_id]
