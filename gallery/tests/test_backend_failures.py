"""Failing backends: every failure of S3, DynamoDB or the database gives the user a clear
"try again" (503), puts the detail in the log, and leaves no orphan behind.

Faults are injected at each step of an upload through botocore's event hooks
(gallery/tests/faults.py), and for real: a port nobody listens on (connections refused, as
with the moto server stopped) and a server that never answers (timeouts).
"""

import io
import json
import logging
from unittest import mock

import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from accounts.models import ApiToken
from gallery.imaging.renditions import sources_for
from gallery.storage import dynamodb
from gallery.tests import faults
from gallery.tests.factories import upload
from gallery.tests.publishing import publish
from gallery.tests.stores import (
    assert_lists_match_photos,
    assert_no_orphans,
    assert_nothing_stored,
    photo_items,
)

pytestmark = pytest.mark.django_db

# The objects of the uploaded 1200 x 800 photo: original, thumbnail, display size, the shared copy
# and the WebP sizes the renditions table gives a photo of that size.
OBJECTS = 4 + len(sources_for(1200, 800))
# The objects, then the item (gallery.services.photos.publish).
UPLOAD_STEPS = ["s3.PutObject"] * OBJECTS + ["dynamodb.TransactWriteItems"]
# Then the counters, after the item (gallery.storage.dynamodb.counters): one tag and the owner, or the tag
# gained and the tag lost. Their failure fails nothing: the photo is stored, reconcile recounts.
COUNTS = ["dynamodb.UpdateItem", "dynamodb.UpdateItem"]
# Read the photo, read its items, change them in one transaction (gallery.storage.dynamodb.update_photo).
EDIT_STEPS = ["dynamodb.GetItem", "dynamodb.Query", "dynamodb.TransactWriteItems"]
# After an edit's or a delete's transaction and counters: its favourites (dynamodb.favorites).
FAVORITES_STEP = "dynamodb.Query"
# Last, after a write that changes what followers see: whether anyone follows the owner (their
# counts item; gallery.services.follows queues the feed job only then).
FOLLOWERS_STEP = "dynamodb.GetItem"
# A delete for good, before the objects: the photo's comments (dynamodb.comments.follow_delete).
COMMENTS_STEP = "dynamodb.Query"
# Items first (one transaction), the counters, the favourites, then the objects of the photo
# gallery.tests.publishing.publish makes (120 x 80) (gallery.services.photos.delete).
OBJECT_DELETES = ["s3.DeleteObject"] * (4 + len(sources_for(120, 80)))
# The site's delete moves the photo to the trash (gallery.services.trash): the page's read, the
# use case's read, the photo's items, one transaction, its tag's count, its favourites.
TRASH_STEPS = ["dynamodb.GetItem", *EDIT_STEPS]
TRASHED_STEPS = [*TRASH_STEPS, "dynamodb.UpdateItem", FAVORITES_STEP, FOLLOWERS_STEP]
# Delete forever from the trash: the trash's read, then photos.delete (items first in one
# transaction, the owner's count, the favourites, then the objects).
DELETE_STEPS = [*EDIT_STEPS, "dynamodb.UpdateItem", FAVORITES_STEP, COMMENTS_STEP, *OBJECT_DELETES]
TRY_AGAIN = "Please try again"
FAST_FAILING = Config(
    region_name="us-east-1",
    connect_timeout=0.5,
    read_timeout=0.5,
    retries={"mode": "standard", "total_max_attempts": 2},
)


def post_upload(client):
    return client.post("/upload/", {"title": "Harbour", "tags": "sea", "image": upload()})


def test_an_upload_makes_exactly_these_backend_calls(aws, logged_in_client):
    with faults.AwsCalls() as recorded:
        response = post_upload(logged_in_client)

    assert response.status_code == 302
    assert recorded.calls == UPLOAD_STEPS + COUNTS + [FOLLOWERS_STEP]


@pytest.mark.parametrize("step", range(len(UPLOAD_STEPS) + 1, len(UPLOAD_STEPS) + len(COUNTS) + 1))
def test_a_failed_counter_update_keeps_the_upload_and_reconcile_recounts(aws, logged_in_client, step, caplog):
    with faults.AwsCalls(fail_at={step}, error=faults.refused):
        response = post_upload(logged_in_client)

    assert response.status_code == 302  # the photo is stored; only a count is off
    assert any("reconcile --fix recounts it" in record.getMessage() for record in caplog.records)
    found = io.StringIO()
    call_command("reconcile", "--fix", "--min-age", "0", stdout=found)
    assert "should be 1" in found.getvalue()
    assert dynamodb.photo_repository().tag_count("sea") == 1
    assert_lists_match_photos(aws)


