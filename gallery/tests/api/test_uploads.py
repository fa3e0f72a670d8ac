"""Uploads straight to S3 (gallery.api.uploads, photos.start/complete/process_upload): the
contract of docs/api.md over real HTTP, the file POSTed to moto's S3 with the presigned fields."""

import base64
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from gallery.tests.direct_uploads import complete, post_to_s3, run_worker, start, upload_file
from gallery.tests.factories import image_bytes, noise_image_bytes
from gallery.tests.stores import assert_no_orphans, photo_items

pytestmark = pytest.mark.django_db


def policy_of(upload):
    return json.loads(base64.b64decode(upload["fields"]["policy"]))


def test_a_photo_goes_from_processing_to_ready_in_every_list(aws, alice, user):
    upload = start(alice, filename="harbour.jpg", content_type="image/jpeg", size=5000)
    assert upload.status_code == 201
    upload_id = upload.json()["upload_id"]
    assert post_to_s3(upload.json(), image_bytes(size=(1200, 800))).status_code == 204

    completed = complete(alice, upload_id, title="Harbour", tags="sea boats", description="Boats.")

    assert completed.status_code == 202
    assert completed.json()["status"] == "processing" and completed.json()["id"] == upload_id
    assert completed["Location"] == f"/api/photos/{upload_id}/"
    assert alice.get(f"/api/photos/{upload_id}/").json()["status"] == "processing"
    assert alice.get("/api/photos/").json()["results"] == []  # in no list while processing

    assert run_worker() == 1

    photo = alice.get(f"/api/photos/{upload_id}/").json()
    assert photo["status"] == "ready" and photo["title"] == "Harbour" and photo["tags"] == ["sea", "boats"]
    assert (photo["original"]["width"], photo["original"]["height"]) == (1200, 800)
    assert photo["thumbnail"]["width"] == 400 and photo["display"]["width"] == 1200
    assert [card["id"] for card in alice.get("/api/photos/?tag=sea").json()["results"]] == [upload_id]
    assert aws.object_keys() == [
        f"photos/{upload_id}/c1100.webp",  # the cards' (a 3:2 photo is card-shaped: whole)
        f"photos/{upload_id}/c400.webp",
        f"photos/{upload_id}/c700.webp",
        f"photos/{upload_id}/display.jpg",
        f"photos/{upload_id}/original.jpg",
        f"photos/{upload_id}/shared.jpg",  # the copy without metadata that others download
        f"photos/{upload_id}/thumb.jpg",
        f"photos/{upload_id}/w1200.webp",  # its own size: nothing is enlarged
        f"photos/{upload_id}/w400.webp",
        f"photos/{upload_id}/w800.webp",
    ]  # uploads/ is empty again
    assert aws.head(f"photos/{upload_id}/original.jpg")["ContentType"] == "image/jpeg"
    assert aws.head(f"photos/{upload_id}/original.jpg")["ContentDisposition"].startswith("attachment")
    assert_no_orphans(aws)


def test_the_presigned_post_is_bound_to_one_key_the_size_limit_and_a_short_expiry(aws, alice, user, settings):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 5000
    before = datetime.now(UTC)
    upload = start(alice, filename="a.jpg", content_type="image/jpeg", size=100).json()
    after = datetime.now(UTC)

    policy = policy_of(upload)
    key = f"uploads/{user.pk}/{upload['upload_id']}"
    assert upload["fields"]["key"] == key
    assert {"key": key} in policy["conditions"]
    assert ["content-length-range", 1, 5000] in policy["conditions"]
    expiry = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    lifetime = timedelta(seconds=settings.PHOTOSHARE_UPLOAD_URL_EXPIRE)
    # Signed between `before` and `after`, to the second: as long as the setting says, no shorter
    # (a client must have time to send the file) and no longer.
    assert before.replace(microsecond=0) + lifetime <= expiry <= after + lifetime
    assert settings.PHOTOSHARE_UPLOAD_URL_EXPIRE <= 900


def test_starting_needs_a_signed_in_user_and_a_size_within_the_limit(aws, client, alice, settings):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 5000
    assert start(client.__class__(), size=10).status_code == 401
    too_large = start(alice, filename="big.jpg", size=5001)
    assert too_large.status_code == 413 and "the limit is 4.9\xa0KB" in too_large.json()["error"]
    assert start(alice, size="many").json() == {
        "error": "The size of the file in bytes, a whole number.",
        "errors": {"size": ["The size of the file in bytes, a whole number."]},
    }
    assert alice.post("/api/uploads/", "[]", content_type="application/json").status_code == 400
    assert alice.get("/api/uploads/").status_code == 405


def test_a_second_complete_is_a_409_and_changes_nothing(aws, alice):
    upload_id, first = upload_file(alice)
    assert first.status_code == 202

    again = complete(alice, upload_id, title="Another title")
    assert again.status_code == 409 and "already completed" in again.json()["error"]
    run_worker()
    assert complete(alice, upload_id, title="Later").status_code == 409
    assert alice.get(f"/api/photos/{upload_id}/").json()["title"] == "Harbour"


def test_a_complete_by_another_user_is_refused_and_leaves_the_owners_upload(aws, alice, user, bob):
    upload = start(alice, size=1000).json()
    assert post_to_s3(upload, image_bytes(size=(120, 80))).status_code == 204
    alice.logout()
    alice.force_login(bob)

    before = complete(alice, upload["upload_id"], title="Mine now")  # not completed by its owner yet
    assert before.status_code == 400 and "No file has been uploaded" in before.json()["error"]

    alice.force_login(user)
    assert complete(alice, upload["upload_id"], title="Harbour").status_code == 202
    alice.force_login(bob)
    after = complete(alice, upload["upload_id"], title="Mine now")
    assert after.status_code == 404 and after.json() == {"error": "No such upload."}
    assert alice.get(f"/api/photos/{upload['upload_id']}/").status_code == 404  # processing: owner only


