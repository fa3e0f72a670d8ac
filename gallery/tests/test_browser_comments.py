"""Comments in a real browser (Debian's chromium through Playwright, the site on gunicorn): a
visitor signs in, writes a comment with a link and a mention, sees it on the photo page (the
script in it stays text), and on an album's share page under its grid, in English and in
Korean, at 390 and 1280 px wide, with axe finding nothing serious or critical."""

import pytest
from playwright.sync_api import expect

from gallery.domain.records import UNLISTED
from gallery.services import albums
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish
from gallery.tests.test_browser import (  # noqa: F401 - fixtures
    DESKTOP,
    PASSWORD,
    PHONE,
    accessibility_problems,
    assert_page_is_sound,
    browser,
    docs_screenshot,
    scenic_jpeg,
    site,
    watch_for_problems,
)

pytestmark = pytest.mark.browser
CASES = [(DESKTOP, "en", "Post comment", "Comments"), (PHONE, "ko", "댓글 달기", "댓글")]


def signed_in_tab(browser, site, viewport, language, person):  # noqa: F811
    """(context, tab) of `person` signed in, at that size and in that language."""
    context = browser.new_context(base_url=site.url, viewport=viewport, locale=language)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.problems = watch_for_problems(tab)
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", person.username)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("input[name=password]").press("Enter")
    tab.wait_for_url(f"{site.url}/")
    return context, tab


@pytest.mark.parametrize("viewport, language, button, heading", CASES, ids=["desktop-en", "phone-ko"])
def test_a_visitor_writes_a_comment_and_sees_it(browser, site, viewport, language, button, heading):  # noqa: F811
    marta, jun = confirmed_user("marta", PASSWORD), confirmed_user("jun", PASSWORD)
    photo = publish(marta, title="Harbour at dawn", data=scenic_jpeg(1, size=(900, 600)))
    context, tab = signed_in_tab(browser, site, viewport, language, jun)
    try:
        tab.goto(f"/photos/{photo.id}/")
        expect(tab.get_by_role("heading", name=heading)).to_be_visible()
        text = "Lovely light, @marta! https://example.com/harbour <script>alert(1)</script>"
        tab.locator("#comment-form textarea").fill(text)
        tab.get_by_role("button", name=button).click()
        tab.wait_for_load_state("load")

        comment = tab.locator(".comment").first
        expect(comment).to_contain_text("Lovely light")
        expect(comment).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
        expect(comment.locator("a.mention")).to_have_attribute("href", "/users/marta/")
        expect(comment.get_by_role("link", name="https://example.com/harbour")).to_have_attribute(
            "rel", "nofollow ugc"
        )
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert accessibility_problems(tab) == []
        assert_page_is_sound(tab)
        docs_screenshot(tab, f"comments-{language}-{viewport['width']}", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("viewport, language, button, heading", CASES, ids=["desktop-en", "phone-ko"])
def test_a_link_holder_comments_on_an_albums_share_page(browser, site, viewport, language, button, heading):  # noqa: F811
    marta, jun = confirmed_user("marta", PASSWORD), confirmed_user("jun", PASSWORD)
    album = albums.create(marta, title="Jeju trip", visibility=UNLISTED, comments_open=True)
    share = f"/albums/{album.id}/s/{album.share_token}/"
    context, tab = signed_in_tab(browser, site, viewport, language, jun)
    try:
        tab.goto(share)
        expect(tab.get_by_role("heading", name=heading)).to_be_visible()
        tab.locator("#comment-form textarea").fill("What a trip, @marta! <script>alert(1)</script>")
        tab.get_by_role("button", name=button).click()
        tab.wait_for_load_state("load")

        assert tab.url.startswith(f"{site.url}{share}")  # back on the share page
        comment = tab.locator(".comment").first
        expect(comment).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
        expect(comment.locator("a.mention")).to_have_attribute("href", "/users/marta/")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert accessibility_problems(tab) == []
        assert_page_is_sound(tab)
    finally:
        context.close()
