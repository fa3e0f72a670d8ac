"""Domain errors become the same answers everywhere: HTML pages on the site, JSON under /api/."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from gallery.domain.access import ChangeNotAllowed, PhotoHidden
from gallery.services.photos import PublishFailed
from gallery.storage.dynamodb import InvalidCursor, MetadataUnavailable, PhotoChanged, PhotoNotFound
from gallery.storage.s3.backend import MediaUnavailable
from gallery.web import errors

CASES = [
    (PhotoNotFound("x"), 404, "No such photo."),
    (PhotoHidden("x"), 404, "No such photo."),  # indistinguishable from a missing photo
    (ChangeNotAllowed("x"), 403, "Only the owner can change this photo."),
    (InvalidCursor("x"), 400, "Not a cursor this list issued."),
    (PhotoChanged(), 409, "The photo was changed since you read it; read it again and retry."),
    (PublishFailed("x"), 503, "The photo could not be stored; try again."),
    (MetadataUnavailable("x"), 503, "Photo storage is not reachable right now; try again."),
    (MediaUnavailable("x"), 503, "Photo storage is not reachable right now; try again."),
    (OperationalError("x"), 503, "Photo storage is not reachable right now; try again."),
]


@pytest.mark.parametrize(("error", "status", "message"), CASES)
def test_under_api_every_domain_error_is_json_with_one_shape(error, status, message):
    response = errors.response_for(RequestFactory().get("/api/photos/"), error)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = {"error": message}
    if isinstance(error, InvalidCursor):
        body["errors"] = {"cursor": [message]}
    assert json.loads(response.content) == body
    assert ("Retry-After" in response) is (status == 503)


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status", "message"), CASES)
def test_on_the_site_every_domain_error_is_a_page(error, status, message):
    request = RequestFactory().get("/photos/")

    response = errors.response_for(request, error, page_context=False)

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert "<html" in response.content.decode()


def test_anything_else_is_not_answered_here():
    assert errors.response_for(RequestFactory().get("/"), KeyError("bug")) is None


def test_api_errors_keep_their_status_fields_and_headers():
    error = errors.ApiError(429, "Too many.", headers={"Retry-After": "60"})
    response = errors.response_for(RequestFactory().post("/api/photos/"), error)
    assert (response.status_code, json.loads(response.content), response["Retry-After"]) == (
        429,
        {"error": "Too many."},
        "60",
    )

    fields = errors.response_for(
        RequestFactory().post("/api/"), errors.ApiError(400, errors={"title": ["No."]})
    )
    assert json.loads(fields.content) == {"error": "No.", "errors": {"title": ["No."]}}
    labelled = errors.response_for(
        RequestFactory().post("/api/"), errors.ApiError(400, "Title: No.", errors={"title": ["No."]})
    )
    assert json.loads(labelled.content) == {"error": "Title: No.", "errors": {"title": ["No."]}}

    unauthenticated = errors.response_for(RequestFactory().get("/api/"), errors.ApiError(401, "Who?"))
    assert unauthenticated["WWW-Authenticate"] == 'Token realm="photoshare"'
