"""Select many in a real browser (Debian's chromium through Playwright, the site on gunicorn): on
the owner's own page, select three cards (a shift-click range and the keyboard), add a tag to
them and see it on each (her albums offered once select mode is on); select one and move it to
the trash. English at 1280 px, Korean at 390 px, axe with select mode on (static/js/select.js,
templates/gallery/_select*.html)."""

import pytest
from playwright.sync_api import expect

from gallery.services import albums
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
    watch_for_problems,
)
from gallery.tests.test_browser_languages import log_in, new_tab

pytestmark = pytest.mark.browser
TITLES = ["Harbour", "Lighthouse", "Dunes", "Pier", "Boats"]  # the page shows them newest first


def card(tab, title):
    return tab.locator(".grid .card").filter(has=tab.locator(f".title:text-is('{title}')"))


@pytest.mark.parametrize(
    ("locale", "viewport", "words"),
    [
        ("en-US", DESKTOP, {"log_in": "Log in", "done": "Done for 3 photos.", "one": "Done for 1 photo."}),
        (
            "ko-KR",
            PHONE,
            {"log_in": "로그인", "done": "사진 3장에 적용했어요.", "one": "사진 1장에 적용했어요."},
        ),
    ],
    ids=["english-desktop", "korean-phone"],
)
def test_select_three_add_a_tag_then_trash_one(browser, site, django_user_model, locale, viewport, words):  # noqa: F811
    marta = confirmed_user("marta", PASSWORD)  # a verified address: allauth lets her log in
    for seed, title in enumerate(TITLES, start=1):
        publish(marta, title=title, tags="sea", data=scenic_jpeg(seed, size=(600, 400)))
    albums.create(marta, title="Summer")
    tab = new_tab(browser, site, viewport, locale)
    log_in(tab, "marta", words["log_in"])
    tab.goto("/users/marta/")

    tab.locator("[data-select-toggle]").click()
    expect(tab.locator("[data-select]")).to_be_visible()
    # Her albums, asked for now that select mode is on (/api/albums/).
    expect(tab.locator("#select-album option")).to_have_text(["Summer"])
    expect(tab.locator("#select-album")).to_be_visible()
    card(tab, "Boats").click()
    card(tab, "Dunes").click(modifiers=["Shift"])  # Boats, Pier, Dunes
    expect(tab.locator("[data-select-count]")).to_contain_text("3")
    check = card(tab, "Harbour").locator(".select-check")
    check.focus()
    tab.keyboard.press("Space")
    expect(check).to_have_attribute("aria-pressed", "true")
    expect(tab.locator("[data-select-count]")).to_contain_text("4")
    docs_screenshot(tab, f"select-{locale}-{viewport['width']}", full_page=True)
    tab.keyboard.press("Enter")
    expect(check).to_have_attribute("aria-pressed", "false")
    assert accessibility_problems(tab) == []

    tab.fill("#select-tags", "golden-hour")
    tab.locator("button[value=add_tags]").click()
    expect(tab.locator(".messages")).to_contain_text(words["done"])
    for title in TITLES:
        tags = card(tab, title).locator(".tags")
        if title in ("Boats", "Pier", "Dunes"):
            expect(tags).to_contain_text("golden-hour")
        else:
            expect(tags).not_to_contain_text("golden-hour")

    tab.locator("[data-select-toggle]").click()
    card(tab, "Lighthouse").click()
    assert accessibility_problems(tab) == []
    tab.locator("button[value=trash]").click()
    expect(tab.locator(".messages")).to_contain_text(words["one"])
    expect(tab.locator(".grid .card .title")).to_have_text(["Boats", "Pier", "Dunes", "Harbour"])
    assert tab.problems == []
    tab.context.close()
