"""/api/photos/<id>/comments/, /api/comments/<id>/, /api/users/<name>/block/, /api/reports/."""

import pytest
from django.test import Client, override_settings

from accounts.models import ApiToken
from gallery.models import Report
from gallery.services import suspensions, trash
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def token_client(user):
    name = f"token {ApiToken.objects.filter(user=user).count()}"
    return Client(headers={"Authorization": f"Token {ApiToken.issue(user, name)}"})


@pytest.fixture
def photo(aws, user):
    return publish(user, title="Harbour at dusk")


def comments_of(client, photo):
    return client.get(f"/api/photos/{photo.id}/comments/")


def test_write_read_edit_delete(photo, user, bob):
    api = token_client(bob)

    made = api.post(
        f"/api/photos/{photo.id}/comments/", {"text": " Lovely light "}, content_type="application/json"
    )

    assert made.status_code == 201
    body = made.json()
    assert (body["text"], body["author"], body["edited"]) == ("Lovely light", "bob", None)
    assert [c["text"] for c in comments_of(Client(), photo).json()["results"]] == ["Lovely light"]

    edited = api.patch(f"/api/comments/{body['id']}/", {"text": "Lovely!"}, content_type="application/json")
    assert edited.status_code == 200
    assert edited.json()["text"] == "Lovely!" and edited.json()["edited"]

    # Someone else may neither edit nor delete it; the photo's owner may delete it.
    assert (
        token_client(user)
        .patch(f"/api/comments/{body['id']}/", {"text": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert token_client(user).delete(f"/api/comments/{body['id']}/").status_code == 204
    assert comments_of(Client(), photo).json()["results"] == []
    assert api.delete(f"/api/comments/{body['id']}/").status_code == 404


def test_only_the_author_or_the_photo_owner_deletes(photo, bob, django_user_model):
    carol = django_user_model.objects.create_user("carol", password="pw-carol-123")
    made = token_client(bob).post(
        f"/api/photos/{photo.id}/comments/", {"text": "hi"}, content_type="application/json"
    )

    assert token_client(carol).delete(f"/api/comments/{made.json()['id']}/").status_code == 403


@override_settings(PHOTOSHARE_PAGE_SIZE=2)
def test_comments_are_oldest_first_and_paged(photo, bob):
    api = token_client(bob)
    for number in range(3):
        api.post(f"/api/photos/{photo.id}/comments/", {"text": f"c{number}"}, content_type="application/json")

    first = api.get(f"/api/photos/{photo.id}/comments/").json()
    second = api.get(first["next"]).json()

    assert [c["text"] for c in first["results"]] == ["c0", "c1"]
    assert [c["text"] for c in second["results"]] == ["c2"]
    assert api.get(f"/api/photos/{photo.id}/comments/?cursor=forged").status_code == 400


@pytest.mark.parametrize(
    "body, field",
    [({"text": ""}, "text"), ({"text": 5}, "text"), ({"words": "x"}, "words")],
)
def test_bad_bodies_are_400_naming_the_field(photo, bob, body, field):
    response = token_client(bob).post(
        f"/api/photos/{photo.id}/comments/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]


@override_settings(PHOTOSHARE_MAX_COMMENT_LENGTH=10)
def test_the_length_limit(photo, bob):
    api = token_client(bob)
    url = f"/api/photos/{photo.id}/comments/"

    assert api.post(url, {"text": "x" * 10}, content_type="application/json").status_code == 201
    response = api.post(url, {"text": "x" * 11}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"text": ["A comment has at most 10 characters."]}


@override_settings(PHOTOSHARE_COMMENT_RATE="2/m")
def test_the_rate_limit(photo, bob):
    api = token_client(bob)
    url = f"/api/photos/{photo.id}/comments/"
    statuses = [api.post(url, {"text": "x"}, content_type="application/json").status_code for _ in range(3)]

    assert statuses == [201, 201, 429]


def test_writing_needs_a_signed_in_user(photo):
    assert (
        Client()
        .post(f"/api/photos/{photo.id}/comments/", {"text": "x"}, content_type="application/json")
        .status_code
        == 401
    )


def test_private_or_trashed_photos_hide_their_comments_until_restored(photo, user, bob):
    made = token_client(bob).post(
        f"/api/photos/{photo.id}/comments/", {"text": "hi"}, content_type="application/json"
    )
    comment_id = made.json()["id"]

    trash.trash(user, photo.id)
    assert comments_of(token_client(bob), photo).status_code == 404
    assert token_client(bob).delete(f"/api/comments/{comment_id}/").status_code == 404
    trash.restore(user, photo.id)
    assert [c["id"] for c in comments_of(token_client(bob), photo).json()["results"]] == [comment_id]


def test_a_private_photo_cannot_be_commented_by_others(aws, user, bob):
    hidden = publish(user, title="Hidden", visibility="private")

    response = token_client(bob).post(
        f"/api/photos/{hidden.id}/comments/", {"text": "hi"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert (
        token_client(user)
        .post(f"/api/photos/{hidden.id}/comments/", {"text": "mine"}, content_type="application/json")
        .status_code
        == 201
    )
    assert comments_of(Client(), hidden).status_code == 404


def test_the_json_is_data_not_html(photo, bob):
    text = '<script>alert(1)</script> & "quotes"'
    token_client(bob).post(
        f"/api/photos/{photo.id}/comments/", {"text": text}, content_type="application/json"
    )

    response = comments_of(Client(), photo)
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"][0]["text"] == text


def test_mentions_name_existing_users_only(photo, user, bob):
    made = token_client(bob).post(
        f"/api/photos/{photo.id}/comments/",
        {"text": f"@{user.username} and @nobody, see"},
        content_type="application/json",
    )

    assert made.json()["mentions"] == [user.username]


def test_a_blocked_user_cannot_comment_nor_mention_and_their_comments_vanish_for_the_blocker(
    photo, user, bob
):
    bobs = token_client(bob)
    bobs.post(f"/api/photos/{photo.id}/comments/", {"text": "first"}, content_type="application/json")

    assert token_client(user).post("/api/users/bob/block/").json() == {"blocked": True}

    refused = bobs.post(
        f"/api/photos/{photo.id}/comments/", {"text": "again"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert comments_of(token_client(user), photo).json()["results"] == []
    assert [c["text"] for c in comments_of(Client(), photo).json()["results"]] == ["first"]

    other = publish(bob, title="Bob's")
    mention = bobs.post(
        f"/api/photos/{other.id}/comments/", {"text": f"@{user.username}"}, content_type="application/json"
    )
    assert mention.json()["mentions"] == []

    assert token_client(user).delete("/api/users/bob/block/").json() == {"blocked": False}
    assert (
        bobs.post(
            f"/api/photos/{photo.id}/comments/", {"text": "back"}, content_type="application/json"
        ).status_code
        == 201
    )


def test_blocking_yourself_or_nobody_is_refused(aws, user):
    api = token_client(user)

    assert api.post(f"/api/users/{user.username}/block/").status_code == 400
    assert api.post("/api/users/nobody-here/block/").status_code == 404


def test_reports_reach_the_queue(photo, user, bob):
    made = token_client(bob).post(
        f"/api/photos/{photo.id}/comments/", {"text": "spam"}, content_type="application/json"
    )
    api = token_client(user)

    assert (
        api.post(
            "/api/reports/",
            {"comment_id": made.json()["id"], "reason": "spam"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        token_client(bob)
        .post("/api/reports/", {"photo_id": photo.id, "reason": "bad"}, content_type="application/json")
        .status_code
        == 201
    )
    assert [(r.comment_id != "", r.author_id) for r in Report.objects.order_by("created")] == [
        (True, bob.pk),
        (False, user.pk),
    ]

    both = api.post(
        "/api/reports/",
        {"photo_id": photo.id, "comment_id": made.json()["id"], "reason": "x"},
        content_type="application/json",
    )
    assert both.status_code == 400
    assert (
        api.post(
            "/api/reports/", {"photo_id": photo.id, "reason": " "}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        api.post(
            "/api/reports/", {"photo_id": "f" * 32, "reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_suspended_accounts_photos_and_comments_disappear(photo, user, bob):
    made = token_client(user).post(
        f"/api/photos/{photo.id}/comments/", {"text": "own"}, content_type="application/json"
    )
    other = publish(bob, title="Bob's")
    token_client(user).post(
        f"/api/photos/{other.id}/comments/", {"text": "on bob's"}, content_type="application/json"
    )
    assert made.status_code == 201

    suspensions.suspend(user)

    assert Client().get(f"/api/photos/{photo.id}/").status_code == 404
    assert [c["id"] for c in Client().get("/api/photos/").json()["results"]] == [other.id]
    assert comments_of(Client(), other).json()["results"] == []
    assert not Client().login(username=user.username, password="correct horse battery")
