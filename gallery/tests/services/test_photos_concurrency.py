"""Many users at once (services.photos and storage.dynamodb under concurrency): uploads, edits and
deletes from real threads against moto, with the TransactionConflict cancellations that real
DynamoDB sends (moto never does) injected through botocore's event hooks.

Conflict rates tested: 20 % of TransactWriteItems sends for 50 uploads with one tag, 30 % for
edits and deletes one after the other, 20 % on top of real races of 20 clients, and 100 % (every
attempt) to show the bounded retry ends in "try again" with nothing half stored. With counters out
of the photo's transaction, real DynamoDB conflicts only between writes to the same photo, so
these rates are far above what the site meets; the retry must make them invisible anyway.
"""

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.domain.records import Photo
from gallery.services import photos
from gallery.storage.dynamodb import MetadataUnavailable, PhotoChanged, photo_repository
from gallery.tests.concurrency import at_once
from gallery.tests.factories import upload
from gallery.tests.faults import Conflicts, SerialisedDynamoDB
from gallery.tests.publishing import publish
from gallery.tests.stores import assert_lists_match_photos, assert_no_orphans, photo_items

pytestmark = pytest.mark.django_db(transaction=True)  # the clients' threads read the accounts


@pytest.fixture
def pauses(monkeypatch):
    """The backoff pauses of conflict retries, recorded instead of slept."""
    slept = []
    monkeypatch.setattr(photo_repository().backoff, "sleep", slept.append)
    return slept


def feed_ids():
    return {card.id for card in photo_repository().list_page("FEED", limit=1000).items}


def test_fifty_uploads_with_one_tag_at_once_are_all_stored(aws, user, pauses):
    conflicts = Conflicts(rate=0.2)

    results = at_once(
        [lambda n=n: publish(user, title=f"Sunset {n}", tags="sunset") for n in range(50)],
        hooks=[conflicts, SerialisedDynamoDB()],
    )

    assert [type(result).__name__ for result in results] == ["Photo"] * 50
    assert conflicts.injected > 0 and len(pauses) == conflicts.injected  # each one retried
    assert feed_ids() == {photo.id for photo in results}
    assert photo_repository().tag_count("sunset") == 50
    assert photo_repository().photo_counts([user.pk]) == {user.pk: 50}
    assert len(photo_repository().list_page("TAG#sunset", limit=100).items) == 50
    assert_no_orphans(aws)
    assert_lists_match_photos(aws)


def test_uploads_edits_and_deletes_end_right_through_conflicts(aws, user, pauses):
    with Conflicts(rate=0.3, seed=1) as conflicts:
        published = [publish(user, title=f"Photo {n}", tags="sea, boats") for n in range(10)]
        for photo in published[:5]:
            photos.edit(photo, title=f"{photo.title} at dusk", tags=["sea", "dusk"])
        for photo in published[5:]:
            photos.delete(photo.id)

    assert conflicts.injected >= 5 and len(pauses) == conflicts.injected
    kept = [photo_repository().get_photo(photo.id) for photo in published[:5]]
    assert [photo.title for photo in kept] == [f"Photo {n} at dusk" for n in range(5)]
    assert feed_ids() == {photo.id for photo in kept}
    assert {(count.tag, count.count) for count in photo_repository().tag_counts()} == {
        ("sea", 5),
        ("dusk", 5),
    }
    assert photo_repository().photo_counts([user.pk]) == {user.pk: 5}
    assert_no_orphans(aws)
    assert_lists_match_photos(aws)


def test_a_conflict_outlasting_the_retries_is_a_try_again_with_nothing_stored(aws, logged_in_client, pauses):
    photo_repository().backoff.random = lambda: 1.0  # the longest pause of each step
    with Conflicts(rate=1.0) as conflicts:
        response = logged_in_client.post("/upload/", {"title": "Never", "image": upload()})

    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert conflicts.sent == photo_repository().backoff.attempts
    assert pauses == [0.025, 0.05, 0.1, 0.2, 0.4]
    assert aws.object_keys() == [] and photo_items(aws) == []
    assert photo_repository().tag_counts() == []


