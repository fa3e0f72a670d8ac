"""The header's bell, the notifications page and its mark read forms, and the digest choice on the
profile page (gallery.web.views.notifications), in English and Korean, without JavaScript."""

import re

import pytest

from accounts.models import Profile
from gallery.services import comments, follows, notifications, photos
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db
XSS = '<img src=x onerror="alert(1)">'


def bell(page):
    return re.search(r'<a class="bell[^"]*" href="/notifications/">(.*?)</a>', page).group(1)


@pytest.mark.parametrize(
    ("language", "named", "sentence"),
    [
        ("en", "Notifications, 2 unread", "bob favourited your photo."),
        ("ko", "알림, 읽지 않음 2개", "bob 님이 회원님의 사진을 즐겨찾기에 추가했어요."),
    ],
)
def test_the_bell_counts_and_the_page_lists_them(aws, client, user, bob, language, named, sentence):
    photo = publish(user, title="Harbour")
    photos.favorite(bob, photo)
    follows.follow(bob, user)
    client.cookies["django_language"] = language
    client.force_login(user)
    home = client.get("/").content.decode()
    assert named in bell(home)
    page = client.get("/notifications/").content.decode()
    assert sentence in page and f'href="/photos/{photo.id}/"' in page and 'href="/users/bob/"' in page
    assert "“Harbour”" in page


def test_mark_one_then_all_read_without_javascript(aws, client, user, bob, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 1
    photo = publish(user)
    photos.favorite(bob, photo)
    follows.follow(bob, user)
    client.force_login(user)
    first = notifications.page(user).items[0]
    answer = client.post("/notifications/read/", {"id": first.id, "cursor": "abc"})
    assert answer.status_code == 302 and answer["Location"] == "/notifications/?cursor=abc"
    assert "Notifications, 1 unread" in bell(client.get("/").content.decode())
    answer = client.post("/notifications/read/", {"all": "1"})
    assert answer["Location"] == "/notifications/"
    assert bell(client.get("/").content.decode()).endswith(
        '<span class="visually-hidden">Notifications</span>'
    )
    page = client.get("/notifications/").content.decode()
    assert "Mark all as read" not in page and "Older notifications" in page


def test_display_names_are_escaped_on_the_page(aws, client, user, bob):
    Profile.objects.create(user=bob, display_name=XSS)
    photo = publish(user, title=XSS)
    comments.write(bob, photo, "hi")
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert XSS not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; commented on your photo." in page


def test_anonymous_visitors_are_sent_to_log_in_and_see_no_bell(aws, client):
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/")
    assert client.post("/notifications/read/", {"all": "1"}).status_code == 302
    assert 'class="bell' not in client.get("/").content.decode()


def test_the_digest_is_chosen_on_the_profile_page(aws, client, user):
    client.force_login(user)
    page = client.get("/accounts/profile/").content.decode()
    assert re.search(r'<input[^>]*value="off"[^>]*checked', page)
    answer = client.post("/notifications/digest/", {"digest": "weekly"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/profile/"
    assert Profile.objects.get(user=user).digest == "weekly"
    assert re.search(
        r'<input[^>]*value="weekly"[^>]*checked', client.get("/accounts/profile/").content.decode()
    )
    client.post("/notifications/digest/", {"digest": "hourly"})
    assert Profile.objects.get(user=user).digest == "weekly"
    assert "Choose one of the digest options." in client.get("/accounts/profile/").content.decode()


@pytest.mark.parametrize(
    ("language", "named", "counted"),
    [("en", "Notifications, 999+ unread", "1+ unread"), ("ko", "알림, 읽지 않음 999+개", "읽지 않음 1+개")],
)
def test_counts_past_what_is_counted_show_a_plus(
    aws, client, user, bob, monkeypatch, language, named, counted
):
    from gallery.domain import notifications as rules
    from gallery.storage.dynamodb import notifications as stored

    follows.follow(bob, user)
    notifications.notify(user.pk, bob, rules.MENTION)
    monkeypatch.setattr(rules, "COUNT_LIMIT", 1)  # the page judges 1 of the 2 unread
    client.cookies["django_language"] = language
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert f"<p>{counted}</p>" in page
    stored.set_count(user.pk, 2, 1500)
    bell_html = bell(client.get("/").content.decode())
    assert '<span aria-hidden="true"> 999+</span>' in bell_html and named in bell_html
