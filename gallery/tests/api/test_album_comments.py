"""/api/albums/<id>/comments/ (with a share link's `token`), /api/comments/<id>/ for an album's
comment, and the album's `comments_open` in its JSON and PATCH."""

import pytest
from django.test import Client

from gallery.domain.records import UNLISTED
from gallery.services import albums
from gallery.tests.api.test_comments import token_client

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def album(aws, user):
    return albums.create(user, title="Trip", visibility=UNLISTED)


def test_the_owner_opens_comments_and_a_link_holder_writes_edits_deletes(album, user, bob):
    owner, api = token_client(user), token_client(bob)
    path = f"/api/albums/{album.id}/comments/"
    link = f"?token={album.share_token}"

    assert owner.get(f"/api/albums/{album.id}/").json()["comments_open"] is False
    closed = api.post(path + link, {"text": "hi"}, content_type=JSON)
    assert (closed.status_code, closed.json()["error"]) == (403, "Comments are off for this album.")
    opened = owner.patch(f"/api/albums/{album.id}/", {"comments_open": True}, content_type=JSON)
    assert opened.status_code == 200 and opened.json()["comments_open"] is True

    made = api.post(path + link, {"text": " What a trip "}, content_type=JSON)
    assert made.status_code == 201
    body = made.json()
    assert (body["text"], body["author"], body["edited"]) == ("What a trip", "bob", None)
    assert [c["text"] for c in Client().get(path + link).json()["results"]] == ["What a trip"]
    assert Client().get(path).status_code == 404  # without the link: no such album

    comment = f"/api/comments/{body['id']}/"
    assert api.patch(comment, {"text": "x"}, content_type=JSON).status_code == 404  # no link
    edited = api.patch(comment + link, {"text": "What a trip!"}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["edited"]
    assert owner.delete(comment).status_code == 204  # the album's owner deletes any
    assert owner.get(path).json()["results"] == []


def test_bad_bodies_are_400(album, user):
    owner = token_client(user)
    wrong = owner.patch(f"/api/albums/{album.id}/", {"comments_open": "yes"}, content_type=JSON)
    assert (wrong.status_code, list(wrong.json()["errors"])) == (400, ["comments_open"])
    owner.patch(f"/api/albums/{album.id}/", {"comments_open": True}, content_type=JSON)
    empty = owner.post(f"/api/albums/{album.id}/comments/", {"text": "  "}, content_type=JSON)
    assert empty.status_code == 400


def test_a_link_holder_reports_an_album_comment(album, user, bob):
    from gallery.models import Report
    from gallery.services import comments

    opened = albums.edit(album, comments_open=True)
    made = comments.write(user, opened, "spam", token=album.share_token)
    api = token_client(bob)
    body = {"comment_id": made.id, "reason": "spam"}

    assert api.post("/api/reports/", body, content_type=JSON).status_code == 404  # no link
    filed = api.post(f"/api/reports/?token={album.share_token}", body, content_type=JSON)

    assert filed.status_code == 201
    assert list(Report.objects.values_list("comment_id", "author_id")) == [(made.id, user.pk)]


def test_an_album_comment_notifies_its_owner_with_the_album_id(album, user, bob):
    from gallery.services import comments

    opened = albums.edit(album, comments_open=True)
    comments.write(bob, opened, "hello", token=album.share_token)

    item = token_client(user).get("/api/notifications/").json()["results"][0]

    assert (item["kind"], item["album_id"], item["photo_id"]) == ("comment", album.id, None)
