"""The multi-file upload page in a real browser (Debian's chromium through Playwright)."""

import threading

import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from gallery.domain import lists
from gallery.services import worker
from gallery.storage import dynamodb
from gallery.storage.s3 import bucket
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
def page(live_server, user, monkeypatch):
    session = Client()
    session.force_login(user)
    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse the
    # test's own ORM calls (a list page asks who is suspended), as in test_browser.browser.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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
    bucket.configure_uploads()
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

    cards = dynamodb.photo_repository().list_page(lists.owner_list(user.pk)).items
    assert sorted((card.title, card.visibility) for card in cards) == [
        ("Forest in spring", "private"),
        ("harbour at dusk", "public"),
    ]
    assert next(card for card in cards if card.title == "Forest in spring").tags == ["trees", "spring"]
    items.nth(1).locator(".result a").click()
    expect(page.locator("h1")).to_have_text("Forest in spring")


# Counts, in the page, the files between their start (POST /api/uploads/) and the answer to their
# complete, the POSTs to S3 in flight, and the files shown waiting when a start is sent.
COUNT_IN_FLIGHT = """
window.inFlight = {files: 0, maxFiles: 0, s3: 0, maxS3: 0, maxWaiting: 0};
const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.open = function (method, url) {
  const target = new URL(url, location.href);
  const path = target.pathname;
  this.kind = method !== "POST" ? "" : target.origin !== location.origin ? "s3"
    : path === "/api/uploads/" ? "start" : path.endsWith("/complete/") ? "complete" : "";
  // Counted down before the page's own listeners hear of the answer (and start the next file).
  const kind = this.kind, counts = window.inFlight;
  this.addEventListener("readystatechange", function () {
    if (this.readyState === 4 && kind === "s3") counts.s3 -= 1;
    if (this.readyState === 4 && kind === "complete") counts.files -= 1;
  });
  return open.apply(this, arguments);
};
XMLHttpRequest.prototype.send = function () {
  const counts = window.inFlight;
  if (this.kind === "start") {
    counts.files += 1;
    counts.maxFiles = Math.max(counts.maxFiles, counts.files);
    const waiting = document.querySelectorAll(".upload-item[data-state=waiting]").length;
    counts.maxWaiting = Math.max(counts.maxWaiting, waiting);
  } else if (this.kind === "s3") {
    counts.s3 += 1;
    counts.maxS3 = Math.max(counts.maxS3, counts.s3);
  }
  return send.apply(this, arguments);
};
"""


def test_two_files_at_a_time_tags_for_all_a_failure_in_words_and_a_summary(
    aws, running_worker, live_server, page, user
):
    page.add_init_script(COUNT_IN_FLIGHT)
    page.goto(f"{live_server.url}/upload/")
    page.locator("#multi-upload input[type=file]").set_input_files(
        [
            {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()},
            {"name": "forest.png", "mimeType": "image/png", "buffer": image_bytes(format="PNG")},
            {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not an image at all"},
            {"name": "dunes.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(900, 600))},
        ]
    )
    items = page.locator(".upload-item")
    items.nth(1).locator("input[name=tags]").fill("trees, Trip")
    page.locator(".all-tags input").fill("trip, summer")
    page.get_by_role("button", name="Apply to all").click()
    expect(items.nth(0).locator("input[name=tags]")).to_have_value("trip, summer")
    expect(items.nth(1).locator("input[name=tags]")).to_have_value("trees, Trip, summer")  # none twice
    page.get_by_role("button", name="Upload 4 photos").click()

    summary = page.locator(".upload-summary")
    expect(summary.locator(".summary-counts")).to_have_text("3 uploaded, 1 failed", timeout=WORKER_MS)
    expect(summary.get_by_role("link", name="See your photos")).to_have_attribute(
        "href", f"/users/{user.username}/"
    )
    failed = items.nth(2)
    expect(summary.locator(".summary-failed a")).to_have_attribute("href", "#" + failed.get_attribute("id"))
    expect(summary.locator(".summary-failed li")).to_contain_text("notes.jpg The file is not an image")
    # The failure in words, in its own state: a red bar, not the green one of a photo that is ready.
    expect(failed.locator(".result.error")).to_contain_text("The file is not an image")
    assert "image:" not in failed.locator(".result").inner_text()
    expect(failed.locator("progress")).to_have_attribute("data-state", "failed")
    expect(items.nth(0).locator("progress")).to_have_attribute("data-state", "done")
    colour = "bar => getComputedStyle(bar).color"
    assert failed.locator("progress").evaluate(colour) == "rgb(179, 38, 30)"
    assert items.nth(0).locator("progress").evaluate(colour) == "rgb(31, 122, 77)"

    counts = page.evaluate("window.inFlight")
    assert counts["maxFiles"] == 2 and counts["maxS3"] <= 2  # two at a time, never more
    assert counts["maxWaiting"] >= 2  # the others waited their turn
    cards = dynamodb.photo_repository().list_page(lists.owner_list(user.pk)).items
    assert [card.title for card in cards] == ["dunes", "forest", "harbour"]  # newest first: list order
    assert sorted(card.tags for card in cards) == [
        ["trees", "trip", "summer"],
        ["trip", "summer"],
        ["trip", "summer"],
    ]


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


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 860}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_with_ten_files_the_upload_button_stays_on_screen(aws, live_server, page, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/upload/")
    page.locator("#multi-upload input[type=file]").set_input_files(
        [{"name": f"photo-{n}.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()} for n in range(10)]
    )
    expect(page.locator(".upload-item")).to_have_count(10)
    button = page.get_by_role("button", name="Upload 10 photos")

    on_screen = """(button) => {
        const box = button.getBoundingClientRect();
        const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return box.top >= 0 && box.bottom <= window.innerHeight && button.contains(hit);
    }"""
    for scrolled_to in ("the top", "the second file", "the last file"):
        if scrolled_to == "the second file":
            page.locator(".upload-item").nth(1).scroll_into_view_if_needed()
        elif scrolled_to == "the last file":
            page.locator(".upload-item").last.locator("input[name=title]").focus()
        assert button.evaluate(on_screen), f"the Upload button is out of reach at {scrolled_to}"
    # The field being typed in is not under the button's bar.
    field = page.locator(".upload-item").nth(5).locator("input[name=tags]")
    field.focus()
    assert field.evaluate(
        """(field) => {
            const box = field.getBoundingClientRect();
            return field === document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        }"""
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
