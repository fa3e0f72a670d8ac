"""Every case of the hostile-input corpus (gallery/tests/hostile.py) through the upload form
and through the JSON API (POST /api/photos/).

A rejected case must answer with its status and a message the user can read, and leave no
object in S3 and no item in DynamoDB. An accepted case must be stored whole and correctly:
both objects with the content types of the detected format, the item, an upright thumbnail.
"""

import io
import json
import re

import pytest
from django.test import Client
from django.utils.html import escape
from PIL import Image

from accounts.models import ApiToken
from gallery.storage import dynamodb
from gallery.tests import hostile
from gallery.tests.factories import assert_no_location, upload
from gallery.tests.stores import assert_no_orphans, assert_nothing_stored

pytestmark = pytest.mark.django_db

CASES = {case.name: case for case in hostile.corpus()}
DARK = 60  # the factories' images have a dark (20, 20, 20) top-left quadrant on (180, 90, 40)


@pytest.fixture
def corpus_limits(settings):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = hostile.MAX_UPLOAD_BYTES
    settings.PHOTOSHARE_MAX_IMAGE_PIXELS = hostile.MAX_IMAGE_PIXELS


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert sum(case.status == 302 for case in CASES.values()) >= 10
    assert sum(case.status != 302 for case in CASES.values()) >= 20


def form_data(case):
    data = {"title": "A title", "description": "A description.", "tags": "one two"}
    data.update(case.fields)
    data["image"] = upload(
        case.file_name, hostile.PLAIN_JPEG if case.data is None else case.data, content_type=case.content_type
    )
    return {name: value for name, value in data.items() if name not in case.omit}


def stored_photo(aws, response):
    if response.status_code == 201:  # the API
        photo_id = response.json()["id"]
    else:
        photo_id = re.fullmatch(r"/photos/([0-9a-f]{32})/", response["Location"]).group(1)
    photo = dynamodb.photo_repository().get_photo(photo_id)
    assert aws.object_keys() == sorted(photo.object_keys)
    assert_no_orphans(aws)
    return photo


def thumbnail_of(aws, photo):
    return Image.open(io.BytesIO(aws.read(photo.thumbnail_key)))


def post(route, client, user, case):
    if route == "form":
        return client.post("/upload/", form_data(case))
    token = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Token {token}"}).post("/api/photos/", form_data(case))


def expected_status(route, case):
    return 201 if route == "api" and case.status == 302 else case.status


def shown_message(route, response):
    """The page (form) or every error message of the JSON body (API)."""
    if route == "form":
        return response.content.decode()
    assert response["Content-Type"] == "application/json"
    body = response.json()
    return json.dumps(body.get("errors") or body.get("error"), ensure_ascii=False)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("route", ["form", "api"])
def test_upload(aws, logged_in_client, user, corpus_limits, route, name):
    case = CASES[name]

    response = post(route, logged_in_client, user, case)

    assert response.status_code == expected_status(route, case), response.content.decode()[:2000]
    if case.status != 302:
        message = escape(case.message) if route == "form" else case.message
        assert message in shown_message(route, response)
        assert_nothing_stored(aws)
        return

    photo = stored_photo(aws, response)
    original = aws.head(photo.original_key)
    thumbnail = aws.head(photo.thumbnail_key)
    extension = photo.original_key.rsplit(".", 1)[1]
    # The detected format decides; what the browser sent (file name, content type) never does.
    assert (
        original["ContentType"]
        == {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}[extension]
    )
    assert original["ContentDisposition"] == f'attachment; filename="photo-{photo.id}.{extension}"'
    assert thumbnail["ContentType"] == "image/jpeg"
    for key in (photo.display_key, photo.thumbnail_key):  # re-encoded sizes: shown, never downloaded
        assert aws.head(key)["ContentDisposition"] == "inline"
    if photo.shared_key:  # the full size others download: an attachment too, without any EXIF
        assert aws.head(photo.shared_key)["ContentDisposition"].startswith("attachment; ")
        assert_no_location(aws.read(photo.shared_key))
    assert aws.read(photo.original_key) == (hostile.PLAIN_JPEG if case.data is None else case.data)
    stored_thumbnail = thumbnail_of(aws, photo)
    assert (stored_thumbnail.format, stored_thumbnail.mode) == ("JPEG", "RGB")
    assert stored_thumbnail.size == (photo.thumbnail_width, photo.thumbnail_height)
    assert max(stored_thumbnail.size) <= 400
    ACCEPTANCE_CHECKS.get(name, lambda *args: None)(aws, photo, stored_thumbnail, logged_in_client)


# --- what each accepted case must look like once stored ----------------------------------------
def _upright(aws, photo, thumbnail, client):
    # Stored 120 x 80 with the dark quadrant top-left before orientation; displayed upright.
    assert thumbnail.getpixel((2, 2))[0] < DARK
    assert thumbnail.getpixel((thumbnail.width - 3, thumbnail.height - 3))[0] > 150


