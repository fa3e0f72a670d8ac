"""Profile pictures in a real browser (Debian's chromium through Playwright, the site on gunicorn):
choose a picture on the profile page, then it is on the person's page, beside their comment and in
the header; the default before. English and Korean, axe at 390 and 1280 px on each page."""

import re

import pytest
from playwright.sync_api import expect

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


def axe_at_both_widths(tab):
    for viewport in (PHONE, DESKTOP):
        tab.set_viewport_size(viewport)
        assert accessibility_problems(tab) == [], viewport


def loaded(image):
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize(
    ("locale", "viewport", "words"),
    [
        (
            "en-US",
            DESKTOP,
            {"log_in": "Log in", "picture": "Profile picture", "save": "Save", "post": "Post comment"},
        ),
        ("ko-KR", PHONE, {"log_in": "로그인", "picture": "프로필 사진", "save": "저장", "post": "댓글 달기"}),
    ],
    ids=["english-desktop", "korean-phone"],
)
def test_a_profile_picture_is_shown_wherever_the_person_is(browser, site, locale, viewport, words):  # noqa: F811
    nico = confirmed_user("nico", PASSWORD)
    photo = publish(nico, title="Harbour", data=scenic_jpeg(1, size=(600, 400)))
    tab = new_tab(browser, site, viewport, locale)
    log_in(tab, "nico", words["log_in"])

    tab.goto("/accounts/profile/")
    expect(tab.locator(".avatar-current img")).to_have_attribute("src", re.compile(r"/static/img/avatar\."))
    axe_at_both_widths(tab)
    tab.get_by_label(words["picture"]).set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": scenic_jpeg(2, size=(800, 600))}
    )
    tab.locator("form.profile-form").get_by_role("button", name=words["save"], exact=True).click()
    expect(tab.locator(".avatar-current img")).to_have_attribute("src", re.compile(r"-256\.jpg"))
    axe_at_both_widths(tab)
    tab.set_viewport_size(viewport)
    docs_screenshot(tab, f"profile-{locale}-{viewport['width']}", full_page=True)

    tab.goto("/users/nico/")
    assert loaded(tab.locator(".person-follow img.avatar"))
    assert "-64.jpg" in tab.locator(".site-header img.avatar").get_attribute("src")
    axe_at_both_widths(tab)

    tab.goto(f"/photos/{photo.id}/")
    tab.locator("#comment-form textarea").fill("My own harbour")
    tab.get_by_role("button", name=words["post"], exact=True).click()
    expect(tab.locator(".comment .meta img.avatar")).to_have_count(1)
    assert loaded(tab.locator(".comment .meta img.avatar"))
    axe_at_both_widths(tab)
