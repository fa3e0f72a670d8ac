"""A person in a real browser: Debian's chromium, driven by Playwright, against the site served by
gunicorn with the session's moto server and the test database.

Screenshots of each main page go to test-artifacts/browser/ (not committed).
"""

import base64
import io
import json
import os
import re
import urllib.parse
from pathlib import Path

import axe_playwright_python
import pytest
from django.db import connection
from PIL import Image, ImageDraw
from playwright.sync_api import expect, sync_playwright

from accounts.models import ApiToken
from gallery.services import albums, trash
from gallery.storage.s3 import bucket
from gallery.tests.browsers import launch, needs_chromium
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish
from gallery.tests.shared_site import SHARED

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "a long walk by the harbour"

pytestmark = [pytest.mark.browser, needs_chromium]


def database_url(settings_dict):
    """A DATABASE_URL for the test database, which pytest-django has set up by now."""
    name = settings_dict["NAME"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name}"
    credentials = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 3306
    return f"mysql://{credentials}@{host}:{port}/{name}"


@pytest.fixture
def site(transactional_db, aws, tmp_path_factory, settings):
    # transactional_db: gunicorn's own connections must see committed rows, and the tables are
    # emptied afterwards instead of rolled back. gunicorn and the worker are shared by the tests
    # in a row that use them (gallery/tests/shared_site.py: what each test still gets afresh).
    env = dict(os.environ, DATABASE_URL=database_url(connection.settings_dict), DATABASE_CONN_MAX_AGE="0")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("PYTEST_CURRENT_TEST", None)  # names each test: the site would be started for each
    server = SHARED.get(env, tmp_path_factory)
    # The bucket's CORS rule must name this site's origin (its port is free-chosen) for the upload
    # page's direct POSTs to S3, as `make run` writes it for its own port.
    settings.PHOTOSHARE_UPLOAD_ORIGINS = [server.url]
    bucket.configure_uploads()
    yield server
    SHARED.settle()  # before moto is reset for the next test: no job of this one is left to run


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse ORM calls
    # (the test's own, and the database flush after each test). They still run one at a time here.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = watch_for_problems(page)
    yield page
    context.close()


def watch_for_problems(page):
    """Console errors, uncaught exceptions, failed requests and 4xx/5xx answers, as they happen."""
    problems = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{response.status}: {response.url}")

    def on_failed(request):
        # ERR_ABORTED: the browser dropped the request itself, e.g. the favicon it asks for on its
        # own when the test navigates on first. Nothing the page needed went missing.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed: {request.url} ({request.failure})")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", on_failed)
    return problems


def nav(page):
    return page.locator(".site-header nav")


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def docs_screenshot(tab, name, *, full_page=False):
    """A screenshot the README and docs show: docs/screenshots/<name>.png (every browser test's)."""
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=DOCS_SCREENSHOTS / f"{name}.png", full_page=full_page)


def assert_page_is_sound(page):
    """No console error, no failed request, and every <img> decoded (naturalWidth > 0)."""
    page.wait_for_load_state("load")
    # Gallery images are loading="lazy": bring them all into view so that they load.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # A function, not a bare expression: Playwright evaluates a string with eval, which the
    # site's CSP (no unsafe-eval) refuses.
    page.wait_for_function("() => [...document.images].every((image) => image.complete)")
    page.evaluate("window.scrollTo(0, 0)")
    widths = page.eval_on_selector_all("img", "images => images.map((img) => [img.src, img.naturalWidth])")
    broken = [source for source, width in widths if width == 0]
    assert broken == [], f"broken images: {broken}"
    assert page.problems == []


