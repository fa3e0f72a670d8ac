"""GET /api/users/<username>/ and PATCH /api/users/me/ (gallery.api.profiles); the profile on the
person's page, escaped (display names and bios are user text)."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.domain.limits import LIMITS
from gallery.services import albums, follows

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def token_client(user):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})


def test_a_profile_with_counts_and_public_albums_and_its_change(aws, user, bob):
    albums.create(user, title="Seaside", visibility="public")
    albums.create(user, title="Secret", visibility="private")
    follows.follow(bob, user)
    api = token_client(user)
    changed = api.patch(
        "/api/users/me/", {"display_name": "Alice K.", "bio": "I shoot harbours."}, "application/json"
    )
    assert changed.status_code == 200, changed.content
    answer = Client().get("/api/users/alice/").json()
    assert {key: answer[key] for key in answer if key != "albums"} == {
        "username": "alice",
        "display_name": "Alice K.",
        "bio": "I shoot harbours.",
        "avatar_url": None,
        "followers": 1,
        "following": 0,
    }
    assert [album["title"] for album in answer["albums"]] == ["Seaside"]
    # A field left out keeps its value.
    api.patch("/api/users/me/", {"bio": ""}, "application/json")
    assert Client().get("/api/users/alice/").json()["display_name"] == "Alice K."


def test_refusals(aws, user):
    api = token_client(user)
    long_name = api.patch(
        "/api/users/me/", {"display_name": "x" * (LIMITS.display_name_length + 1)}, "application/json"
    )
    assert long_name.status_code == 400 and "display_name" in long_name.json()["errors"]
    assert api.patch("/api/users/me/", {"bio": 3}, "application/json").status_code == 400
    assert api.patch("/api/users/me/", {"email": "x@example.com"}, "application/json").status_code == 400
    assert Client().patch("/api/users/me/", {"bio": "x"}, "application/json").status_code == 401
    assert Client().get("/api/users/nobody/").status_code == 404


def test_display_names_and_bios_are_escaped_on_the_page(aws, client, user):
    token_client(user).patch(
        "/api/users/me/", {"display_name": HOSTILE[:50], "bio": HOSTILE}, "application/json"
    )
    page = client.get("/users/alice/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert Client().get("/api/users/alice/").json()["bio"] == HOSTILE  # JSON carries the text as typed


@pytest.mark.parametrize(
    ("language", "saved"), [("en", "Your profile is saved."), ("ko", "프로필을 저장했어요.")]
)
def test_the_account_page_edits_the_profile(aws, client, user, language, saved):
    client.cookies["django_language"] = language
    client.force_login(user)
    assert client.get("/accounts/profile/").status_code == 200
    response = client.post("/accounts/profile/", {"display_name": "Alice", "bio": "Harbours."}, follow=True)
    assert saved in response.content.decode()
    assert "Harbours." in client.get("/users/alice/").content.decode()
    too_long = client.post("/accounts/profile/", {"display_name": "x" * 51, "bio": ""})
    assert too_long.status_code == 200 and 'aria-invalid="true"' in too_long.content.decode()
