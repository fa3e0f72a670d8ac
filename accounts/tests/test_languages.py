"""The site in Korean and English: the language from Accept-Language, the switcher (set_language),
the choice kept on a signed-in user's account (accounts.languages), the JavaScript catalog, API
errors and mail in the reader's language."""

import html
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import AccountLanguage
from gallery.services import albums
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Words of the site's own interface: none may be left on a Korean page.
ENGLISH_UI = [
    "Gallery",
    "Tags",
    "Albums",
    "Upload",
    "Account",
    "Log in",
    "Log out",
    "Sign up",
    "Search",
    "Language",
    "Change",
    "Newest photos",
    "Favourite",
    "favourite",
    "Uploaded",
    "Taken",
    "Camera",
    "Previous",
    "Next",
    "Original",
    "Full size",
    "Edit",
    "Delete",
    "Add to album",
    "Share link",
    "Add photos",
    "only me",
    "everyone",
    "All tags",
    "Password",
    "Username",
    "Skip to content",
    "Create an account",
    "New here",
    "by ",
]


def visible_text(page):
    """The text a reader sees (and the attributes read aloud), without the markup, scripts or the
    switcher's language names (each is written in its own language)."""
    page = re.sub(r"<option[^>]*>.*?</option>", " ", page)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    said = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + said)


def english_left(page):
    text = visible_text(page)
    return [word for word in ENGLISH_UI if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def korean(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.fixture
def photo(aws, user):
    return publish(user, title="바다", tags="sea", description="저녁 바다")


def test_main_pages_come_in_korean_with_accept_language_ko(client, user, photo):
    album = albums.create(user, title="여름", visibility="public")
    albums.add_photo(user, album, photo.id)
    client.force_login(user)
    pages = [
        "/",
        f"/photos/{photo.id}/",
        "/tags/",
        "/tags/sea/",
        "/search/?q=sea",
        f"/users/{user.username}/",
        "/albums/",
        f"/albums/{album.id}/",
        "/favorites/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/tokens/",
        f"/photos/{photo.id}/edit/",
    ]
    for path in pages:
        page = korean(client, path)
        assert '<html lang="ko">' in page, path
        assert HANGUL.search(visible_text(page.split("<main", 1)[0])), path  # the nav is Korean
        assert english_left(page) == [], path
    client.logout()
    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/"]:
        page = korean(client, path)
        assert '<html lang="ko">' in page and english_left(page) == [], path


def test_a_request_without_a_language_or_in_english_gets_english(client, photo):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, {"HTTP_ACCEPT_LANGUAGE": "fr"}):
        page = client.get(f"/photos/{photo.id}/", **headers).content.decode()
        assert '<html lang="en">' in page and "Gallery" in page and "Log in" in page
        # The switcher's own name for Korean, the photo's title and description.
        user_content = ("한국어", "바다", "저녁")
        assert not HANGUL.search(re.sub("|".join(user_content), "", visible_text(page)))


def test_dates_and_counts_follow_the_language(client, photo):
    english = client.get(f"/photos/{photo.id}/").content.decode()
    page = korean(client, f"/photos/{photo.id}/")

    assert "즐겨찾기 0개" in page and "0 favourites" in english
    year = photo.created[:4]
    assert re.search(rf"<time [^>]+>{year}년 \d+월 \d+일</time>", page)
    assert re.search(rf"<time [^>]+>\w+\.? \d+, {year}</time>", english)


def test_error_pages_are_translated(client, user):
    assert '<html lang="ko">' in korean_error(client, "/photos/" + "0" * 32 + "/", 404)
    assert "찾을 수 없음" in korean_error(client, "/nowhere/", 404)


def korean_error(client, path, status):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == status
    return response.content.decode()


def test_every_page_has_a_switcher_that_works_without_javascript(client):
    page = client.get("/").content.decode()
    form = re.search(r'<form action="/i18n/setlang/" method="post"[^>]*>(.*?)</form>', page, re.S).group(1)
    assert '<label for="language-select">Language</label>' in form
    assert '<option value="ko" lang="ko">한국어</option>' in form and 'name="csrfmiddlewaretoken"' in form

    response = client.post("/i18n/setlang/", {"language": "ko"}, HTTP_REFERER="http://testserver/tags/")

    assert response.status_code == 302 and response["Location"].endswith("/tags/")
    assert response.cookies["django_language"].value == "ko"
    assert '<html lang="ko">' in client.get("/").content.decode()  # the cookie, whatever the browser says
    client.post("/i18n/setlang/", {"language": "en"})
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()


def test_a_signed_in_users_choice_is_kept_on_the_account_across_browsers(client, user):
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "ko"})
    assert AccountLanguage.of(user) == "ko"
    client.post("/accounts/logout/")

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")  # another browser, asking for English
    assert '<html lang="en">' in elsewhere.get("/").content.decode()
    elsewhere.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    page = elsewhere.get("/").content.decode()

    assert '<html lang="ko">' in page and "로그아웃" in page
    elsewhere.post("/accounts/logout/")  # the browser keeps the language once logged out
    assert '<html lang="ko">' in elsewhere.get("/").content.decode()


