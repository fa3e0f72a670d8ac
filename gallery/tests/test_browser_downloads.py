"""Downloads and the data export in a real browser (Debian's chromium through Playwright, the site
on gunicorn with its worker): the photo page's and the album page's Download buttons save a zip
whose names keep Korean titles; the account page prepares the user's data, the status page shows
the link once the worker made it; every page passes axe in English and Korean at 390 and 1280 px."""

import io
import time
import zipfile

import pytest

from gallery.domain import archives
from gallery.services import albums
from gallery.storage.dynamodb import jobs
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish
from gallery.tests.test_browser import (  # noqa: F401 - fixtures
    DESKTOP,
    PASSWORD,
    PHONE,
    accessibility_problems,
    browser,
    scenic_jpeg,
    site,
)
from gallery.web.views.downloads import PENDING_REFRESH_SECONDS

pytestmark = pytest.mark.browser


def log_in(browser, site, viewport, locale):  # noqa: F811
    context = browser.new_context(base_url=site.url, viewport=viewport, locale=locale, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", "jiwoo")
    tab.fill("input[name=password]", PASSWORD)
    tab.press("input[name=password]", "Enter")
    tab.wait_for_url(f"{site.url}/")
    return tab


def wait_until_ready(job_id, timeout=30):
    deadline = time.monotonic() + timeout
    while jobs.get_job(job_id).status == archives.PENDING:
        assert time.monotonic() < deadline, f"the worker did not make job {job_id}'s zip"
        time.sleep(0.1)


def saved_zip(tab, click):
    with tab.expect_download() as download:
        click()
    return zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))


def test_downloads_and_the_data_export_in_both_languages_at_both_widths(browser, site, django_user_model):  # noqa: F811
    jiwoo = confirmed_user("jiwoo", PASSWORD)
    photo = publish(jiwoo, title="부산 바다", visibility="public", data=scenic_jpeg(1, size=(900, 600)))
    album = albums.create(jiwoo, title="여름", visibility="public")
    albums.add_photo(jiwoo, album, photo.id)

    for locale, download, album_download, prepare in (
        ("en-US", "Download", "Download album", "Prepare my data"),
        ("ko-KR", "다운로드", "앨범 다운로드", "데이터"),
    ):
        for viewport in (DESKTOP, PHONE):
            tab = log_in(browser, site, viewport, locale)
            tab.goto(f"/photos/{photo.id}/")
            assert accessibility_problems(tab) == []
            archive = saved_zip(tab, tab.get_by_role("button", name=download, exact=True).click)
            assert archive.namelist() == [f"부산 바다-{photo.id}.jpg"]
            tab.goto(f"/albums/{album.id}/")
            assert accessibility_problems(tab) == []
            archive = saved_zip(tab, tab.get_by_role("button", name=album_download).click)
            assert archive.namelist() == [f"부산 바다-{photo.id}.jpg"]

            # The page's own clock, moved on by hand below: its status page asks every 5 s.
            tab.clock.install()
            tab.goto("/accounts/")
            assert accessibility_problems(tab) == []
            tab.get_by_role("button", name=prepare).click()
            tab.wait_for_url("**/downloads/*/")
            assert accessibility_problems(tab) == []
            # The status page reloads itself; the site's worker makes the zip meanwhile. Once it
            # has, the page's next ask comes at once rather than up to 5 s later (4 times a test).
            wait_until_ready(tab.url.rstrip("/").rsplit("/", 1)[-1])
            tab.clock.fast_forward(PENDING_REFRESH_SECONDS * 1000)
            tab.locator(".download-status a.button").wait_for(timeout=30_000)
            assert accessibility_problems(tab) == []
            tab.goto("/accounts/")
            assert tab.locator(".account-export a.button").count() == 1
            assert accessibility_problems(tab) == []
            tab.context.close()
