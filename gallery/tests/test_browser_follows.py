"""Following in a real browser (Debian's chromium through Playwright, the site on gunicorn):
follow someone from their page, and once the worker ran their photo is in "Following". English
at 1280 px, Korean at 390 px, axe on both pages."""

import pytest
from playwright.sync_api import expect

from gallery.tests.direct_uploads import run_worker
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


@pytest.mark.parametrize(
    ("locale", "viewport", "words"),
    [
        (
            "en-US",
            DESKTOP,
            {"log_in": "Log in", "follow": "Follow", "following": "Following", "count": "1 follower"},
        ),
        (
            "ko-KR",
            PHONE,
            {"log_in": "로그인", "follow": "팔로우", "following": "팔로잉", "count": "팔로워 1명"},
        ),
    ],
    ids=["english-desktop", "korean-phone"],
)
def test_follow_someone_then_their_photo_is_in_following(browser, site, locale, viewport, words):  # noqa: F811
    marta = confirmed_user("marta", PASSWORD)
    confirmed_user("nico", PASSWORD)
    publish(marta, title="Harbour", data=scenic_jpeg(1, size=(600, 400)))
    tab = new_tab(browser, site, viewport, locale)
    log_in(tab, "nico", words["log_in"])
    tab.goto("/users/marta/")
    tab.get_by_role("button", name=words["follow"], exact=True).click()
    expect(tab.locator(".follow-counts")).to_contain_text(words["count"])
    expect(tab.locator(".person-follow button")).to_have_attribute("aria-pressed", "true")
    assert accessibility_problems(tab) == []
    docs_screenshot(tab, f"person-{locale}-{viewport['width']}")

    run_worker()  # the follow's job: marta's photos into nico's feed
    tab.get_by_role("link", name=words["following"], exact=True).click()
    expect(tab.locator("h1")).to_have_text(words["following"])
    expect(tab.locator(".grid .card .title")).to_have_text(["Harbour"])
    assert accessibility_problems(tab) == []
    docs_screenshot(tab, f"following-{locale}-{viewport['width']}")
