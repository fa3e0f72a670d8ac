"""Korean and English in a real browser (Debian's chromium through Playwright, the site on
gunicorn): the browser's language picks the page's, the footer's switcher works without
JavaScript, the JavaScript catalog loads under the site's CSP (script-src 'self', no eval), and
the Korean pages pass axe-core without overflowing a phone's width. Screenshots of the main pages
in both languages at 1280 and 390 px go to docs/screenshots/ (README, "Languages")."""

import pytest

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


def new_tab(browser, site, viewport, locale):  # noqa: F811
    context = browser.new_context(base_url=site.url, viewport=viewport, locale=locale)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.problems = watch_for_problems(tab)
    return tab


def log_in(tab, username, button):
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", username)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("main").get_by_role("button", name=button, exact=True).click()
    tab.wait_for_url("**/")


def test_the_browsers_language_the_switcher_and_the_script_catalog(browser, site, django_user_model):  # noqa: F811
    owner = confirmed_user("jiwoo", PASSWORD)
    photo = publish(owner, title="부산 바다", tags="sea", data=scenic_jpeg(4))
    tab = new_tab(browser, site, PHONE, "ko-KR")

    tab.goto(f"/photos/{photo.id}/")
    assert tab.get_attribute("html", "lang") == "ko"
    assert tab.locator(".site-header nav").get_by_role("link", name="갤러리").count() == 1
    # The catalog ran before the page's scripts, under the CSP: gettext() answers in Korean.
    assert tab.evaluate("() => window.gettext('Full screen')") == "전체 화면"
    assert_page_is_sound(tab)
    assert accessibility_problems(tab) == []

    # The footer's form, as a person without JavaScript would use it: back on the same page.
    tab.select_option("#language-select", "en")
    tab.get_by_role("button", name="바꾸기").click()
    tab.wait_for_url(f"**/photos/{photo.id}/")
    assert tab.get_attribute("html", "lang") == "en"
    assert tab.evaluate("() => window.gettext('Full screen')") == "Full screen"
    assert tab.locator("#language-select").input_value() == "en"
    # Signed in, the choice goes with the account: back to Korean, then to another browser.
    log_in(tab, "jiwoo", "Log in")
    tab.select_option("#language-select", "ko")
    tab.get_by_role("button", name="Change").click()
    tab.wait_for_url("**/")
    elsewhere = new_tab(browser, site, DESKTOP, "en-US")
    log_in(elsewhere, "jiwoo", "Log in")
    assert elsewhere.get_attribute("html", "lang") == "ko"
    assert elsewhere.locator(".site-header nav").get_by_role("button", name="로그아웃").count() == 1
    assert tab.problems == [] and elsewhere.problems == []
    elsewhere.context.close()
    tab.context.close()


def test_screenshots_of_the_main_pages_in_both_languages_at_both_widths(browser, site, django_user_model):  # noqa: F811
    owner = confirmed_user("seoyeon", PASSWORD)
    photos = [
        publish(owner, title=title, tags=tags, description=description, data=scenic_jpeg(seed))
        for seed, (title, tags, description) in enumerate(
            [
                ("한강의 저녁", "seoul, river", "퇴근길에 본 노을."),
                ("Harbour at dawn", "sea, boats", "Boats coming home."),
                ("부산 바다", "sea", "광안리에서."),
                ("Hills at noon", "hills", ""),
            ],
            start=1,
        )
    ]
    album = albums.create(owner, title="여름 여행 · Summer trip", visibility="public")
    for photo in photos[:3]:
        albums.add_photo(owner, album, photo.id)
    pages = {
        "home": "/",
        "photo": f"/photos/{photos[2].id}/",
        "tag": "/tags/sea/",
        "album": f"/albums/{album.id}/",
        "upload": "/upload/",
        "login": "/accounts/login/",
    }
    problems = {}
    for language, locale, button in (("en", "en-US", "Log in"), ("ko", "ko-KR", "로그인")):
        for viewport in (DESKTOP, PHONE):
            tab = new_tab(browser, site, viewport, locale)
            tab.goto(pages["login"])
            shoot(tab, f"login-{language}-{viewport['width']}", language)
            log_in(tab, "seoyeon", button)
            for name, path in pages.items():
                if name == "login":
                    continue
                tab.goto(path)
                shoot(tab, f"{name}-{language}-{viewport['width']}", language)
                if found := accessibility_problems(tab):
                    problems[f"{name}-{language}-{viewport['width']}"] = found
            assert tab.problems == []
            tab.context.close()
    assert problems == {}


def shoot(tab, name, language):
    assert_page_is_sound(tab)
    assert tab.get_attribute("html", "lang") == language
    docs_screenshot(tab, name)
