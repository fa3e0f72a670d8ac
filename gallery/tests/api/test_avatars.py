"""Profile pictures: POST|DELETE /api/users/me/avatar/ and the account page's form
(gallery.services.avatars); `avatar_url` in GET /api/users/<username>/; the picture on the
person's page, beside comments and in the header (the default when none); replacing deletes the
old objects; account deletion and reconcile know them."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import ApiToken
from gallery.services import comments, erase
from gallery.services.reconcile import find_orphans
from gallery.storage.s3 import keys
from gallery.tests.factories import camera_exif, image_bytes
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

EXIF_GPS_IFD = 0x8825


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def picture(name="me.jpg", **options):
    return SimpleUploadedFile(name, image_bytes(exif=camera_exif(gps=True), **options), "image/jpeg")


def avatar_keys(aws):
    return [key for key in aws.object_keys() if key.startswith(keys.AVATARS_PREFIX)]


def test_an_avatar_through_the_api_is_a_square_without_metadata_and_replacing_deletes_the_old(aws, user):
    api = token_client(user)
    assert Client().get("/api/users/alice/").json()["avatar_url"] is None

    answer = api.post("/api/users/me/avatar/", {"avatar": picture()})

    assert answer.status_code == 200, answer.content
    first = avatar_keys(aws)
    assert len(first) == 2 and all(keys.avatar_owner_of_key(key)[0] == user.pk for key in first)
    large = next(key for key in first if key.endswith("-256.jpg"))
    assert answer.json()["avatar_url"] and large in answer.json()["avatar_url"]
    stored = Image.open(io.BytesIO(aws.read(large)))
    assert stored.size == (256, 256) and not stored.getexif()
    assert aws.head(large)["ContentType"] == "image/jpeg"

    api.post("/api/users/me/avatar/", {"avatar": picture(color=(0, 90, 200))})
    second = avatar_keys(aws)
    assert len(second) == 2 and not set(first) & set(second)  # new keys; the old objects are gone
    assert find_orphans(min_age=timedelta(0)).stray_avatars == {}

    assert api.delete("/api/users/me/avatar/").json()["avatar_url"] is None
    assert avatar_keys(aws) == []


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"GIF89a-not-really", "not_an_image"), (b"", "invalid")],
)
def test_bad_pictures_get_a_400_and_nothing_is_stored(aws, user, data, code):
    answer = token_client(user).post(
        "/api/users/me/avatar/", {"avatar": SimpleUploadedFile("x.jpg", data, "image/jpeg")}
    )
    assert answer.status_code == 400 and "avatar" in answer.content.decode()
    assert avatar_keys(aws) == []


def test_no_file_and_no_login(aws, user):
    assert token_client(user).post("/api/users/me/avatar/", {}).status_code == 400
    assert Client().post("/api/users/me/avatar/", {"avatar": picture()}).status_code == 401


@pytest.mark.parametrize(("language", "label"), [("en", "Profile picture"), ("ko", "프로필 사진")])
def test_the_profile_page_sets_it_and_pages_show_it_or_the_default(aws, client, user, bob, language, label):
    client.cookies["django_language"] = language
    client.force_login(user)
    photo = publish(user, title="Harbour")
    comments.write(bob, photo, "Nice")
    page = client.get("/accounts/profile/").content.decode()
    assert label in page and 'enctype="multipart/form-data"' in page and "/static/img/avatar." in page

    response = client.post("/accounts/profile/", {"display_name": "", "bio": "", "avatar": picture()})
    assert response.status_code == 302

    small, large = (f"{size}.jpg" for size in (64, 256))
    person = client.get("/users/alice/").content.decode()
    assert re.search(r'<img class="avatar" src="[^"]*' + large, person)  # their page
    assert small in person  # the header: the signed-in user's
    detail = client.get(f"/photos/{photo.id}/").content.decode()
    assert detail.count("/static/img/avatar.") >= 1  # bob has none: the default beside his comment

    client.post("/accounts/profile/", {"display_name": "", "bio": "", "remove_avatar": "on"})
    assert avatar_keys(aws) == []


def test_deleting_the_account_deletes_the_avatar_and_reconcile_reports_strays(aws, user, bob):
    token_client(user).post("/api/users/me/avatar/", {"avatar": picture()})
    aws.s3.put_object(Bucket=aws.bucket, Key="avatars/999/0123456789abcdef-64.jpg", Body=b"x")
    aws.s3.put_object(Bucket=aws.bucket, Key="avatars/notes.txt", Body=b"x")

    report = find_orphans(min_age=timedelta(0))
    assert report.stray_avatars == {
        "avatars/999/0123456789abcdef-64.jpg": "of user 999, who does not exist",
        "avatars/notes.txt": "not an avatar key",
    }

    erase.request_deletion(user)
    erase.erase_account(user.pk)
    assert avatar_keys(aws) == ["avatars/999/0123456789abcdef-64.jpg", "avatars/notes.txt"]  # never deleted
