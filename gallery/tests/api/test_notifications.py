"""GET /api/notifications/ and POST /api/notifications/read/ (gallery.api.notifications)."""

import pytest
from django.test import Client

from accounts.models import ApiToken, Profile
from gallery.services import comments, follows, notifications, photos
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def token_client(user, scope=ApiToken.READ_WRITE):
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user, name=scope, scope=scope)}"})


def test_the_list_pages_with_its_unread_count_and_mark_read(aws, user, bob, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    photo = publish(user, title="Sea")
    photos.favorite(bob, photo)
    comments.write(bob, photo, "hi")
    follows.follow(bob, user)
    api = token_client(user)

    first = api.get("/api/notifications/").json()
    second = api.get(first["next"]).json()
    assert first["unread"] == 3 and second["next"] is None
    items = first["results"] + second["results"]
    assert [(n["kind"], n["actor"], n["read"]) for n in items] == [
        ("follow", "bob", False),
        ("comment", "bob", False),
        ("favorite", "bob", False),
    ]
    assert items[0]["photo_id"] is None and items[1]["photo_id"] == photo.id
    assert set(items[0]) == {"id", "kind", "actor", "actor_name", "photo_id", "album_id", "created", "read"}

    marked = api.post("/api/notifications/read/", {"ids": [items[0]["id"]]}, content_type="application/json")
    assert marked.json() == {"marked": 1, "unread": 2}
    again = api.post("/api/notifications/read/", {"ids": [items[0]["id"]]}, content_type="application/json")
    assert again.json() == {"marked": 0, "unread": 2}  # idempotent
    everything = api.post("/api/notifications/read/", {"all": True}, content_type="application/json")
    assert everything.json() == {"marked": 2, "unread": 0}
    assert api.get("/api/notifications/").json()["unread"] == 0


def test_a_photo_turning_private_hides_its_notifications(aws, user, bob):
    cat = confirmed_user("cat", "a long pass phrase 3")
    photo = publish(user)
    comments.write(bob, photo, "look @cat")
    api = token_client(cat)
    assert api.get("/api/notifications/").json()["unread"] == 1
    photos.edit(photo, visibility="private")
    assert api.get("/api/notifications/").json() == {
        "unread": 0,
        "unread_more": False,
        "results": [],
        "next": None,
    }


def test_display_names_are_data_never_html(aws, user, bob):
    Profile.objects.create(user=bob, display_name="<script>alert(1)</script>")
    follows.follow(bob, user)
    answer = token_client(user).get("/api/notifications/")
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["results"][0]["actor_name"] == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": "abc"},
        {"ids": ["not-an-id"]},
        {"ids": [1]},
        {"ids": ["0" * 20], "all": True},
        {"all": False},
        {"all": "yes"},
        {"ids": ["0" * 20] * 101},
        {"other": 1},
        [],
    ],
)
def test_bad_bodies_are_a_400_naming_the_field(aws, user, body):
    answer = token_client(user).post("/api/notifications/read/", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_refusals(aws, user):
    assert Client().get("/api/notifications/").status_code == 401
    assert (
        Client().post("/api/notifications/read/", {"all": True}, content_type="application/json").status_code
        == 401
    )
    read_only = token_client(user, ApiToken.READ)
    assert read_only.get("/api/notifications/").status_code == 200
    assert (
        read_only.post("/api/notifications/read/", {"all": True}, content_type="application/json").status_code
        == 403
    )
    assert token_client(user).get("/api/notifications/?cursor=forged").status_code == 400


def test_mark_all_read_marks_every_one_and_a_long_list_says_its_count_is_a_lower_bound(
    aws, user, bob, monkeypatch
):
    from gallery.domain import notifications as rules

    for _ in range(3):
        notifications.notify(user.pk, bob, rules.MENTION)
    monkeypatch.setattr(rules, "COUNT_LIMIT", 2)
    monkeypatch.setattr(rules, "MARK_PAGE_SIZE", 2)
    client = token_client(user)
    listed = client.get("/api/notifications/").json()
    assert (listed["unread"], listed["unread_more"]) == (2, True)
    marked = client.post("/api/notifications/read/", {"all": True}, content_type="application/json").json()
    assert marked == {"marked": 3, "unread": 0}
    listed = client.get("/api/notifications/").json()
    assert (listed["unread"], listed["unread_more"]) == (0, False)
