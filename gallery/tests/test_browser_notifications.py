"""Notifications in a real browser (Debian's chromium through Playwright, the site on gunicorn):
the header's bell names the unread count, the page lists what happened with escaped display
names, and mark read works as plain forms. English and Korean, axe at 1280 and 390 px each."""

import pytest
from playwright.sync_api import expect

from accounts.models import Profile
from gallery.services import follows, photos
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish
from gallery.tests.test_browser import (  # noqa: F401 - fixtures
    DESKTOP,
    PASSWORD,
    PHONE,
    accessibility_problems,
    browser,
    docs_screenshot,
    scenic_jpeg,
    site,
)
from gallery.tests.test_browser_languages import log_in, new_tab

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("locale", "viewport", "other", "words"),
    [
        (
            "en-US",
            DESKTOP,
            PHONE,
            {
                "log_in": "Log in",
                "bell": "Notifications, 2 unread",
                "bell_one": "Notifications, 1 unread",
                "bell_none": "Notifications",
                "title": "Notifications",
                "sentence": f"{XSS} started following you.",
                "mark": "Mark as read",
                "all": "Mark all as read",
            },
        ),
        (
            "ko-KR",
            PHONE,
            DESKTOP,
            {
                "log_in": "로그인",
                "bell": "알림, 읽지 않음 2개",
                "bell_one": "알림, 읽지 않음 1개",
                "bell_none": "알림",
                "title": "알림",
                "sentence": f"{XSS} 님이 회원님을 팔로우하기 시작했어요.",
                "mark": "읽음으로 표시",
                "all": "모두 읽음으로 표시",
            },
        ),
    ],
    ids=["english", "korean"],
)
def test_the_bell_the_page_and_mark_read(browser, site, locale, viewport, other, words):  # noqa: F811
    marta = confirmed_user("marta", PASSWORD)
    nico = confirmed_user("nico", PASSWORD)
    Profile.objects.create(user=nico, display_name=XSS)
    photo = publish(marta, title="Harbour", data=scenic_jpeg(1, size=(600, 400)))
    photos.favorite(nico, photo)
    follows.follow(nico, marta)
    dialogs = []
    tab = new_tab(browser, site, viewport, locale)
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(tab, "marta", words["log_in"])

    tab.get_by_role("link", name=words["bell"], exact=True).click()
    expect(tab.locator("h1")).to_have_text(words["title"])
    expect(tab.locator(".notification")).to_have_count(2)
    expect(tab.locator(".notification").first.get_by_role("link").first).to_have_text(words["sentence"])
    for size in (viewport, other):
        tab.set_viewport_size(size)
        assert accessibility_problems(tab) == []
    tab.set_viewport_size(viewport)
    docs_screenshot(tab, f"notifications-{locale}-{viewport['width']}")

    tab.locator(".notification").first.get_by_role("button").click()
    expect(tab.get_by_role("link", name=words["bell_one"], exact=True)).to_be_visible()
    tab.get_by_role("button", name=words["all"], exact=True).click()
    expect(tab.get_by_role("link", name=words["bell_none"], exact=True)).to_be_visible()
    expect(tab.get_by_role("button", name=words["all"], exact=True)).to_have_count(0)
    for size in (viewport, other):
        tab.set_viewport_size(size)
        assert accessibility_problems(tab) == []
    assert dialogs == []  # the display name stayed text
