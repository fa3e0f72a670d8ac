"""Following on the site (gallery.web.views.follows): the button on a person's page, its counts,
and "Following" in the header, in English and Korean."""

import pytest
from django.test import Client

from gallery.tests.direct_uploads import run_worker
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "follow", "following", "counts"),
    [("en", "Follow", "Following", "1 follower"), ("ko", "팔로우", "팔로잉", "팔로워 1명")],
)
def test_follow_from_their_page_then_their_photos_are_in_following(
    aws, client, user, bob, language, follow, following, counts
):
    publish(user, title="Harbour at dawn")
    client.cookies["django_language"] = language
    client.force_login(bob)
    page = client.get("/users/alice/").content.decode()
    assert f">{follow}</button>" in page

    response = client.post("/users/alice/follow/", {"follow": "on"})
    assert response.status_code == 302 and response["Location"] == "/users/alice/"
    run_worker()
    page = client.get("/users/alice/").content.decode()
    assert 'aria-pressed="true"' in page and counts in page
    feed = client.get("/following/").content.decode()
    assert "Harbour at dawn" in feed and f"<h1>{following}</h1>" in feed

    client.post("/users/alice/follow/", {"follow": "off"})
    run_worker()
    assert "Harbour at dawn" not in client.get("/following/").content.decode()


def test_visitors_and_oneself(aws, client, user):
    assert Client().get("/following/").status_code == 302  # to log in
    assert Client().post("/users/alice/follow/").status_code == 302
    client.force_login(user)
    assert "follow-counts" in client.get("/users/alice/").content.decode()
    assert 'name="follow"' not in client.get("/users/alice/").content.decode()
    assert client.post("/users/alice/follow/").status_code == 400
    assert client.post("/users/nobody/follow/").status_code == 404
