"""/api/tokens/ (gallery.api.tokens): list, make (the key in that answer only, never cached)
and revoke tokens, with a session or a read and write token; errors as JSON."""

import json

import pytest
from django.test import Client

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def token_client(key):
    return Client(headers={"Authorization": f"Token {key}"})


def post(client, body):
    return client.post("/api/tokens/", json.dumps(body), content_type="application/json")


def test_a_read_write_token_makes_lists_and_revokes_tokens(user):
    client = token_client(ApiToken.issue(user, name="admin script"))

    made = post(client, {"name": "phone", "scope": "read"})

    assert made.status_code == 201
    assert "no-store" in made["Cache-Control"]
    body = made.json()
    assert (body["name"], body["scope"], body["last_used"]) == ("phone", "read", None)
    assert ApiToken.authenticate(body["key"]).pk == body["id"]

    listed = client.get("/api/tokens/")
    assert "no-store" in listed["Cache-Control"]
    tokens = listed.json()["tokens"]
    assert [token["name"] for token in tokens] == ["phone", "admin script"]
    assert all("key" not in token for token in tokens)
    assert tokens[1]["last_used"] is not None  # the admin script's own requests

    assert client.delete(f"/api/tokens/{body['id']}/").status_code == 204
    assert token_client(body["key"]).get("/api/photos/").status_code == 401


def test_a_session_manages_tokens_too(logged_in_client, user):
    made = post(logged_in_client, {"name": "laptop", "scope": "read_write"})

    assert made.status_code == 201
    assert logged_in_client.get("/api/tokens/").json()["tokens"][0]["name"] == "laptop"


def test_a_session_write_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert post(client, {"name": "laptop", "scope": "read"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_read_only_token_may_not_touch_tokens(user):
    key = ApiToken.issue(user, name="reader", scope=ApiToken.READ)
    own_id = ApiToken.authenticate(key).pk
    client = token_client(key)

    for response in (
        client.get("/api/tokens/"),
        post(client, {"name": "escalated", "scope": "read_write"}),
        client.delete(f"/api/tokens/{own_id}/"),
    ):
        assert response.status_code == 403
        assert "read only" in response.json()["error"]
    assert [token.name for token in ApiToken.of(user)] == ["reader"]


def test_nobody_reads_or_revokes_anothers_tokens(user, django_user_model):
    bob = django_user_model.objects.create_user(username="bob", password="another long phrase")
    bobs_key = ApiToken.issue(bob, name="bob's secret laptop")
    client = token_client(ApiToken.issue(user))

    assert "secret laptop" not in client.get("/api/tokens/").content.decode()
    response = client.delete(f"/api/tokens/{ApiToken.authenticate(bobs_key).pk}/")
    assert (response.status_code, response.json()) == (404, {"error": "No such token."})
    assert ApiToken.user_for(bobs_key) == bob
    assert Client().get("/api/tokens/").status_code == 401


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "", "scope": "read"}, {"name": ["This field is required."]}),
        (
            {"name": "x", "scope": "admin"},
            {"scope": ["Select a valid choice. admin is not one of the available choices."]},
        ),
        ({"name": "x", "scope": "read", "key": "chosen"}, {"key": ["Unknown field."]}),
        ({"name": 5, "scope": "read"}, {"name": ["Must be a string."]}),
        ({"name": "API token", "scope": "read"}, {"name": ["You already have a token with this name."]}),
    ],
)
def test_bad_bodies_are_400_with_the_field_at_fault(user, body, errors):
    client = token_client(ApiToken.issue(user))

    response = post(client, body)

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert len(ApiToken.of(user)) == 1


def test_too_many_tokens_is_a_400_with_a_message(user, settings):
    settings.PHOTOSHARE_MAX_API_TOKENS = 2
    client = token_client(ApiToken.issue(user))
    ApiToken.issue(user, name="second")

    response = post(client, {"name": "third", "scope": "read"})

    assert response.status_code == 400
    assert response.json() == {"error": "An account holds at most 2 tokens; revoke one first."}


def test_wrong_methods_are_405(user):
    client = token_client(ApiToken.issue(user))

    assert client.put("/api/tokens/").status_code == 405
    assert client.get("/api/tokens/1/").status_code == 405
