"""`manage.py reconcile`: orphans left by a crash between steps are found, and removed with --fix."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from gallery import metadata
from gallery.tests import faults
from gallery.tests.factories import upload

pytestmark = pytest.mark.django_db


def reconcile(*args):
    out = io.StringIO()
    call_command("reconcile", "--min-age", "0", *args, stdout=out)
    return out.getvalue()


def publish(client, title):
    response = client.post("/upload/", {"title": title, "image": upload()})
    return re.fullmatch(r"/photos/([0-9a-f]{32})/", response["Location"]).group(1)


def crashed_upload(client):
    """An upload whose metadata write fails and whose clean-up fails too, as if the process had
    died between storing the objects and writing the item."""
    with faults.AwsCalls(fail_every={"dynamodb.TransactWriteItems", "s3.DeleteObject"}):
        response = client.post("/upload/", {"title": "Lost", "image": upload()})
    assert response.status_code == 503


def test_a_consistent_store_has_no_orphans(aws, logged_in_client):
    publish(logged_in_client, "kept")

    output = reconcile("--fix")

    assert "1 photos, 2 objects under photos/" in output and "No orphans." in output
    assert len(aws.object_keys()) == 2


def test_objects_of_a_crashed_upload_are_found_and_removed_with_fix(aws, logged_in_client):
    kept = publish(logged_in_client, "kept")
    crashed_upload(logged_in_client)
    orphans = [key for key in aws.object_keys() if not key.startswith(f"photos/{kept}/")]
    assert len(orphans) == 2

    found = reconcile()
    assert aws.object_keys() == sorted([*orphans, f"photos/{kept}/original.jpg", f"photos/{kept}/thumb.jpg"])
    fixed = reconcile("--fix")

    for key in orphans:
        assert f"orphan object: {key}" in found
    assert "Run with --fix" in found
    assert "Removed 2 objects" in fixed
    assert aws.object_keys() == [f"photos/{kept}/original.jpg", f"photos/{kept}/thumb.jpg"]
    assert "No orphans." in reconcile()


def test_a_photo_whose_object_is_missing_is_removed_whole(aws, logged_in_client):
    kept, broken = publish(logged_in_client, "kept"), publish(logged_in_client, "broken")
    default_storage.delete(f"photos/{broken}/thumb.jpg")

    found = reconcile()
    fixed = reconcile("--fix")

    assert f"photo with missing objects: {broken}" in found
    assert "Removed 1 objects and the items of 1 photos." in fixed
    assert aws.object_keys() == [f"photos/{kept}/original.jpg", f"photos/{kept}/thumb.jpg"]
    assert {item["pk"] for item in aws.table_items()} == {f"PHOTO#{kept}"}
    assert "broken" not in Client().get("/").content.decode()
    with pytest.raises(metadata.PhotoNotFound):
        metadata.photo_table().get_photo(broken)


def test_list_cards_without_their_photo_are_removed(aws, logged_in_client):
    photo_id = publish(logged_in_client, "half deleted")
    metadata.photo_table()._table.delete_item(Key={"pk": f"PHOTO#{photo_id}", "sk": "PHOTO"})

    found = reconcile()
    reconcile("--fix")

    assert f"list cards without a photo: {photo_id}" in found
    assert aws.table_items() == [] and aws.object_keys() == []


def test_recent_unnamed_objects_are_left_alone(aws):
    default_storage.save("photos/" + "b" * 32 + "/original.jpg", ContentFile(b"in flight"))
    out = io.StringIO()

    call_command("reconcile", "--fix", stdout=out)  # default --min-age: one hour

    assert "1 unnamed objects younger than 3600 s left alone" in out.getvalue()
    assert "No orphans." in out.getvalue()
    assert aws.object_keys() == ["photos/" + "b" * 32 + "/original.jpg"]
