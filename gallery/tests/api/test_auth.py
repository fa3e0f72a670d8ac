"""Who calls the API (gallery.api.auth): tokens, sessions with CSRF for writes, 401 otherwise."""

import json

import pytest
from django.test import Client

from gallery.tests.factories import client_for
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def patch(client, photo_id, body):
    return client.patch(f"/api/photos/{photo_id}/", json.dumps(body), content_type="application/json")


def test_writes_need_authentication(aws, client, user):
    photo = publish(user)

    assert client.post("/api/photos/", {"title": "x"}).status_code == 401
    assert patch(client, photo.id, {"title": "x"}).status_code == 401
    response = client.delete(f"/api/photos/{photo.id}/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    bad_token = Client(headers={"Authorization": "Token not-a-token"})
    assert bad_token.get("/api/photos/").status_code == 401
    assert (
        len(aws.object_keys()) == 6
    )  # original, shared copy, JPEG display and thumbnail, one WebP, one card


def test_session_writes_need_the_csrf_token(aws, user):
    photo = publish(user)
    browser = client_for(user, enforce_csrf_checks=True)

    assert browser.delete(f"/api/photos/{photo.id}/").status_code == 403
    browser.get("/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert browser.delete(f"/api/photos/{photo.id}/", headers={"X-CSRFToken": token}).status_code == 204
