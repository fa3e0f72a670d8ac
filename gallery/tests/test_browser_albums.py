"""Albums in a real browser (Debian's chromium through Playwright, the site on gunicorn): make an
album, add photos from the album and from a photo's page, reorder, pick a cover, share it with
someone who has no account, and kill the link. Screenshots go to docs/screenshots/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

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
    page,
    scenic_jpeg,
    site,
    watch_for_problems,
)

pytestmark = pytest.mark.browser


def screenshot(tab, name):
    docs_screenshot(tab, name, full_page=True)


def card_titles(tab):
    return tab.locator(".grid .card .title").all_inner_texts()


def test_a_person_makes_an_album_reorders_it_and_shares_it(page, browser, site, django_user_model):  # noqa: F811
    marta = confirmed_user("marta", PASSWORD)
    for seed, (title, visibility) in enumerate(
        [("Harbour at dawn", "public"), ("Our secret cove", "private"), ("Lighthouse", "public")], start=1
    ):
        publish(marta, title=title, visibility=visibility, data=scenic_jpeg(seed, size=(900, 600)))

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "marta")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site.url}/")

    # A new album, shared by link.
    page.locator(".site-header nav").get_by_role("link", name="Albums").click()
    page.get_by_role("link", name="New album").click()
    page.fill("input[name=title]", "Summer by the sea")
    page.fill("textarea[name=description]", "Three mornings on the coast.")
    page.get_by_label("Anyone with the share link").check()
    assert accessibility_problems(page) == []
    screenshot(page, "album-new")
    page.get_by_role("button", name="Create album").click()
    page.wait_for_url("**/albums/*/")
    album_url = page.url

    # Add two photos from the album's "Add photos" page, the third from its own page.
    page.get_by_role("link", name="Add photos").click()
    for title in ("Harbour at dawn", "Our secret cove"):
        page.get_by_role("button", name=f"Add “{title}”").click()
        expect(page.locator(".messages")).to_contain_text(f"“{title}” is added to the album.")
    screenshot(page, "album-add-photos")
    page.goto("/")
    page.locator(".grid .card").filter(has_text="Lighthouse").locator("a.title").click()
    page.get_by_role("link", name="Add to album").click()
    assert_page_is_sound(page)
    screenshot(page, "album-add-from-photo")
    page.get_by_role("button", name="Add to “Summer by the sea”").click()
    page.wait_for_url(album_url)
    assert card_titles(page) == ["Harbour at dawn", "Our secret cove", "Lighthouse"]

    # Reorder (no JavaScript: each arrow is a form) and pick a cover.
    page.get_by_role("button", name="Move “Lighthouse” earlier").click()
    page.get_by_role("button", name="Move “Lighthouse” earlier").click()
    assert card_titles(page) == ["Lighthouse", "Harbour at dawn", "Our secret cove"]
    page.get_by_role("button", name="Make “Harbour at dawn” the cover").click()
    expect(page.locator(".messages")).to_contain_text("The album has a new cover.")
    assert_page_is_sound(page)
    assert accessibility_problems(page) == []
    screenshot(page, "album-owner")
    share_url = page.locator("#share-url").input_value()

    page.locator(".site-header nav").get_by_role("link", name="Albums").click()
    expect(page.locator(".album-card img")).to_have_count(1)
    assert_page_is_sound(page)
    screenshot(page, "albums-mine")

    # Someone without an account opens the link: every photo, the private one included.
    visitor_context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 860})
    visitor = visitor_context.new_page()
    visitor.problems = watch_for_problems(visitor)
    visitor.goto(share_url)
    assert (visitor.inner_text("h1"), visitor.locator(".card-actions").count()) == ("Summer by the sea", 0)
    assert card_titles(visitor) == ["Lighthouse", "Harbour at dawn", "Our secret cove"]
    for name, follow in (("album-shared", "Our secret cove"), ("album-shared-photo", None)):
        assert_page_is_sound(visitor)
        assert accessibility_problems(visitor) == []
        screenshot(visitor, name)
        if follow:  # the private photo's page, served within the share link
            visitor.locator(".grid .card").filter(has_text=follow).get_by_role("img").click()
            visitor.wait_for_url("**/s/*/photos/*/")
    assert visitor.inner_text("h1") == "Our secret cove"

    # The owner makes a new link: the old one is a 404 at once.
    page.goto(album_url)
    page.get_by_role("button", name="New link (the old one stops working)").click()
    expect(page.locator(".messages")).to_contain_text("the old one no longer works")
    new_url = page.locator("#share-url").input_value()
    assert new_url != share_url
    response = visitor.goto(share_url)
    assert response.status == 404
    visitor.problems.clear()  # the 404 was the point
    visitor.goto(new_url)
    assert card_titles(visitor) == ["Lighthouse", "Harbour at dawn", "Our secret cove"]
    assert_page_is_sound(visitor)
    visitor_context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_photo_opened_from_a_share_link_fits_the_window_beside_its_title(
    browser,  # noqa: F811
    site,  # noqa: F811
    django_user_model,
    viewport,
):
    marta = confirmed_user("marta", PASSWORD)
    photo = publish(marta, title="Harbour at dawn", data=scenic_jpeg(1, size=(1600, 1067)))
    album = albums.create(marta, title="Summer by the sea", visibility="unlisted")
    albums.add_photo(marta, album, photo.id)

    context = browser.new_context(base_url=site.url, viewport=viewport)
    visitor = context.new_page()
    visitor.problems = watch_for_problems(visitor)
    visitor.goto(reverse("gallery:album_shared_photo", args=[album.id, album.share_token, photo.id]))
    assert_page_is_sound(visitor)

    image = visitor.get_by_role("img", name="Harbour at dawn").bounding_box()
    assert image["x"] >= 0 and image["x"] + image["width"] <= viewport["width"]
    assert image["height"] <= viewport["height"]  # the whole photo on screen, as on its own page
    # The title is what a click on its middle reaches: nothing lies over it.
    title = visitor.get_by_role("heading", name="Harbour at dawn")
    assert title.evaluate(
        """(heading) => {
            const box = heading.getBoundingClientRect();
            return heading.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
        }"""
    )
    assert accessibility_problems(visitor) == []
    context.close()
