"""The answers match the document: a walk through every kind of operation of /api/ (and some
refusals), each answer checked against the schema /api/openapi.json gives its status."""

import json

import pytest
from django.test import Client
from openapi_schema_validator import OAS31Validator

from accounts.models import ApiToken
from gallery.domain.records import PROCESSING
from gallery.storage.dynamodb import photo_repository
from gallery.tests.factories import camera_exif, image_bytes, make_photo
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


class Checked:
    """A client whose every answer is checked against the operation's response schema."""

    def __init__(self, document, headers):
        self.document, self.client, self.seen = document, Client(headers=headers), set()

    def __call__(self, method, template, body=None, headers=None, **params):
        path = template.format(**params)
        data = json.dumps(body) if body is not None else ""
        response = self.client.generic(method, path, data, content_type="application/json", headers=headers)
        operation = self.document["paths"][template][method.lower()]
        described = operation["responses"].get(str(response.status_code))
        assert described, f"{method} {template} answered {response.status_code}, not in the document"
        if "application/zip" in described.get("content", {}) and response.status_code == 200:
            assert response["Content-Type"] == "application/zip"
        elif "content" in described:
            schema = described["content"]["application/json"]["schema"]
            OAS31Validator({**schema, "components": self.document["components"]}).validate(response.json())
        else:
            assert response.content == b""
        self.seen.add((method.lower(), template, response.status_code))
        return response


@pytest.fixture
def call(aws, user, client):
    document = client.get("/api/openapi.json").json()
    return Checked(document, {"Authorization": f"Token {ApiToken.issue(user)}"})


def test_every_answer_of_a_walk_through_the_api_matches_its_schema(call, user):
    photos = [make_photo(number, owner_id=user.pk) for number in (1, 2)]
    processing = make_photo(3, owner_id=user.pk, status=PROCESSING)
    for photo in (*photos, processing):
        photo_repository().put_photo(photo)
    first, second = (photo.id for photo in photos)

    call("GET", "/api/photos/")
    call("GET", "/api/photos/{photo_id}/", photo_id=processing.id)
    etag = call("GET", "/api/photos/{photo_id}/", photo_id=first)["ETag"]
    call("PATCH", "/api/photos/{photo_id}/", {"title": "Harbour", "tags": ["sea"]}, photo_id=first)
    call("PATCH", "/api/photos/{photo_id}/", {"title": "Late"}, {"If-Match": etag}, photo_id=first)  # 409
    call("PATCH", "/api/photos/{photo_id}/", {"title": ""}, photo_id=first)
    call("POST", "/api/photos/{photo_id}/favorite/", photo_id=first)
    call("DELETE", "/api/photos/{photo_id}/favorite/", photo_id=first)
    call("GET", "/api/photos/{photo_id}/", photo_id="f" * 32)
    real = publish(user, data=image_bytes(size=(120, 80), exif=camera_exif()))  # files to turn, a position
    sources = call("GET", "/api/photos/{photo_id}/", photo_id=real.id).json()["sources"]
    assert [(source["width"], source["type"], source["card"]) for source in sources] == [
        (120, "image/webp", False),
        (120, "image/webp", True),
    ]
    call("POST", "/api/photos/{photo_id}/rotate/", {"degrees": 90}, photo_id=real.id)
    call("POST", "/api/photos/{photo_id}/rotate/", {"degrees": 45}, photo_id=real.id)  # 400
    assert call("GET", "/api/map/").json()[0]["id"] == real.id

    album = call("POST", "/api/albums/", {"title": "Summer", "visibility": "unlisted"}).json()["id"]
    call("POST", "/api/albums/", {"title": ""})
    for photo_id in (first, second):
        call("POST", "/api/albums/{album_id}/photos/", {"photo_id": photo_id}, album_id=album)
    call("POST", "/api/albums/{album_id}/photos/", {"photo_id": first}, album_id=album)  # 409
    call("GET", "/api/albums/{album_id}/", album_id=album)
    call("PATCH", "/api/albums/{album_id}/", {"description": "Sea"}, album_id=album)
    call("PUT", "/api/albums/{album_id}/cover/", {"photo_id": second}, album_id=album)
    move = "/api/albums/{album_id}/photos/{photo_id}/move/"
    call("POST", move, {"direction": "up"}, album_id=album, photo_id=second)
    call("POST", "/api/albums/{album_id}/share/", album_id=album)
    call("DELETE", "/api/albums/{album_id}/share/", album_id=album)
    call("POST", "/api/albums/{album_id}/share/", album_id=album)  # 400: private now
    call("DELETE", "/api/albums/{album_id}/photos/{photo_id}/", album_id=album, photo_id=first)
    call("DELETE", "/api/albums/{album_id}/", album_id=album)

    call("POST", "/api/uploads/", {"size": 1000})
    call("POST", "/api/uploads/", {"size": "big"})
    made = call("POST", "/api/tokens/", {"name": "phone", "scope": "read"}).json()
    call("GET", "/api/tokens/")
    call("DELETE", "/api/tokens/{token_id}/", token_id=made["id"])
    call("DELETE", "/api/tokens/{token_id}/", token_id=made["id"])  # 404
    # Downloads and the export (issues 22, 24): the zip, refusals, a job's status.
    call("POST", "/api/downloads/", {"photo_ids": [first]})
    call("POST", "/api/downloads/", {"photo_ids": ["nope"]})  # 400
    call("POST", "/api/downloads/", {"photo_ids": ["f" * 32]})  # 404
    call("GET", "/api/albums/{album_id}/download/", album_id="f" * 32)  # 404
    job = call("POST", "/api/me/export/").json()["status_url"].rstrip("/").rsplit("/", 1)[-1]
    call("GET", "/api/downloads/{job_id}/", job_id=job)
    call("GET", "/api/downloads/{job_id}/", job_id="f" * 32)  # 404
    call("DELETE", "/api/photos/{photo_id}/", photo_id=second)

    statuses = {status for _method, _path, status in call.seen}
    assert {200, 201, 204, 400, 404, 409} <= statuses