@pytest.mark.parametrize("error", list(faults.ERRORS))
@pytest.mark.parametrize("step", range(1, len(UPLOAD_STEPS) + 1))
def test_an_upload_failing_at_any_step_asks_to_retry_and_leaves_nothing(
    aws, logged_in_client, caplog, step, error
):
    with faults.AwsCalls(fail_at={step}, error=faults.ERRORS[error]) as recorded:
        response = post_upload(logged_in_client)

    assert response.status_code == 503
    assert "Your photo could not be stored. Please try again." in response.content.decode()
    assert recorded.calls[step - 1] == UPLOAD_STEPS[step - 1]
    # The objects written before the failing step were removed again.
    assert recorded.calls[step:] == ["s3.DeleteObject"] * min(step - 1, len(UPLOAD_STEPS) - 1)
    assert_nothing_stored(aws)
    failure = next(record for record in caplog.records if record.levelno == logging.ERROR)
    assert "publishing photo" in failure.getMessage() and failure.exc_info  # detail in the log


def test_throttling_is_retried_with_backoff_and_the_upload_succeeds(aws, logged_in_client):
    with faults.Throttled("TransactWriteItems", times=1) as throttled:
        response = post_upload(logged_in_client)

    assert response.status_code == 302
    assert throttled.sent == 2  # one throttled attempt, one retry
    assert_no_orphans(aws)
    assert len(aws.object_keys()) >= 2


def test_throttling_past_the_retries_is_a_clean_503(aws, logged_in_client, settings):
    attempts = settings.AWS_CLIENT_CONFIG.retries["total_max_attempts"]
    with faults.Throttled("TransactWriteItems", times=attempts) as throttled:
        response = post_upload(logged_in_client)

    assert response.status_code == 503
    assert throttled.sent == attempts
    assert_nothing_stored(aws)


def storages_with_endpoint(settings, endpoint):
    # Not deepcopy: boto3's TransferConfig holds a sentinel that must stay the same object.
    default = settings.STORAGES["default"]
    options = {**default["OPTIONS"], "endpoint_url": endpoint, "client_config": FAST_FAILING}
    return {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


def logged_cause(caplog):
    """The exception behind the first logged failure, followed down its chain of causes."""
    record = next(record for record in caplog.records if record.exc_info)
    error = record.exc_info[1]
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def test_dynamodb_refusing_connections_removes_the_stored_objects(aws, logged_in_client, settings, caplog):
    settings.AWS_CLIENT_CONFIG = FAST_FAILING
    settings.DYNAMODB_ENDPOINT_URL = f"http://127.0.0.1:{faults.closed_port()}"

    response = post_upload(logged_in_client)
    home = Client().get("/")

    assert response.status_code == 503 and TRY_AGAIN in response.content.decode()
    assert home.status_code == 503 and TRY_AGAIN in home.content.decode()
    assert isinstance(logged_cause(caplog), EndpointConnectionError)
    assert aws.object_keys() == []


def test_s3_refusing_connections_stores_no_item(aws, logged_in_client, settings, caplog):
    settings.STORAGES = storages_with_endpoint(settings, f"http://127.0.0.1:{faults.closed_port()}")

    response = post_upload(logged_in_client)

    settings.STORAGES = storages_with_endpoint(settings, settings.AWS_S3_ENDPOINT_URL)
    assert response.status_code == 503 and TRY_AGAIN in response.content.decode()
    assert isinstance(logged_cause(caplog), EndpointConnectionError)
    assert_nothing_stored(aws)


def test_a_dynamodb_that_never_answers_times_out_within_the_configured_bound(
    aws, logged_in_client, settings, caplog
):
    settings.AWS_CLIENT_CONFIG = FAST_FAILING
    with faults.black_hole() as silent:
        settings.DYNAMODB_ENDPOINT_URL = silent.url
        response = post_upload(logged_in_client)
        page = Client().get("/photos/" + "a" * 32 + "/")

    assert response.status_code == 503 and page.status_code == 503
    assert isinstance(logged_cause(caplog), ReadTimeoutError)
    assert aws.object_keys() == []
    # Each request gave up after the configured attempts, each a read timeout (0.5 s): not the
    # default minutes. Counted where they arrive, not timed.
    assert silent.attempts == 2 * FAST_FAILING.retries["total_max_attempts"]


def test_an_s3_that_never_answers_times_out_and_stores_no_item(aws, logged_in_client, settings, caplog):
    with faults.black_hole() as silent:
        settings.STORAGES = storages_with_endpoint(settings, silent.url)
        response = post_upload(logged_in_client)
        settings.STORAGES = storages_with_endpoint(settings, settings.AWS_S3_ENDPOINT_URL)

    assert response.status_code == 503
    assert isinstance(logged_cause(caplog), ReadTimeoutError)
    assert_nothing_stored(aws)
    # The first object's PUT, given up after the configured attempts; nothing tried after it.
    assert silent.attempts == FAST_FAILING.retries["total_max_attempts"]


@pytest.mark.parametrize("path", ["/upload/", "/", "/accounts/login/"])
def test_the_database_refusing_connections_is_a_503_with_the_detail_in_the_log(aws, user, caplog, path):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    refused = OperationalError(2003, "Can't connect to MySQL server on 'db' (111)")

    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=refused):
        if path == "/":
            response = client.get(path)
        else:
            response = client.post(
                path, {"title": "x", "image": upload(), "username": "alice", "password": "x"}
            )

    assert response.status_code == 503
    assert TRY_AGAIN in response.content.decode()
    assert "Can't connect to MySQL" not in response.content.decode()
    assert any(record.exc_info and "Can't connect" in str(record.exc_info[1]) for record in caplog.records)
    assert_nothing_stored(aws)


