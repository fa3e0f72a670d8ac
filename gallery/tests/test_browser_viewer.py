"""The viewer in a real browser (Debian's chromium through Playwright, the site on gunicorn):
stepping through an album with the arrow keys in full screen, which stays on; the slideshow; a
share link's pages step within their album only, by key and by swipe; axe at both widths in
English and Korean."""

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
    scenic_jpeg,
    site,
    watch_for_problems,
)

pytestmark = pytest.mark.browser

IS_FULL_SCREEN = (
    "() => document.fullscreenElement !== null && document.fullscreenElement.matches('[data-viewer]')"
)


def new_tab(browser, site, viewport=DESKTOP, locale="en-US"):  # noqa: F811
    context = browser.new_context(base_url=site.url, viewport=viewport, locale=locale)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.problems = watch_for_problems(tab)
    return tab


def viewer_ready(tab):
    tab.wait_for_selector("[data-viewer][data-viewer-ready]", state="attached")


def album_of(owner, title, photos, visibility="public"):
    album = albums.create(owner, title=title, visibility=visibility)
    for photo in photos:
        albums.add_photo(owner, album, photo.id)
    return albums.visible(owner, album.id)


@pytest.fixture
def summer(site, django_user_model):  # noqa: F811
    """A public album of three photos, in an order that is not the upload order."""
    marta = confirmed_user("marta", PASSWORD)
    harbour, cove, lighthouse = (
        publish(marta, title=title, data=scenic_jpeg(seed, size=(900, 600)))
        for seed, title in enumerate(("Harbour at dawn", "Quiet cove", "Lighthouse"), start=1)
    )
    album = album_of(marta, "Summer by the sea", [lighthouse, harbour, cove])
    return album, [lighthouse, harbour, cove]


def test_arrow_keys_step_through_the_album_and_full_screen_stays_on(browser, site, summer):  # noqa: F811
    album, (lighthouse, harbour, cove) = summer
    tab = new_tab(browser, site)
    tab.goto(reverse("gallery:album", args=[album.id]))
    tab.locator(".grid .card").filter(has_text="Lighthouse").locator("a.title").click()
    tab.wait_for_url(f"**/photos/{lighthouse.id}/?from=album:{album.id}")
    viewer_ready(tab)
    assert tab.locator("a[rel=prev]").count() == 0  # the album's first

    tab.get_by_role("button", name="Full screen").click()
    tab.wait_for_function(IS_FULL_SCREEN)

    tab.keyboard.press("ArrowRight")
    tab.wait_for_url(f"**/photos/{harbour.id}/?from=album:{album.id}")  # the album's next, not the feed's
    expect(tab.get_by_role("heading", level=1)).to_have_text("Harbour at dawn")
    expect(tab.locator("[data-viewer-status]")).to_have_text("Harbour at dawn")  # aria-live
    assert tab.evaluate(IS_FULL_SCREEN)  # the same figure, still full screen
    assert tab.title().startswith("Harbour at dawn")
    tab.keyboard.press("ArrowRight")
    tab.wait_for_url(f"**/photos/{cove.id}/?from=album:{album.id}")
    expect(tab.get_by_role("img", name="Quiet cove")).to_be_visible()
    assert tab.evaluate(IS_FULL_SCREEN)
    assert tab.locator("a[rel=next]").count() == 0
    tab.keyboard.press("ArrowRight")  # the end: nothing happens
    assert tab.url.endswith(f"/photos/{cove.id}/?from=album:{album.id}")

    tab.get_by_role("button", name="Exit full screen").click()
    tab.wait_for_function("() => document.fullscreenElement === null")
    # A followed link keeps the keyboard where it was: on the new photo's same link.
    tab.get_by_role("link", name="← Previous").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"**/photos/{harbour.id}/?from=album:{album.id}")
    assert tab.evaluate("() => document.activeElement.getAttribute('rel')") == "prev"
    tab.keyboard.press("ArrowRight")
    tab.wait_for_url(f"**/photos/{cove.id}/?from=album:{album.id}")
    tab.go_back()  # pushState'd: back is the previous photo
    tab.wait_for_url(f"**/photos/{harbour.id}/?from=album:{album.id}")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Harbour at dawn")
    assert_page_is_sound(tab)


