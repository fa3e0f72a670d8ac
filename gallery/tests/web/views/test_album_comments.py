"""Comments on an album's pages (its share page's): shown under the grid while its owner keeps
them open, the forms through the share link, escaped text, and the edit form's switch."""

import pytest
from django.test import Client

from gallery.domain.records import UNLISTED
from gallery.services import albums, comments
from gallery.tests.web.views.test_comments import XSS, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def album(aws, user):
    return albums.create(user, title="Trip", visibility=UNLISTED, comments_open=True)


def share_path(album):
    return f"/albums/{album.id}/s/{album.share_token}/"


def html_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("text", XSS)
def test_comment_text_is_escaped_on_the_share_page(album, bob, text):
    comments.write(bob, album, text, token=album.share_token)

    html = html_of(Client(), share_path(album))

    assert 'id="comments"' in html
    assert "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")
    assert "<b>bold</b>" not in html
    assert "onmouseover='" not in html


def test_a_share_link_visitor_writes_edits_and_deletes_through_the_forms(album, user, bob):
    client = signed_in(bob)
    query = f"?token={album.share_token}"

    response = client.post(f"/albums/{album.id}/comments/{query}", {"text": "Lovely trip"})
    assert response.status_code == 302 and response["Location"].startswith(share_path(album))
    made = comments.page(bob, album, token=album.share_token).items[0]
    assert "Lovely trip" in html_of(Client(), share_path(album))

    assert client.get(f"/comments/{made.id}/edit/{query}").status_code == 200
    client.post(f"/comments/{made.id}/edit/{query}", {"text": "Lovely trip!"})
    assert "Lovely trip!" in html_of(signed_in(user), f"/albums/{album.id}/")
    # Without the link the comment is not bob's to find.
    assert client.get(f"/comments/{made.id}/edit/").status_code == 404

    response = client.post(f"/comments/{made.id}/delete/{query}")
    assert response.status_code == 302
    assert comments.page(user, album).items == []


def test_closed_comments_are_not_shown_and_refused(album, user, bob):
    comments.write(bob, album, "shown while open", token=album.share_token)
    albums.edit(album, comments_open=False)

    assert 'id="comments"' not in html_of(Client(), share_path(album))
    response = signed_in(bob).post(f"/albums/{album.id}/comments/?token={album.share_token}", {"text": "hi"})
    assert response.status_code == 403


def test_without_the_link_nobody_writes(album, bob):
    assert signed_in(bob).post(f"/albums/{album.id}/comments/", {"text": "hi"}).status_code == 404


def test_the_owner_opens_comments_in_the_edit_form(aws, user):
    made = albums.create(user, title="Closed")
    client = signed_in(user)
    assert 'name="comments_open"' in html_of(client, f"/albums/{made.id}/edit/")

    client.post(
        f"/albums/{made.id}/edit/",
        {"title": "Closed", "visibility": "private", "comments_open": "on", "revision": made.revision},
    )

    assert albums.visible(user, made.id).comments_open
    assert 'id="comment-form"' in html_of(client, f"/albums/{made.id}/")


def test_a_link_holder_reports_an_album_comment_through_the_form(album, user, bob):
    from gallery.models import Report

    made = comments.write(user, album, "spam", token=album.share_token)
    client = signed_in(bob)
    query = f"?token={album.share_token}"
    html = html_of(client, share_path(album))
    assert f'action="/reports/{query}"' in html and f'value="{made.id}"' in html

    response = client.post(f"/reports/{query}", {"comment_id": made.id, "reason": "rude"})

    assert response.status_code == 302 and response["Location"].startswith(share_path(album))
    assert list(Report.objects.values_list("comment_id", "reason")) == [(made.id, "rude")]


def test_the_notifications_page_links_an_album_comment_to_its_album(album, user, bob):
    comments.write(bob, album, "hello", token=album.share_token)

    html = html_of(signed_in(user), "/notifications/")

    assert f'href="/albums/{album.id}/"' in html and "commented on your album" in html