def test_with_the_moto_server_stopped_every_page_asks_to_retry(aws, logged_in_client, moto_server, settings):
    settings.AWS_CLIENT_CONFIG = FAST_FAILING
    settings.STORAGES = storages_with_endpoint(settings, settings.AWS_S3_ENDPOINT_URL)
    photo_id = logged_in_client.post("/upload/", {"title": "Before", "image": upload()})["Location"]
    moto_server.stop()
    try:
        responses = {
            "upload": post_upload(logged_in_client),
            "gallery": Client().get("/"),
            "photo page": Client().get(photo_id),
            "health": Client().get("/healthz"),
        }
    finally:
        moto_server.start()

    for name, response in responses.items():
        assert response.status_code == 503, name
    assert TRY_AGAIN in responses["upload"].content.decode()
    assert TRY_AGAIN in responses["gallery"].content.decode()
    assert responses["health"].json() == {"database": "ok", "s3": "unavailable", "dynamodb": "unavailable"}


# --- edit and delete ---------------------------------------------------------------------------
@pytest.fixture
def photo(aws, user):
    return publish(user, title="Before", tags="old")


def test_edit_and_delete_make_exactly_these_backend_calls(aws, logged_in_client, photo):
    edit = {"title": "After", "tags": "new", "visibility": "public", "revision": 0}
    with faults.AwsCalls() as edited:
        logged_in_client.post(f"/photos/{photo.id}/edit/", edit)
    with faults.AwsCalls() as trashed:
        logged_in_client.post(f"/photos/{photo.id}/delete/")
    with faults.AwsCalls() as deleted:
        logged_in_client.post(f"/trash/{photo.id}/delete/")

    assert edited.calls == [*EDIT_STEPS, *COUNTS, FAVORITES_STEP, FOLLOWERS_STEP]
    assert trashed.calls == TRASHED_STEPS
    assert deleted.calls == DELETE_STEPS


def edit_form(client, photo_id):
    form = {"title": "After", "tags": "new", "visibility": "public", "revision": 0}
    return client.post(f"/photos/{photo_id}/edit/", form)


