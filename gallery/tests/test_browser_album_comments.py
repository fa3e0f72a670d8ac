"""Comments on an album's share page in a real browser (Debian's chromium through Playwright,
the site on gunicorn): a visitor with the link signs in, writes a comment under the album's grid
(the script in it stays text), in English and in Korean, at 390 and 1280 px wide, with axe
finding nothing serious or critical."""

import pytest
from playwright.sync_api import expect

from gallery.domain.records import UNLISTED
from gallery.services import albums
from gallery.tests.factories import confirmed_user
from gallery.tests.test_browser import (  # noqa: F401 - fixtures
    DESKTOP,
    PASSWORD,
    PHONE,
    accessibility_problems,
    assert_page_is_sound,
    browser,
    site,
    watch_for_problems,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "viewport, language, button, heading",
    [(DESKTOP, "en", "Post comment", "Comments"), (PHONE, "ko", "댓글 달기", "댓글")],
    ids=["desktop-en", "phone-ko"],
)
def test_a_link_holder_comments_on_the_share_page(browser, site, viewport, language, button, heading):  # noqa: F811
    marta, jun = confirmed_user("marta", PASSWORD), confirmed_user("jun", PASSWORD)
    album = albums.create(marta, title="Jeju trip", visibility=UNLISTED, comments_open=True)
    share = f"/albums/{album.id}/s/{album.share_token}/"
    context = browser.new_context(base_url=site.url, viewport=viewport, locale=language)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.problems = watch_for_problems(tab)
    try:
        tab.goto("/accounts/login/")
        tab.fill("input[name=login]", jun.username)
        tab.fill("input[name=password]", PASSWORD)
        tab.locator("input[name=password]").press("Enter")
        tab.wait_for_url(f"{site.url}/")

        tab.goto(share)
        expect(tab.get_by_role("heading", name=heading)).to_be_visible()
        text = "What a trip, @marta! https://example.com/jeju <script>alert(1)</script>"
        tab.locator("#comment-form textarea").fill(text)
        tab.get_by_role("button", name=button).click()
        tab.wait_for_load_state("load")

        assert tab.url.startswith(f"{site.url}{share}")  # back on the share page
        comment = tab.locator(".comment").first
        expect(comment).to_contain_text("What a trip")
        expect(comment).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
        expect(comment.locator("a.mention")).to_have_attribute("href", "/users/marta/")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert accessibility_problems(tab) == []
        assert_page_is_sound(tab)
    finally:
        context.close()
