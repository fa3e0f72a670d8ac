"""The owner's timeline and map in a real browser (Debian's chromium through Playwright, the site
on gunicorn), in English and Korean, at 390 and 1280 px: month headers and the jump, markers and
clusters on the map (its tiles cannot load here: no internet, and that is all that fails)."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from gallery.tests.factories import EXIF_GPS_IFD, camera_exif, confirmed_user, image_bytes
from gallery.tests.publishing import publish
from gallery.tests.test_browser import (  # noqa: F401 - fixtures
    DESKTOP,
    PASSWORD,
    PHONE,
    accessibility_problems,
    browser,
    docs_screenshot,
    site,
    watch_for_problems,
)

pytestmark = pytest.mark.browser
TILES = "tile.openstreetmap.org"


def taken_at(when, position=None):
    """A small JPEG taken at `when` ("2024:07:20 10:00:00"), at `position` ((lat, lon) in whole
    degrees, north and east) if given."""
    exif = camera_exif(taken=when, gps=False)
    if position:
        latitude, longitude = position
        exif.get_ifd(EXIF_GPS_IFD).update(
            {1: "N", 2: (float(latitude), 0.0, 0.0), 3: "E", 4: (float(longitude), 0.0, 0.0)}
        )
    return image_bytes(size=(320, 240), exif=exif)


def problems_but_tiles(tab):
    return [problem for problem in tab.problems if TILES not in problem]


# One language per width, both of each covered (the four pairs cost ~50 s more of a run and
# checked no more: the layout follows the width, the words the language).
@pytest.mark.parametrize(
    ("language", "july", "map_title", "viewport"),
    [("en", "July 2024", "Your map", DESKTOP), ("ko", "2024년 7월", "내 지도", PHONE)],
    ids=["en-desktop", "ko-phone"],
)
def test_the_owner_browses_their_timeline_and_map(
    browser,  # noqa: F811
    site,  # noqa: F811
    django_user_model,
    viewport,
    language,
    july,
    map_title,
):
    owner = confirmed_user("ines", PASSWORD)  # allauth asks a new address to be confirmed first
    paris = [
        publish(owner, title=f"Paris {n}", data=taken_at(f"2024:07:{10 + n} 12:00:00", (48, 2)))
        for n in range(3)
    ]
    seoul = publish(
        owner, title="Seoul", data=taken_at("2023:12:24 09:00:00", (37, 127)), visibility="private"
    )
    publish(owner, title="Scan", data=image_bytes(size=(320, 240), exif=Image.Exif()))  # no date, no place

    context = browser.new_context(base_url=site.url, viewport=viewport)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.problems = watch_for_problems(tab)
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", "ines")
    tab.fill("input[name=password]", PASSWORD)
    tab.get_by_role("button", name="Log in", exact=True).click()
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    context.add_cookies([{"name": "django_language", "value": language, "url": site.url}])

    tab.goto("/me/timeline/")
    docs_screenshot(tab, f"timeline-{language}-{viewport['width']}", full_page=True)
    headers = tab.locator(".timeline-month h2").all_inner_texts()
    assert headers[1:] == [july, "December 2023" if language == "en" else "2023년 12월"]  # the scan: now
    assert tab.locator(".timeline-month").nth(1).locator("img").count() == 3
    tab.select_option("#timeline-month", "2023-12")
    tab.locator(".timeline-jump button").click()
    tab.wait_for_url(re.compile(r"month=2023-12"))
    assert tab.locator(".timeline-month h2").all_inner_texts() == [headers[-1]]
    assert accessibility_problems(tab) == []
    assert problems_but_tiles(tab) == []

    tab.goto("/me/map/")
    expect(tab.get_by_role("heading", name=map_title)).to_be_visible()
    map_region = tab.locator("#photo-map")
    expect(map_region).to_have_attribute("data-count", "4")
    # Paris's three photos (same place) are one cluster of 3; Seoul is a marker of its own.
    expect(tab.locator(".marker-cluster", has_text="3")).to_be_visible()
    marker = tab.locator(".leaflet-marker-icon:not(.marker-cluster)")
    expect(marker).to_have_count(1)
    # Leaflet ignores a click while it still zooms to fit the markers (slow on a busy machine):
    # click once the map is still, and again if the popup did not open.
    link = tab.locator(".leaflet-popup a.map-popup")
    for _attempt in range(3):
        expect(tab.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(0)
        marker.click()
        try:
            expect(link).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            continue
    expect(link).to_have_attribute("href", f"/photos/{seoul.id}/")
    expect(link.locator("img")).to_be_visible()
    assert accessibility_problems(tab) == []
    assert problems_but_tiles(tab) == []
    docs_screenshot(tab, f"map-{language}-{viewport['width']}")
    assert paris  # published above
    context.close()
