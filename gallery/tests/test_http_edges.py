"""Hostile HTTP: every body is bounded, one file part per request, and under /api/ every error is
JSON of one shape (gallery.web.body_limits.RequestBodyLimitMiddleware, gallery.web.errors handlers)."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.tests.factories import image_bytes, upload
from gallery.tests.publishing import publish
from gallery.tests.stores import assert_nothing_stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


@pytest.mark.parametrize("length", ["abc", "1e3", "-1", "12 34"])
def test_a_content_length_that_is_not_a_number_is_a_json_400(aws, api, user, length):
    photo = publish(user)
    for method, path in (("POST", "/api/photos/"), ("PATCH", f"/api/photos/{photo.id}/")):
        response = api.generic(method, path, b"{}", content_type="application/json", CONTENT_LENGTH=length)
        assert response.status_code == 400, (method, length)
        assert response.json() == {"error": "The Content-Length header is not a number of bytes."}


def test_a_second_file_part_is_refused_before_it_is_stored(aws, api, logged_in_client):
    files = {"title": "two", "image": upload(), "extra": upload("x.jpg", image_bytes())}

    from_api = api.post("/api/photos/", files)
    files = {"title": "two", "image": upload(), "extra": upload("x.jpg", image_bytes())}
    from_site = logged_in_client.post("/upload/", files)

    assert from_api.status_code == 400 and from_api.json() == {
        "error": "Send one photo per upload (one file part)."
    }
    assert from_site.status_code == 400
    assert_nothing_stored(aws)


def test_the_whole_body_counts_on_every_endpoint(aws, api, user, settings, logged_in_client):
    settings.PHOTOSHARE_MAX_FORM_BYTES = 1000
    photo = publish(user)
    big = b'{"title": "' + b"x" * 5000 + b'"}'

    patched = api.patch(f"/api/photos/{photo.id}/", big, content_type="application/json")
    login = Client().post("/accounts/login/", {"username": "alice", "password": "x" * 5000})

    assert patched.status_code == 413 and "larger than the limit" in patched.json()["error"]
    assert login.status_code == 413


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/nothing/", 404),
    ("PUT", "/api/photos/", 405),
    ("GET", "/api/photos/0123456789abcdef0123456789abcdef/", 404),
])  # fmt: skip
def test_every_api_error_is_json(aws, client, method, path, status):
    response = client.generic(method, path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json" and set(response.json()) == {"error"}