def test_a_complete_without_an_object_is_a_400_and_stores_nothing(aws, alice):
    upload = start(alice, size=1000).json()

    response = complete(alice, upload["upload_id"], title="Harbour")

    assert response.status_code == 400 and "POST the file to the upload URL first" in response.json()["error"]
    assert photo_items(aws) == [] and aws.object_keys() == []
    assert complete(alice, "0" * 32, title="Harbour").status_code == 400


def test_bad_details_are_a_400_per_field_and_keep_the_file_for_a_retry(aws, alice):
    upload = start(alice, size=1000).json()
    post_to_s3(upload, image_bytes(size=(120, 80)))

    response = complete(alice, upload["upload_id"], title="", tags="no/slash", colour="red")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"colour"}
    response = complete(alice, upload["upload_id"], title="", tags="no/slash")
    assert set(response.json()["errors"]) == {"title", "tags"}
    # For a person: each message after its field's label, never the API's field name.
    assert response.json()["error"].startswith("Title: This field is required. Tags: ")
    assert photo_items(aws) == []
    assert complete(alice, upload["upload_id"], title="Fixed").status_code == 202


def transparent_tiff(size):
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 120, 40, 128)).save(buffer, format="TIFF", compression="tiff_deflate")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><script>alert(1)</script></html>", "not an image"),
        (image_bytes(format="PNG", size=(8000, 7000)), "pixels"),  # 56 MP: over the 50 MP limit
        (image_bytes()[:300], "damaged"),
        # 5.9 MP of a TIFF with transparency: 22 bytes a pixel, over the default 125 MB budget
        # for images decoded whole (an 8-bit PNG is decoded in bands: held to 50 MP alone).
        (transparent_tiff((2800, 2100)), "5.6 megapixels for tiff images with transparency"),
    ],
    ids=["not-an-image", "bomb", "truncated", "transparent-tiff-over-the-decode-budget"],
)
def test_a_file_the_worker_refuses_ends_failed_with_its_reason_and_nothing_left(aws, alice, data, reason):
    upload_id, completed = upload_file(alice, data=data, tags="sea")
    assert completed.status_code == 202

    run_worker()

    photo = alice.get(f"/api/photos/{upload_id}/").json()
    assert photo["status"] == "failed" and reason in photo["reason"].lower()
    assert aws.object_keys() == []  # neither the upload nor any size
    assert alice.get("/api/photos/").json()["results"] == []
    assert alice.get("/api/photos/?tag=sea").json()["results"] == []
    assert alice.delete(f"/api/photos/{upload_id}/").status_code == 204  # the owner clears it
    assert photo_items(aws) == []


def test_a_file_over_the_limit_is_refused_at_complete_when_s3_stored_it(aws, alice, settings):
    # Real S3 refuses it at step 2 (the signed content-length-range: EntityTooLarge). moto does
    # not check POST policies, so the complete's HeadObject is what refuses it here.
    upload = start(alice, size=1000).json()
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 20_000
    post_to_s3(upload, noise_image_bytes(size=(100, 100)))  # ~30 KB

    response = complete(alice, upload["upload_id"], title="Big")

    assert response.status_code == 413 and "the limit is 19.5\xa0KB" in response.json()["error"]
    assert aws.object_keys() == [] and photo_items(aws) == []


def test_a_processing_photo_is_its_owners_only_and_cannot_be_edited_yet(aws, alice, client, bob):
    upload_id, _ = upload_file(alice, visibility="public")
    other = client.__class__()
    other.force_login(bob)

    assert other.get(f"/api/photos/{upload_id}/").status_code == 404
    assert client.__class__().get(f"/api/photos/{upload_id}/").status_code == 404
    edit = alice.patch(
        f"/api/photos/{upload_id}/", json.dumps({"title": "x"}), content_type="application/json"
    )
    assert edit.status_code == 409 and "still being processed" in edit.json()["error"]
    assert alice.get(f"/photos/{upload_id}/").status_code == 200  # the owner's page says so

    run_worker()
    assert other.get(f"/api/photos/{upload_id}/").json()["status"] == "ready"


def test_complete_takes_every_detail_the_edit_takes(aws, alice):
    """One list of a photo's details (the form's): sharing the original is chosen at upload too."""
    upload_id, completed = upload_file(alice, share_original=True, tags=["sea", "Boats"])

    assert completed.status_code == 202, completed.json()
    assert run_worker() == 1
    photo = alice.get(f"/api/photos/{upload_id}/").json()
    assert photo["share_original"] is True and photo["tags"] == ["sea", "boats"]

    _id, wrong = upload_file(alice, share_original="yes", title=7)
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {
        "share_original": ["Must be true or false."],
        "title": ["Must be a string."],
    }


def test_a_size_written_with_a_point_is_a_whole_number_as_json_schema_counts_one(aws, alice, settings):
    # Found by schemathesis (gallery/tests/api/test_fuzz.py): the document says `integer`, which
    # 5001.0 is in JSON Schema; it was refused as "not a whole number" instead of sized.
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 5000
    assert start(alice, size=1000.0).status_code == 201
    assert start(alice, size=5001.0).status_code == 413
    for size in (1000.5, True, 0.0, "1000"):
        assert start(alice, size=size).json()["errors"] == {
            "size": ["The size of the file in bytes, a whole number."]
        }, size