def test_a_visitors_choice_saves_nothing_and_an_unknown_language_changes_nothing(client, user):
    client.post("/i18n/setlang/", {"language": "ko"})
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx"})

    assert AccountLanguage.of(user) is None
    assert client.get("/i18n/setlang/").status_code == 405


def test_a_signup_keeps_the_language_it_was_made_in_and_mails_in_it(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"username": "minji", "email": "minji@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    minji = get_user_model().objects.get(username="minji")

    assert AccountLanguage.of(minji) == "ko"
    (message,) = mailoutbox
    assert message.subject == "photoshare: 이메일 주소를 확인하세요."


def test_mail_goes_out_in_the_recipients_language_not_the_pages(client, user, mailoutbox):
    AccountLanguage.remember(user, "ko")

    client.post("/accounts/password/reset/", {"email": "alice@example.com"}, HTTP_ACCEPT_LANGUAGE="en")

    (message,) = mailoutbox
    assert message.subject == "photoshare: 비밀번호 초기화 이메일"
    mail.outbox.clear()
    AccountLanguage.remember(user, "en")
    cache.clear()  # the reset limit's per-address count
    client.post("/accounts/password/reset/", {"email": "alice@example.com"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert mailoutbox[0].subject == "photoshare: Password Reset Email"


def test_api_errors_in_korean_keep_their_status_and_field_names(aws, client, user):
    missing = client.get("/api/photos/" + "0" * 32 + "/", HTTP_ACCEPT_LANGUAGE="ko")
    cursor = client.get("/api/photos/?cursor=forged", HTTP_ACCEPT_LANGUAGE="ko")

    assert missing.status_code == 404 and missing.json() == {"error": "그런 사진이 없어요."}
    assert cursor.status_code == 400
    message = "이 목록이 발급한 커서가 아니에요."
    assert cursor.json() == {"error": message, "errors": {"cursor": [message]}}
    english = client.get("/api/photos/?cursor=forged").json()
    assert english["errors"] == {"cursor": ["Not a cursor this list issued."]}


def test_form_errors_and_choices_are_translated(aws, client, user):
    client.force_login(user)
    photo = publish(user, title="바다")

    response = client.post(
        f"/photos/{photo.id}/edit/",
        {"title": "바다", "tags": "a/b", "visibility": "public", "revision": photo.revision},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "태그에는 글자, 숫자, “-”, “_”만 쓸 수 있어요." in page
    assert "모든 사람" in page and "나만 보기" in page and "공개 범위" in page


def test_the_javascript_catalog_is_per_language_and_cacheable(client):
    korean_catalog = client.get("/jsi18n/ko/", HTTP_ACCEPT_LANGUAGE="en")
    english_catalog = client.get("/jsi18n/en/", HTTP_ACCEPT_LANGUAGE="ko")
    full_screen = json.dumps("전체 화면")  # the catalog is JSON in a script, non-ASCII escaped

    assert korean_catalog.status_code == 200 and full_screen in korean_catalog.content.decode()
    assert full_screen not in english_catalog.content.decode()
    assert len(korean_catalog.content) < 8000  # ours only, not the admin's hundreds
    assert "public" in korean_catalog["Cache-Control"] and "max-age=86400" in korean_catalog["Cache-Control"]
    assert korean_catalog["Content-Language"] == "ko"
    assert client.get("/jsi18n/xx/").status_code == 404
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert page.index('src="/jsi18n/ko/"') < page.index("</head>")


def test_photo_cards_are_cached_per_language(client, photo):
    english = client.get("/").content.decode()
    page = korean(client, "/")

    assert "by alice" in english and "alice 님" in page and "by alice" not in page
