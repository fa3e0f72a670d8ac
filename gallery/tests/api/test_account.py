"""DELETE /api/me/ (gallery.api.account): the person deletes their account with the site's
session, its CSRF header and the password; a token never can. What is removed is
test_erase.py's."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import ApiToken
from gallery.tests.direct_uploads import run_worker

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the `user` fixture's


def delete_me(client, body, **headers):
    return client.delete("/api/me/", json.dumps(body), content_type="application/json", headers=headers)


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/email/")  # the page sets the csrftoken cookie
    return client, client.cookies["csrftoken"].value


def test_a_session_with_the_password_deletes_the_account(aws, user):
    client, csrf = csrf_client(user)
    response = delete_me(client, {"password": PASSWORD}, **{"X-CSRFToken": csrf})
    assert response.status_code == 202 and response.json() == {"status": "deleting"}
    assert not get_user_model().objects.get(pk=user.pk).is_active
    assert client.get("/api/tokens/").status_code == 401  # the session ended
    assert run_worker() == 1
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def test_a_wrong_password_is_a_400_and_changes_nothing(aws, logged_in_client, user):
    response = delete_me(logged_in_client, {"password": "not it"})
    assert response.status_code == 400
    assert response.json()["errors"]["password"] == ["That is not your password."]
    assert get_user_model().objects.get(pk=user.pk).is_active
    assert delete_me(logged_in_client, {}).json()["errors"]["password"]
    assert delete_me(logged_in_client, {"password": PASSWORD, "other": 1}).status_code == 400


def test_a_token_never_deletes_an_account(aws, user):
    client = Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})
    response = delete_me(client, {"password": PASSWORD})
    assert response.status_code == 403
    assert "session" in response.json()["error"]
    assert get_user_model().objects.get(pk=user.pk).is_active


def test_without_the_csrf_header_a_session_cannot(aws, user):
    client, _csrf = csrf_client(user)
    assert delete_me(client, {"password": PASSWORD}).status_code == 403
    assert get_user_model().objects.get(pk=user.pk).is_active


def test_nobody_signed_in_gets_a_401(client):
    assert delete_me(client, {"password": PASSWORD}).status_code == 401
