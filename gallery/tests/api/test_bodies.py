"""Every JSON endpoint reads its body with one parser (gallery.api.bodies): whatever the body,
a bad one is the same JSON 400, never a 500 (a deeply nested one once was, on /api/uploads/)."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.services import albums
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

SEND_AN_OBJECT = "Send a JSON object."
UPLOAD_ID = "0123456789abcdef0123456789abcdef"
BODIES = {
    "deeply nested": b"[" * 100_000,
    "malformed": b'{"title": ',
    "not UTF-8": b'{"title": "\xff\xfe"}',
    "not an object": b'["title"]',
    "a string": b'"title"',
}


@pytest.fixture
def api(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def json_endpoints(user):
    """(method, path) of every endpoint that reads a JSON body, with what it needs to exist."""
    photo = publish(user)
    album = albums.create(user, title="Trip")
    return [
        ("POST", "/api/uploads/"),
        ("POST", f"/api/uploads/{UPLOAD_ID}/complete/"),
        ("PATCH", f"/api/photos/{photo.id}/"),
        ("POST", "/api/albums/"),
        ("POST", f"/api/albums/{album.id}/photos/"),
    ]


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_body_that_is_not_a_json_object_is_a_json_400_on_every_endpoint(aws, api, user, body):
    for method, path in json_endpoints(user):
        response = api.generic(method, path, body, content_type="application/json")

        assert (method, path, response.status_code) == (method, path, 400)
        assert response.json() == {"error": SEND_AN_OBJECT, "errors": {"body": [SEND_AN_OBJECT]}}


@pytest.mark.parametrize(
    ("value", "number"),
    [(1000, 1000), (1000.0, 1000), (-3.0, -3), (1000.5, None), (True, None), (False, None),
     (float("inf"), None), (float("nan"), None), ("1000", None), (None, None), ([1], None)],
)  # fmt: skip
def test_a_whole_number_is_one_as_json_schema_counts_it(value, number):
    from gallery.api.bodies import whole_number

    assert whole_number(value) == number
    assert type(whole_number(value)) is type(number)