def scenic_jpeg(seed, size=(1600, 1067)):
    """A small landscape (sky, sun, hills) whose colours depend on `seed`, as JPEG bytes."""
    width, height = size
    sky_top = (40 + 50 * seed % 200, 90 + 37 * seed % 140, 200 - 20 * seed % 120)
    sky_bottom = (250, 200 - 15 * seed % 90, 150 + 25 * seed % 100)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        colour = tuple(int(a + (b - a) * y / height) for a, b in zip(sky_top, sky_bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x = width * (0.2 + 0.15 * (seed % 5))
    draw.ellipse([sun_x - 110, height * 0.25, sun_x + 110, height * 0.25 + 220], fill=(255, 236, 170))
    for layer, shade in enumerate((90, 60, 30)):
        base = height * (0.55 + 0.13 * layer)
        points = [(0, height)]
        for step in range(0, width + 160, 160):
            bump = ((step * (seed + 3) * (layer + 1)) % 170) - 85
            points.append((step, base + bump))
        points.append((width, height))
        draw.polygon(points, fill=(shade // 2, shade + 20 * (seed % 3), shade // 2 + 10 * layer))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def choose_files(page, files):
    """The multi-upload's file input."""
    page.locator("#multi-upload input[type=file]").set_input_files(
        [{"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in files]
    )


def drop_files(page, files):
    """Drag-and-drop: the files in a DataTransfer, dropped on the drop zone as a person's drag would."""
    payload = [{"name": name, "data": base64.b64encode(data).decode()} for name, data in files]
    page.evaluate(
        """(files) => {
            const transfer = new DataTransfer();
            for (const file of files) {
                const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], file.name, {type: "image/jpeg"}));
            }
            const zone = document.querySelector("#multi-upload .drop-zone");
            for (const type of ["dragenter", "dragover", "drop"]) {
                const options = {dataTransfer: transfer, bubbles: true, cancelable: true};
                zone.dispatchEvent(new DragEvent(type, options));
            }
        }""",
        payload,
    )


def upload_all(page, details):
    """Fill each item's title and tags, press Upload, and follow every progress bar to its end."""
    items = page.locator(".upload-item")
    expect(items).to_have_count(len(details))
    for index, (title, tags) in enumerate(details):
        items.nth(index).locator("input[name=title]").fill(title)
        items.nth(index).locator("input[name=tags]").fill(tags)
    bars = items.locator("progress")
    assert bars.evaluate_all("bars => bars.map((bar) => bar.value)") == [0] * len(details)
    # Every value each bar shows, frame by frame, until all are full.
    page.evaluate(
        """() => {
            const bars = [...document.querySelectorAll(".upload-item progress")];
            window.progressSeen = bars.map(() => []);
            (function watch() {
                bars.forEach((bar, index) => window.progressSeen[index].push(bar.value));
                if (!bars.every((bar) => bar.value === 1)) requestAnimationFrame(watch);
            })();
        }"""
    )
    label = "Upload" if len(details) == 1 else f"Upload {len(details)} photos"
    page.locator("#multi-upload").get_by_role("button", name=label).click()
    for index, (title, _) in enumerate(details):
        expect(items.nth(index).locator(".result.ok")).to_have_text(f"Uploaded: {title}")
    page.wait_for_function("() => window.progressSeen.every((values) => values.at(-1) === 1)")
    seen = page.evaluate("window.progressSeen")
    for values in seen:
        assert values == sorted(values) and values[-1] == 1  # the bar only moves forward, and completes


def expect_gallery(page, titles):
    """The page's cards are `titles`, in order, once it has them: a link's click returns when the
    next page starts loading, not when its cards are there (a loaded machine once read none)."""
    expect(page.locator(".grid .card .title")).to_have_text(titles)


def test_a_person_signs_up_uploads_browses_edits_deletes_and_logs_out(page, site, django_user_model):
    page.goto("/")
    assert_page_is_sound(page)

    # Sign up: asked to confirm the address first (allauth, mandatory confirmation).
    nav(page).get_by_role("link", name="Sign up").click()
    page.fill("input[name=username]", "marta")
    page.fill("input[name=email]", "marta@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "We have sent an email to you for verification" in page.inner_text("main")
    assert_page_is_sound(page)
    assert django_user_model.objects.filter(username="marta").exists()  # the test database, via gunicorn

    # The mailed link (a file, as in `make run`) and its button confirm the address and log in.
    # Other tests' mails share the folder (and a backend may append several to one file): the
    # newest confirmation link to marta's address is hers. "=\n" undoes quoted-printable's soft breaks.
    mails = sorted(Path(os.environ["EMAIL_FILE_PATH"]).iterdir(), key=lambda path: path.stat().st_mtime)
    text = "\n".join(mail.read_text() for mail in mails).replace("=\n", "")
    ours = [part for part in text.split("\nTo: ") if part.startswith("marta@")]
    link = re.findall(r"http://\S+/accounts/confirm-email/\S+/", "".join(ours))[-1]
    page.goto(link)
    assert_page_is_sound(page)
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/upload/")
    assert "You have confirmed marta@example.com." in page.inner_text(".messages")
    assert page.inner_text(".who") == "marta"

    # Log out (back to the gallery) and in again.
    nav(page).get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{site.url}/")
    assert page.locator(".who").count() == 0
    nav(page).get_by_role("link", name="Log in").click()
    page.fill("input[name=login]", "marta")
    page.fill("input[name=password]", PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site.url}/")
    assert page.inner_text(".who") == "marta"

    # One photo through the file input, then three at once by drag-and-drop, each with a progress bar.
    nav(page).get_by_role("link", name="Upload").click()
    expect(page.locator("#multi-upload")).to_be_visible()
    choose_files(page, [("harbour.jpg", scenic_jpeg(1))])
    upload_all(page, [("Harbour at dawn", "sea, boats")])
    assert_page_is_sound(page)
    page.reload()
    drop_files(page, [(f"photo-{seed}.jpg", scenic_jpeg(seed)) for seed in (2, 3, 4)])
    upload_all(page, [("Lighthouse", "sea"), ("Fishing nets", "sea, boats"), ("Evening tide", "sea")])
    assert_page_is_sound(page)
    screenshot(page, "upload")

    # The gallery shows every thumbnail, newest first.
    nav(page).get_by_role("link", name="Gallery").click()
    expect_gallery(page, ["Evening tide", "Fishing nets", "Lighthouse", "Harbour at dawn"])
    assert page.locator(".grid .card img").count() == 4
    assert_page_is_sound(page)
    screenshot(page, "gallery")

    # Open a photo, then follow one of its tags.
    page.locator(".grid .card").filter(has_text="Harbour at dawn").get_by_role("img").click()
    page.wait_for_url("**/photos/*/?from=feed")  # opened from the feed: its prev/next links
    assert page.inner_text("h1") == "Harbour at dawn"
    assert page.locator(".photo-info .tags li").all_inner_texts() == ["sea", "boats"]
    assert_page_is_sound(page)
    screenshot(page, "photo")
    page.locator(".photo-info .tags").get_by_role("link", name="boats").click()
    page.wait_for_url("**/tags/boats/")
    expect_gallery(page, ["Fishing nets", "Harbour at dawn"])
    assert_page_is_sound(page)
    screenshot(page, "tag")

    # Edit the tags of "Fishing nets": it leaves #boats and joins #harbour.
    page.locator(".grid .card").filter(has_text="Fishing nets").locator("a.title").click()
    page.get_by_role("link", name="Edit").click()
    page.fill("input[name=tags]", "sea, harbour")
    screenshot(page, "edit")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/photos/*/")
    assert "Your changes are saved." in page.inner_text(".messages")
    assert page.locator(".photo-info .tags li").all_inner_texts() == ["sea", "harbour"]
    page.goto("/tags/boats/")
    expect_gallery(page, ["Harbour at dawn"])
    page.goto("/tags/harbour/")
    expect_gallery(page, ["Fishing nets"])
    assert_page_is_sound(page)

    # Delete "Lighthouse": asked to confirm, then gone from the gallery, into the trash.
    page.goto("/")
    page.locator(".grid .card").filter(has_text="Lighthouse").locator("a.title").click()
    page.get_by_role("link", name="Delete").click()
    assert_page_is_sound(page)
    page.locator("main").get_by_role("button", name="Move to trash").click()
    assert "“Lighthouse” is in the trash." in page.inner_text(".messages")
    nav(page).get_by_role("link", name="Gallery").click()
    expect_gallery(page, ["Evening tide", "Fishing nets", "Harbour at dawn"])
    assert_page_is_sound(page)
    # The trash: restore it (back in the gallery), then delete it for good.
    nav(page).get_by_role("link", name="Trash").click()
    assert "Deleted for good in 30 days" in page.inner_text("main")
    assert_page_is_sound(page)
    screenshot(page, "trash")
    page.get_by_role("button", name="Restore “Lighthouse”").click()
    assert "“Lighthouse” is restored." in page.inner_text(".messages")
    nav(page).get_by_role("link", name="Gallery").click()
    expect_gallery(page, ["Evening tide", "Fishing nets", "Lighthouse", "Harbour at dawn"])
    page.locator(".grid .card").filter(has_text="Lighthouse").locator("a.title").click()
    page.get_by_role("link", name="Delete").click()
    page.locator("main").get_by_role("button", name="Move to trash").click()
    nav(page).get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Delete “Lighthouse” forever").click()
    assert "“Lighthouse” is deleted for good." in page.inner_text(".messages")
    assert "The trash is empty." in page.inner_text("main")

    # Log out: the upload link goes, and the upload page asks to log in.
    nav(page).get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{site.url}/")
    assert page.locator(".who").count() == 0
    assert nav(page).get_by_role("link", name="Upload").count() == 0
    page.goto("/upload/")
    assert page.url.startswith(f"{site.url}/accounts/login/")
    assert_page_is_sound(page)


AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def accessibility_problems(page):
    """What axe-core finds serious or critical on the page, and horizontal overflow (a page wider
    than the window makes a phone scroll sideways)."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        found.append(f"horizontal overflow of {overflow} px")
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_main_page_passes_axe_at_both_widths(browser, site, django_user_model, viewport):
    owner = confirmed_user("ines", PASSWORD)
    photo = publish(  # a camera-sized photo: its 400 px thumbnail and display size must fit a phone
        owner,
        title="Harbour at dusk",
        tags="sea, boats",
        description="Boats coming home.",
        data=scenic_jpeg(4),
    )
    album = albums.create(owner, title="Evenings", visibility="public")  # on /users/ines/ too
    albums.add_photo(owner, album, photo.id)
    albums.set_cover(album, photo.id)  # a cover links to its album by the album's title
    ApiToken.issue(owner, name="a rather long name for the backup script on the NAS")  # the tokens table
    trashed = publish(owner, title="A long title of a photo now in the trash", data=scenic_jpeg(5))
    trash.trash(owner, trashed.id)  # the trash's list and its "Empty trash" page
    public = [
        "/",
        "/tags/",
        "/tags/sea/",
        "/users/ines/",
        "/search/?q=harbour",
        f"/photos/{photo.id}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/admin/login/",  # the site's login
        "/no-such-page/",
    ]
    signed_in = [
        "/upload/",
        f"/photos/{photo.id}/edit/",
        f"/photos/{photo.id}/delete/",
        "/accounts/email/",
        "/accounts/tokens/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/delete/",  # "Delete my account" (the account page has its form too)
        "/accounts/logout/",  # asks before logging out
        "/albums/",
        f"/albums/{album.id}/add/",
        "/favorites/",
        "/trash/",
        "/trash/empty/",
    ]
    context = browser.new_context(base_url=site.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = {}
    for path in public:
        page.goto(path)
        problems[path] = accessibility_problems(page)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "ines")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url("**/")
    for path in signed_in:
        page.goto(path)
        problems[path] = accessibility_problems(page)
    context.close()

    found = {path: found for path, found in problems.items() if found}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{viewport['width']}.json").write_text(json.dumps(found, indent=1))
    assert found == {}


def test_the_viewer_moves_with_the_arrow_keys_opens_full_screen_and_favourites(page, site, django_user_model):
    owner = confirmed_user("ines", PASSWORD)
    landscape = publish(owner, title="Hills at noon", tags="hills", data=scenic_jpeg(1))
    portrait = publish(owner, title="Tall sunset", tags="hills", data=scenic_jpeg(2, size=(900, 1500)))
    newest = publish(owner, title="Evening hills", tags="hills", data=scenic_jpeg(3))

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "ines")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{site.url}/**")

    # Opened from the tag page: its order (newest first) is the viewer's.
    page.goto("/tags/hills/")
    page.get_by_role("link", name="Tall sunset").first.click()
    page.wait_for_url(f"**/photos/{portrait.id}/?from=tag:hills")
    assert_page_is_sound(page)
    # The portrait fits the viewport: its whole height is on screen.
    box = page.locator(".viewer img").bounding_box()
    assert box["height"] <= 860 and box["width"] < box["height"]
    screenshot(page, "viewer")
    docs_screenshot(page, "viewer")

    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/photos/{landscape.id}/?from=tag:hills")
    assert page.locator("a[rel=next]").count() == 0  # the oldest of the list
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"**/photos/{portrait.id}/?from=tag:hills")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"**/photos/{newest.id}/?from=tag:hills")
    assert page.locator("a[rel=prev]").count() == 0

    # A click on the photo shows it full screen; another click comes back.
    page.locator(".viewer-full").click()
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.viewer')")
    docs_screenshot(page, "viewer-fullscreen")
    page.locator(".viewer-full").click()
    page.wait_for_function("document.fullscreenElement === null")
    assert page.url.endswith(f"/photos/{newest.id}/?from=tag:hills")  # no navigation to the image

    # The favourite button: a plain form POST, back on the same photo and list.
    page.get_by_role("button", name="☆ Favourite").click()
    page.wait_for_url(f"**/photos/{newest.id}/?from=tag:hills")
    assert page.locator(".favorite.is-on").count() == 1
    assert page.inner_text(".favorite-count") == "1 favourite"
    page.goto("/favorites/")
    assert page.locator(".card .title").all_inner_texts() == ["Evening hills"]
    assert_page_is_sound(page)
    docs_screenshot(page, "favorites")
    page.goto(f"/photos/{newest.id}/")
    page.get_by_role("button", name="★ Favourite").click()
    page.wait_for_url(f"**/photos/{newest.id}/")
    assert page.inner_text(".favorite-count") == "0 favourites"
    assert page.problems == []
