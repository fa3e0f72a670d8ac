"""The photo page's comments: what a reader sees (escaped text, safe links, mentions), the forms
(write, edit, delete, report, block) and who may use them."""

import pytest
from django.test import Client, override_settings

from gallery.models import Block, Report
from gallery.services import comments, photos
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

XSS = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    'javascript:alert(1) "><b>bold</b>',
    "@bob<script>alert(1)</script>",
    "http://example.com/\"onmouseover='alert(1)'",
]


@pytest.fixture
def photo(aws, user):
    return publish(user, title="Harbour")


def page_of(client, photo):
    response = client.get(f"/photos/{photo.id}/")
    assert response.status_code == 200
    return response.content.decode()


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize("text", XSS)
def test_comment_text_is_escaped_on_the_photo_page(photo, bob, text):
    comments.write(bob, photo, text)

    html = page_of(Client(), photo)

    assert "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")
    assert "<b>bold</b>" not in html
    assert "onmouseover='" not in html


def test_links_are_clickable_with_nofollow_ugc_and_mentions_link_users(photo, user, bob):
    comments.write(bob, photo, f"See https://example.com/a?b=1&c=2 and @{user.username}, not @nobody")

    html = page_of(Client(), photo)

    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc">' in html
    assert f'<a class="mention" href="/users/{user.username}/">@{user.username}</a>' in html
    assert "@nobody" in html and 'href="/users/nobody/"' not in html


def test_writing_editing_and_deleting_through_the_forms(photo, user, bob):
    client = signed_in(bob)

    response = client.post(f"/photos/{photo.id}/comments/", {"text": "Lovely light"})
    assert response.status_code == 302
    made = comments.page(bob, photo).items[0]
    assert "Lovely light" in page_of(Client(), photo)

    assert client.get(f"/comments/{made.id}/edit/").status_code == 200
    client.post(f"/comments/{made.id}/edit/", {"text": "Lovely light!"})
    html = page_of(Client(), photo)
    assert "Lovely light!" in html and 'class="edited"' in html

    assert signed_in(user).get(f"/comments/{made.id}/edit/").status_code == 403
    signed_in(user).post(f"/comments/{made.id}/delete/")  # the photo's owner
    assert "Lovely light" not in page_of(Client(), photo)


def test_an_empty_comment_is_refused_with_a_message(photo, bob):
    response = signed_in(bob).post(f"/photos/{photo.id}/comments/", {"text": "  "}, follow=True)

    assert "Write something first." in response.content.decode()
    assert comments.page(bob, photo).items == []


@override_settings(PHOTOSHARE_COMMENT_RATE="1/m")
def test_the_forms_share_the_rate_limit(photo, bob):
    client = signed_in(bob)

    assert client.post(f"/photos/{photo.id}/comments/", {"text": "one"}).status_code == 302
    assert client.post(f"/photos/{photo.id}/comments/", {"text": "two"}).status_code == 429


def test_anonymous_readers_are_asked_to_log_in(photo):
    html = page_of(Client(), photo)

    assert "Log in to comment" in html
    assert Client().post(f"/photos/{photo.id}/comments/", {"text": "x"}).status_code == 302


def test_a_private_photos_comments_are_not_shown_to_others(photo, user, bob):
    comments.write(bob, photo, "secret remark")
    photos.edit(photo, visibility="private")

    assert Client().get(f"/photos/{photo.id}/").status_code == 404
    assert "secret remark" in page_of(signed_in(user), photo)


def test_block_from_the_user_page_and_the_blockers_view(photo, user, bob):
    comments.write(bob, photo, "from bob")
    client = signed_in(user)

    assert "Block bob" in client.get("/users/bob/").content.decode()
    client.post("/users/bob/block/", {"block": "on"})
    assert Block.objects.filter(owner=user, blocked=bob).exists()
    assert "Unblock bob" in client.get("/users/bob/").content.decode()
    assert "from bob" not in page_of(client, photo)
    assert "from bob" in page_of(Client(), photo)
    assert signed_in(bob).post(f"/photos/{photo.id}/comments/", {"text": "x"}).status_code == 403

    client.post("/users/bob/block/", {"block": "off"})
    assert "from bob" in page_of(client, photo)


def test_reporting_a_photo_and_a_comment(photo, user, bob):
    made = comments.write(user, photo, "mine")
    client = signed_in(bob)

    client.post("/reports/", {"photo_id": photo.id, "reason": "not theirs"})
    response = client.post("/reports/", {"comment_id": made.id, "reason": "rude"}, follow=True)

    assert "Staff will look at your report." in response.content.decode()
    assert sorted(Report.objects.values_list("reason", flat=True)) == ["not theirs", "rude"]


def test_korean_pages(photo, bob):
    comments.write(bob, photo, "좋아요")
    client = Client(headers={"Accept-Language": "ko"})

    html = page_of(client, photo)

    assert "댓글" in html and "좋아요" in html