def test_edits_and_deletes_racing_end_in_one_outcome_never_a_mix(aws, user, pauses):
    """20 clients of the owner at once on one photo: 12 edits (each its own title and tags) and 8
    deletes, through the API, with 20 % conflicts on top of the real race."""
    photo = publish(user, title="Harbour", tags="sea, boats")
    token = ApiToken.issue(user)
    edits = [{"title": f"Edit {n}", "tags": [f"tag{n}", "sea"]} for n in range(12)]

    def edit(body):
        return Client(headers={"Authorization": f"Token {token}"}).patch(
            f"/api/photos/{photo.id}/", json.dumps(body), content_type="application/json"
        )

    def delete():
        return Client(headers={"Authorization": f"Token {token}"}).delete(f"/api/photos/{photo.id}/")

    tasks = [lambda body=body: edit(body) for body in edits] + [delete] * 8
    responses = at_once(tasks, hooks=[Conflicts(rate=0.2, seed=2), SerialisedDynamoDB()])

    statuses = [getattr(response, "status_code", response) for response in responses]
    edited, deleted = statuses[:12], statuses[12:]
    assert set(edited) <= {200, 409, 404} and set(deleted) <= {204, 409, 404}, statuses
    saved = [json.loads(response.content) for response in responses[:12] if response.status_code == 200]
    if 204 in deleted:  # in the trash, whatever was edited before (a DELETE is idempotent: racing
        # ones that find it trashed say 204 too); out of every list and count but its owner's
        trashed = photo_repository().get_photo(photo.id)
        assert trashed.trashed_at and trashed.purge_after
        assert sorted(aws.object_keys()) == sorted(trashed.object_keys)
        assert photo_repository().tag_counts() == []
        assert photo_repository().photo_counts([user.pk]) == {user.pk: 1}
    else:  # kept: exactly the last edit that succeeded, on the photo and on every list
        last = photo_repository().get_photo(photo.id)
        assert last.revision == len(saved)  # published at 0, one step per saved edit
        assert {"title": last.title, "tags": last.tags} in [
            {"title": body["title"], "tags": body["tags"]} for body in saved
        ]
        assert photo_repository().tag_count(last.tags[0]) == 1
        assert {count.tag for count in photo_repository().tag_counts()} == set(last.tags)
    assert_no_orphans(aws)
    assert_lists_match_photos(aws)


def test_twenty_edits_racing_leave_one_of_them_everywhere(aws, user, pauses):
    photo = publish(user, title="Harbour", tags="sea")
    results = at_once(
        [lambda n=n: _edit_or_lose(photo.id, title=f"Edit {n}", tags=[f"tag{n}"]) for n in range(20)],
        hooks=[SerialisedDynamoDB()],
    )

    assert all(result is None or isinstance(result, Photo) for result in results), results
    saved = [result for result in results if result is not None]
    last = photo_repository().get_photo(photo.id)
    assert saved and last.revision == len(saved)  # published at 0, one step per saved edit
    assert last in saved  # the final state is one edit, whole
    assert [(count.tag, count.count) for count in photo_repository().tag_counts()] == [(last.tags[0], 1)]
    assert_lists_match_photos(aws)


def _edit_or_lose(photo_id, **changes):
    """What a client gets: the saved photo, or None when another edit got there first."""
    try:
        return photos.edit(photo_repository().get_photo(photo_id), **changes)
    except PhotoChanged:
        return None


def test_metadata_unavailable_is_what_an_exhausted_retry_raises(aws, user, pauses):
    photo = publish(user, title="Harbour")
    with Conflicts(rate=1.0), pytest.raises(MetadataUnavailable):
        photos.edit(photo, title="Never")
    assert photo_repository().get_photo(photo.id).title == "Harbour"
