"""The upload path end to end: Django test client -> S3 and DynamoDB on moto over HTTP."""

import io
import re
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from gallery import metadata
from gallery.tests.factories import exif_with, image_bytes, noise_image_bytes, upload

pytestmark = pytest.mark.django_db


def post_upload(client, **fields):
    data = {"title": "Harbour at dusk", "description": "Boats coming home.", "tags": "Sea, boats sea"}
    data.update(fields)
    data.setdefault("image", upload())
    return client.post("/upload/", data)


def photo_id_from(response):
    return re.fullmatch(r"/photos/([0-9a-f]{32})/", response["Location"]).group(1)


def test_upload_stores_both_objects_and_the_item_and_shows_the_photo(aws, logged_in_client, user):
    data = image_bytes(size=(1200, 800), exif=exif_with(orientation=6, gps=True))

    response = post_upload(logged_in_client, image=upload("harbour.jpg", data))

    assert response.status_code == 302
    photo_id = photo_id_from(response)
    original, thumbnail = f"photos/{photo_id}/original.jpg", f"photos/{photo_id}/thumb.jpg"
    display = f"photos/{photo_id}/display.jpg"  # the photo page's size: see test_renditions.py
    assert aws.object_keys() == [display, original, thumbnail]
    assert aws.head(original)["ContentType"] == "image/jpeg"
    assert aws.head(thumbnail)["ContentType"] == "image/jpeg"
    assert aws.read(original) == data
    stored_thumbnail = Image.open(io.BytesIO(aws.read(thumbnail)))
    assert stored_thumbnail.size == (267, 400)  # orientation 6 applied: portrait
    assert not stored_thumbnail.getexif()

    photo = metadata.photo_table().get_photo(photo_id)
    assert photo.title == "Harbour at dusk"
    assert photo.description == "Boats coming home."
    assert photo.tags == ["sea", "boats"]
    assert (photo.owner_id, photo.owner_username) == (user.pk, "alice")
    assert (photo.width, photo.height, photo.original_bytes) == (800, 1200, len(data))
    assert (photo.thumbnail_width, photo.thumbnail_height) == (267, 400)

    page = logged_in_client.get(response["Location"])
    assert page.status_code == 200
    assert "“Harbour at dusk” is uploaded." in page.content.decode()
    for text in ("Harbour at dusk", "Boats coming home.", "alice", "sea", "boats"):
        assert text in page.content.decode()

    gallery = logged_in_client.get("/").content.decode()
    assert f'href="/photos/{photo_id}/"' in gallery
    assert "Harbour at dusk" in gallery and "by alice" in gallery and '">boats</a></li>' in gallery
    assert f"/photos/{photo_id}/thumb.jpg?" in gallery  # presigned: the bucket stays private


def test_the_detected_format_decides_key_and_content_type_not_the_browser(aws, logged_in_client):
    png = image_bytes(format="PNG", size=(300, 200))

    response = post_upload(logged_in_client, image=upload("innocent.jpg", png, content_type="text/html"))

    photo_id = photo_id_from(response)
    assert aws.head(f"photos/{photo_id}/original.png")["ContentType"] == "image/png"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("text named .jpg", "The file is not an image"),
        ("truncated jpeg", "damaged or incomplete"),
        ("over the size limit", "the limit is 10.0\xa0KB"),
        ("missing title", "This field is required."),
    ],
)
def test_rejected_uploads_show_a_form_error_and_store_nothing(aws, logged_in_client, settings, case, message):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 10 * 1024
    jpeg = image_bytes(size=(400, 300))
    fields = {
        "text named .jpg": {"image": upload("notes.jpg", b"Dear diary, today I uploaded a text file.")},
        "truncated jpeg": {"image": upload("cut.jpg", jpeg[: len(jpeg) // 2])},
        "over the size limit": {"image": upload("big.png", noise_image_bytes(size=(100, 100)))},
        "missing title": {"image": upload("ok.jpg", jpeg), "title": ""},
    }[case]

    response = post_upload(logged_in_client, **fields)

    # A file over the limit is stopped while streaming (gallery.uploads): 413 Content Too Large.
    assert response.status_code == (413 if case == "over the size limit" else 400)
    assert message in response.content.decode()
    assert aws.object_keys() == []
    assert aws.table_items() == []


def test_upload_requires_login(aws, client):
    assert client.get("/upload/")["Location"] == "/accounts/login/?next=/upload/"

    response = post_upload(client)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert aws.object_keys() == []


def test_failed_thumbnail_store_leaves_no_orphan_and_asks_to_retry(aws, logged_in_client):
    real_save = default_storage.save

    def fail_on_thumbnail(name, content, *args, **kwargs):
        if name.endswith("thumb.jpg"):
            raise OSError("S3 went away")
        return real_save(name, content, *args, **kwargs)

    with mock.patch.object(default_storage, "save", side_effect=fail_on_thumbnail):
        response = post_upload(logged_in_client)

    assert response.status_code == 503
    assert "could not be stored. Please try again." in response.content.decode()
    assert aws.object_keys() == []
    assert aws.table_items() == []


def test_failed_metadata_write_removes_the_stored_objects(aws, logged_in_client):
    table = metadata.photo_table()
    with mock.patch.object(table, "put_photo", side_effect=metadata.MetadataUnavailable("down")):
        response = post_upload(logged_in_client)

    assert response.status_code == 503
    assert aws.object_keys() == []


def test_gallery_pages_newest_first_with_a_cursor(aws, logged_in_client, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for title in ("first", "second", "third"):
        post_upload(logged_in_client, title=title, image=upload(data=image_bytes(size=(60, 40))))

    visitor = Client()  # no pending "uploaded" messages naming the photos
    page_one = visitor.get("/").content.decode()
    next_link = re.search(r'href="\?cursor=([^"]+)"', page_one).group(1)
    page_two = visitor.get(f"/?cursor={next_link}").content.decode()

    assert page_one.index("third") < page_one.index("second") and "first" not in page_one
    assert "first" in page_two and "second" not in page_two
    assert "?cursor=" not in page_two  # nothing older


def test_a_forged_cursor_is_a_400(aws, client):
    response = client.get("/?cursor=not-a-cursor")

    assert response.status_code == 400


def test_gallery_is_public_and_says_when_empty(aws, client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No photos yet." in response.content.decode()


@pytest.mark.parametrize("path", [f"/photos/{'0' * 32}/", "/photos/not-an-id/"])
def test_unknown_photo_is_a_404_page(aws, client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Not found" in response.content.decode()