def test_the_slideshow_plays_to_the_end_of_the_album_and_stops(browser, site, summer):  # noqa: F811
    album, (lighthouse, harbour, cove) = summer
    tab = new_tab(browser, site)
    tab.goto(reverse("gallery:photo", args=[lighthouse.id]) + f"?from=album:{album.id}")
    viewer_ready(tab)

    tab.keyboard.press("Space")  # at the default 5 s
    expect(tab.get_by_role("button", name="Pause slideshow")).to_have_attribute("aria-pressed", "true")
    # A hidden tab pauses it; back in view, it plays on.
    for hidden, button in ((True, "Play slideshow"), (False, "Pause slideshow")):
        tab.evaluate(
            """(hidden) => {
                Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
                document.dispatchEvent(new Event("visibilitychange"));
            }""",
            hidden,
        )
        expect(tab.get_by_role("button", name=button)).to_be_visible()
    assert tab.url.endswith(f"/photos/{lighthouse.id}/?from=album:{album.id}")
    # A short interval, as a choice of the page's own select (no waiting for 3 s a photo).
    tab.locator("[data-viewer-interval]").evaluate("(select) => select.add(new Option('0.1 s', '0.1'))")
    tab.locator("[data-viewer-interval]").select_option("0.1")
    tab.wait_for_url(f"**/photos/{harbour.id}/?from=album:{album.id}")
    tab.wait_for_url(f"**/photos/{cove.id}/?from=album:{album.id}")
    # The album's last photo: it stops there (no loop), and says so.
    expect(tab.get_by_role("button", name="Play slideshow")).to_have_attribute("aria-pressed", "false")
    expect(tab.locator("[data-viewer-status]")).to_have_text("End of the slideshow")
    assert tab.url.endswith(f"/photos/{cove.id}/?from=album:{album.id}")
    assert tab.problems == []


def test_a_share_link_steps_only_within_its_album_by_key_and_by_swipe(browser, site, django_user_model):  # noqa: F811
    marta = confirmed_user("marta", PASSWORD)
    harbour = publish(marta, title="Harbour at dawn", data=scenic_jpeg(1, size=(900, 600)))
    secret = publish(
        marta, title="Our secret cove", visibility="private", data=scenic_jpeg(2, size=(900, 600))
    )
    elsewhere = publish(marta, title="Another album's photo", data=scenic_jpeg(3, size=(900, 600)))
    shared = album_of(marta, "Summer by the sea", [harbour, secret], visibility="unlisted")
    album_of(marta, "Winter", [secret, elsewhere])  # the private one's other album: not a step here

    def shared_page(photo):
        return reverse("gallery:album_shared_photo", args=[shared.id, shared.share_token, photo.id])

    tab = new_tab(browser, site, PHONE)
    tab.goto(shared_page(harbour))
    viewer_ready(tab)
    tab.keyboard.press("ArrowRight")
    tab.wait_for_url(f"**{shared_page(secret)}")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Our secret cove")
    assert tab.locator("a[rel=next]").count() == 0  # not Winter's next photo
    tab.keyboard.press("ArrowRight")
    assert tab.url.endswith(shared_page(secret))

    def swipe(dx, dy):
        tab.locator("[data-viewer-part=stage]").evaluate(
            """(stage, [dx, dy]) => {
                const box = stage.getBoundingClientRect();
                const x = box.x + box.width / 2, y = box.y + box.height / 2;
                const touch = {pointerType: "touch", isPrimary: true, bubbles: true};
                const at = (type, px, py) => new PointerEvent(type, {...touch, clientX: px, clientY: py});
                stage.dispatchEvent(at("pointerdown", x, y));
                stage.dispatchEvent(at("pointerup", x + dx, y + dy));
            }""",
            [dx, dy],
        )

    swipe(20, -200)  # a vertical stroke: the page's scroll, not a step
    assert tab.url.endswith(shared_page(secret))
    swipe(200, 10)  # to the right: the previous photo, as the finger drags it in
    tab.wait_for_url(f"**{shared_page(harbour)}")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Harbour at dawn")
    assert_page_is_sound(tab)


@pytest.mark.parametrize(
    "locale,play", [("en-US", "Play slideshow"), ("ko-KR", "슬라이드쇼 재생")], ids=["en", "ko"]
)
def test_the_viewer_passes_axe_at_both_widths(browser, site, summer, locale, play):  # noqa: F811
    album, (_lighthouse, harbour, _cove) = summer
    for viewport in (DESKTOP, PHONE):
        tab = new_tab(browser, site, viewport, locale)
        tab.goto(reverse("gallery:photo", args=[harbour.id]) + f"?from=album:{album.id}")
        viewer_ready(tab)
        assert tab.get_by_role("button", name=play).is_visible()
        assert accessibility_problems(tab) == [], viewport
        tab.get_by_role("button", name=play).click()  # its paused name comes from the script catalog
        expect(tab.get_by_role("button", name=play)).to_have_count(0)
        tab.get_by_role("button", name=play.replace("재생", "일시 정지").replace("Play", "Pause")).click()
        assert accessibility_problems(tab) == [], viewport
        assert tab.problems == []
        tab.context.close()
