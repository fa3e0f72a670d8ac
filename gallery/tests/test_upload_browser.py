"""The multi-file upload page in a real browser (Debian's chromium through Playwright)."""

import threading

import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from gallery import catalog, media, metadata, worker
from gallery.tests.browsers import launch, needs_chromium
from gallery.tests.factories import image_bytes

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]

WORKER_MS = 30_000


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    # pytest-django's live server serves static files from the finders, which know no hashed names.
    storage = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": storage}}


@pytest.fixture
def page(live_server, user):
    session = Client()
    session.force_login(user)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context()
        context.add_cookies(
            [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
        )
        yield context.new_page()
        browser.close()


@pytest.fixture
def running_worker(aws, live_server, settings):
    """The worker in a thread, and the bucket's CORS rule admitting the live server's pages."""
    settings.PHOTOSHARE_UPLOAD_ORIGINS = [live_server.url]
    media.configure_uploads()
    stop = threading.Event()
    thread = threading.Thread(target=worker.work, kwargs={"should_stop": stop.is_set, "wait_seconds": 1})
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


def test_several_files_go_straight_to_s3_and_are_ready_in_seconds(
    aws, running_worker, live_server, page, user
):
    page.goto(f"{live_server.url}/upload/")
    expect(page.locator("#multi-upload")).to_be_visible()  # the plain form gave way to the multi-upload

    page.locator("#multi-upload input[type=file]").set_input_files(
        [
            {"name": "harbour_at-dusk.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()},
            {"name": "forest.png", "mimeType": "image/png", "buffer": image_bytes(format="PNG")},
            {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not an image at all"},
        ]
    )
    items = page.locator(".upload-item")
    expect(items).to_have_count(3)
    expect(items.nth(0).locator("input[name=title]")).to_have_value("harbour at dusk")  # from the name
    expect(items.nth(0).locator("img")).to_be_visible()  # a preview of the chosen file
    items.nth(1).locator("input[name=title]").fill("Forest in spring")
    items.nth(1).locator("input[name=tags]").fill("trees, spring")
    items.nth(1).locator("input[value=private]").check()
    expect(items.nth(0).locator("input[value=public]")).to_be_checked()  # each file has its own choice
    page.get_by_role("button", name="Upload 3 photos").click()

    # Each is ready once the worker made its sizes: seconds, more on a loaded machine.
    expect(items.nth(0).locator(".result.ok")).to_contain_text("Uploaded: harbour at dusk", timeout=WORKER_MS)
    expect(items.nth(1).locator(".result.ok a")).to_have_text("Uploaded: Forest in spring", timeout=WORKER_MS)
    # The worker refused it: the photo failed, with its reason.
    expect(items.nth(2).locator(".result.error")).to_contain_text(
        "The file is not an image", timeout=WORKER_MS
    )
    assert items.nth(0).locator("progress").evaluate("bar => bar.value") == 1

    cards = metadata.photo_table().list_page(catalog.owner_list(user.pk)).items
    assert sorted((card.title, card.visibility) for card in cards) == [
        ("Forest in spring", "private"),
        ("harbour at dusk", "public"),
    ]
    assert next(card for card in cards if card.title == "Forest in spring").tags == ["trees", "spring"]
    items.nth(1).locator(".result a").click()
    expect(page.locator("h1")).to_have_text("Forest in spring")


def test_without_javascript_the_plain_form_uploads_one_file(aws, live_server, user, tmp_path):
    session = Client()
    session.force_login(user)
    photo = tmp_path / "harbour.jpg"
    photo.write_bytes(image_bytes())
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(java_script_enabled=False)
        context.add_cookies(
            [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/upload/")
        expect(page.locator("#multi-upload")).to_be_hidden()
        page.set_input_files("input[name=image]", str(photo))
        page.fill("input[name=title]", "Harbour")
        page.get_by_role("button", name="Upload").click()
        expect(page.locator("h1")).to_have_text("Harbour")
        browser.close()