def _orientation_check(orientation):
    def check(aws, photo, thumbnail, client):
        # What the camera meant: orientations 5-8 were stored rotated by 90 degrees.
        expected = (80, 120) if orientation >= 5 else (120, 80)
        assert (photo.width, photo.height) == expected
        assert thumbnail.size == expected
        if orientation == 1:
            _upright(aws, photo, thumbnail, client)
        else:
            # The factory stored the same upright picture with a tag claiming a rotation: the
            # thumbnail is the picture turned as the tag says, so its dark corner moves.
            corner = {2: "tr", 3: "br", 4: "bl", 5: "tl", 6: "tr", 7: "br", 8: "bl"}[orientation]
            x = 2 if corner[1] == "l" else thumbnail.width - 3
            y = 2 if corner[0] == "t" else thumbnail.height - 3
            assert thumbnail.getpixel((x, y))[0] < DARK, (orientation, corner)

    return check


def _colour(expected, at=(40, 20), tolerance=40):
    def check(aws, photo, thumbnail, client):
        actual = thumbnail.getpixel(at)
        assert all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True)), actual

    return check


def _size(width, height):
    def check(aws, photo, thumbnail, client):
        assert (photo.width, photo.height) == (width, height)

    return check


def _escaped_everywhere(aws, photo, thumbnail, client):
    raw = "<script>alert('x')</script>"
    visitor = Client()
    pages = {
        path: client.get(path)
        for path in (f"/photos/{photo.id}/", f"/photos/{photo.id}/edit/", f"/photos/{photo.id}/delete/")
    }
    for path in ("/", "/users/alice/", "/tags/one/", "/search/?q=%3Cscript"):
        pages[path] = visitor.get(path)
    for path, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, path
        assert raw not in page and "<img src=x onerror" not in page, path
        assert escape(raw) in page, path
    # The API returns the text as typed, as JSON that no browser renders as HTML.
    api = visitor.get(f"/api/photos/{photo.id}/")
    assert api["Content-Type"] == "application/json" and api["X-Content-Type-Options"] == "nosniff"
    assert api.json()["title"].startswith(raw)
    assert photo.title.startswith(raw)  # stored as typed, escaped when shown


def _tags(expected):
    def check(aws, photo, thumbnail, client):
        assert photo.tags == expected

    return check


def _no_trace_of_the_file_name(aws, photo, thumbnail, client):
    assert re.fullmatch(r"photos/[0-9a-f]{32}/original\.jpg", photo.original_key)
    assert "passwd" not in str(aws.table_items())


ACCEPTANCE_CHECKS = {
    **{f"exif orientation {number}": _orientation_check(number) for number in range(1, 9)},
    "cmyk jpeg": _colour((255, 0, 0), at=(30, 20), tolerance=60),
    "16-bit grey png": _colour((195, 195, 195), at=(30, 20), tolerance=3),  # 50000 / 256
    "48-bit rgb png": _colour((234, 117, 4), at=(30, 20), tolerance=3),  # 60000/30000/1000 >> 8
    "palette png with alpha": lambda aws, photo, thumbnail, client: (
        _colour((255, 255, 255), at=(5, 20), tolerance=3)(aws, photo, thumbnail, client),  # transparent
        _colour((200, 30, 30), at=(55, 20), tolerance=10)(aws, photo, thumbnail, client),
    ),
    "animated gif": _colour((200, 30, 30), at=(30, 20), tolerance=30),  # the first frame
    "animated webp": _colour((200, 30, 30), at=(30, 20), tolerance=30),
    "corrupt exif": _size(64, 48),
    "1x1 image": _size(1, 1),
    "20000x1 strip": lambda aws, photo, thumbnail, client: (
        _size(20_000, 1)(aws, photo, thumbnail, client),
        _colour((9, 99, 199), at=(200, 0), tolerance=10)(aws, photo, thumbnail, client),
    ),
    "tags with spaces and unicode": _tags(["new", "york", "café", "東京"]),
    "hashtags": _tags(["sunset", "sea"]),
    "html and javascript in title and description": _escaped_everywhere,
    "file name with path traversal and nul": _no_trace_of_the_file_name,
    "jpeg+html polyglot": _size(400, 300),
    "jpeg+zip polyglot": _size(400, 300),
}


def test_every_acceptance_check_names_an_accepted_case():
    assert set(ACCEPTANCE_CHECKS) <= {name for name, case in CASES.items() if case.status == 302}


# --- requests, not files: who may upload ---------------------------------------------------------
def test_a_wrong_csrf_token_is_refused_and_stores_nothing(aws, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/upload/")  # sets the CSRF cookie

    response = client.post("/upload/", {**form_data(CASES["1x1 image"]), "csrfmiddlewaretoken": "forged" * 8})

    assert response.status_code == 403
    assert "That form could not be accepted" in response.content.decode()
    assert_nothing_stored(aws)


def test_an_upload_while_logged_out_goes_to_the_login_page_and_stores_nothing(aws):
    response = Client().post("/upload/", form_data(CASES["1x1 image"]))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert_nothing_stored(aws)


def test_an_api_upload_without_credentials_is_401_and_stores_nothing(aws):
    response = Client().post("/api/photos/", form_data(CASES["1x1 image"]))

    assert response.status_code == 401 and "Authentication required" in response.json()["error"]
    assert_nothing_stored(aws)


def test_an_api_upload_by_session_without_the_csrf_token_is_403_and_stores_nothing(aws, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(
        "/api/photos/", form_data(CASES["1x1 image"]), headers={"X-CSRFToken": "forged" * 8}
    )

    assert response.status_code == 403 and "CSRF" in response.json()["error"]
    assert_nothing_stored(aws)
