"""POST|DELETE /api/users/<username>/follow/ and GET /api/feed/ (gallery.api.follows)."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.tests.direct_uploads import run_worker
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def token_client(user, scope=ApiToken.READ_WRITE):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user, name=scope, scope=scope)}"})


def test_follow_then_the_feed_pages_their_photos_and_unfollow_empties_it(aws, user, bob, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 1
    api = token_client(bob)
    answer = api.post(f"/api/users/{user.username}/follow/")
    assert answer.status_code == 200
    assert answer.json() == {"username": "alice", "following": True, "followers": 1}
    assert api.post(f"/api/users/{user.username}/follow/").json()["followers"] == 1
    publish(user, title="First")
    publish(user, title="Second")
    publish(user, title="Hidden", visibility="private")
    run_worker()

    first = api.get("/api/feed/").json()
    second = api.get(first["next"]).json()
    assert [card["title"] for card in first["results"] + second["results"]] == ["Second", "First"]
    assert first["results"][0]["owner"] == "alice" and second["next"] is None

    assert api.delete(f"/api/users/{user.username}/follow/").json()["following"] is False
    run_worker()
    assert api.get("/api/feed/").json() == {"results": [], "next": None}


def test_refusals(aws, user, bob):
    api = token_client(bob)
    assert api.post("/api/users/nobody/follow/").status_code == 404
    refused = api.post(f"/api/users/{bob.username}/follow/")
    assert refused.status_code == 400 and refused.json()["error"] == "You cannot follow yourself."
    assert Client().post(f"/api/users/{user.username}/follow/").status_code == 401
    assert Client().get("/api/feed/").status_code == 401
    assert token_client(bob, ApiToken.READ).post(f"/api/users/{user.username}/follow/").status_code == 403
    assert api.get("/api/feed/?cursor=forged").status_code == 400