def edit_api(client, photo_id, headers):
    body = json.dumps({"title": "After", "tags": "new"})
    return client.patch(f"/api/photos/{photo_id}/", body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("error", list(faults.ERRORS))
@pytest.mark.parametrize("step", range(1, len(EDIT_STEPS) + 1))
@pytest.mark.parametrize("route", ["form", "api"])
def test_an_edit_failing_at_any_step_asks_to_retry_and_changes_nothing(
    aws, logged_in_client, user, photo, route, step, error, caplog
):
    before = snapshot(aws)
    token = {"Authorization": f"Token {ApiToken.issue(user)}"}
    with faults.AwsCalls(fail_at={step}, error=faults.ERRORS[error]) as recorded:
        if route == "form":
            response = edit_form(logged_in_client, photo.id)
        else:
            response = edit_api(Client(), photo.id, token)

    assert recorded.calls == EDIT_STEPS[:step]
    assert response.status_code == 503
    assert type(logged_cause(caplog)) is type(faults.ERRORS[error]("x"))  # the detail is in the log
    if route == "form":
        assert TRY_AGAIN in response.content.decode()
    else:
        assert "try again" in response.json()["error"]
    assert snapshot(aws) == before
    assert dynamodb.photo_repository().get_photo(photo.id).title == "Before"


@pytest.mark.parametrize("error", list(faults.ERRORS))
@pytest.mark.parametrize("step", range(1, len(TRASH_STEPS) + 1))
@pytest.mark.parametrize("route", ["form", "api"])
def test_a_delete_failing_before_the_items_go_asks_to_retry_and_keeps_the_photo_whole(
    aws, logged_in_client, user, photo, route, step, error
):
    before = snapshot(aws)
    token = {"Authorization": f"Token {ApiToken.issue(user)}"}
    with faults.AwsCalls(fail_at={step}, error=faults.ERRORS[error]):
        if route == "form":
            response = logged_in_client.post(f"/photos/{photo.id}/delete/")
        else:
            response = Client().delete(f"/api/photos/{photo.id}/", headers=token)

    assert response.status_code == 503
    assert snapshot(aws) == before  # still there, whole: the user can simply retry
    retry = logged_in_client.post(f"/photos/{photo.id}/delete/")
    assert retry.status_code == 302
    assert dynamodb.photo_repository().get_photo(photo.id).trashed_at  # in the trash, whole
    assert logged_in_client.post(f"/trash/{photo.id}/delete/").status_code == 302
    assert_nothing_stored(aws)


@pytest.mark.parametrize("step", range(len(DELETE_STEPS) - len(OBJECT_DELETES) + 1, len(DELETE_STEPS) + 1))
def test_a_delete_whose_object_removal_fails_leaves_an_orphan_that_reconcile_removes(
    aws, logged_in_client, photo, caplog, step
):
    logged_in_client.post(f"/photos/{photo.id}/delete/")  # to the trash, then for good
    with faults.AwsCalls(fail_at={step}, error=faults.refused):
        response = logged_in_client.post(f"/trash/{photo.id}/delete/")

    # The photo is gone for everyone (items first); one object could not be removed.
    assert response.status_code == 302
    assert photo_items(aws) == []
    assert len(aws.object_keys()) == 1
    assert any("left for reconciliation" in record.getMessage() for record in caplog.records)

    call_command("reconcile", "--fix", "--min-age", "0", stdout=io.StringIO())

    assert aws.object_keys() == []
    assert_no_orphans(aws)


def test_a_delete_whose_favourites_cannot_be_removed_still_deletes_and_reconcile_removes_them(
    aws, logged_in_client, photo, bob, caplog
):
    dynamodb.photo_repository().add_favorite(photo, bob.pk)
    logged_in_client.post(f"/photos/{photo.id}/delete/")  # to the trash (the favourite unlisted)
    with faults.AwsCalls(fail_at={len(EDIT_STEPS) + 2}, error=faults.refused):  # its favourites
        response = logged_in_client.post(f"/trash/{photo.id}/delete/")

    assert response.status_code == 302
    assert aws.object_keys() == []  # the objects went on
    assert [item for item in aws.table_items() if item["sk"].startswith("FAN#")]  # a stray, until reconcile
    assert any("left for reconcile" in record.getMessage() for record in caplog.records)

    call_command("reconcile", "--fix", "--min-age", "0", stdout=io.StringIO())

    assert dynamodb.photo_repository().favorites_page(bob.pk).items == []
    assert photo_items(aws) == []


def snapshot(aws):
    return sorted(
        json.dumps(item, sort_keys=True, default=str) for item in aws.table_items()
    ), aws.object_keys()
