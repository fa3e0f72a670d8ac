"""A person in a real browser: Debian's chromium, driven by Playwright, against the site served by
gunicorn with the session's moto server and the test database.

Screenshots of each main page go to test-artifacts/browser/ (not committed).
"""

import io
import os
import shutil
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image, ImageDraw

from scripts.gunicorn_site import GunicornSite

CHROMIUM = os.environ.get("PHOTOSHARE_TEST_CHROMIUM", "/usr/bin/chromium")
# Playwright cannot download its own browsers here; these flags keep Debian's chromium quiet and
# off the network (only 127.0.0.1 is reachable).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "a long walk by the harbour"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)",
    ),
]


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
def site(transactional_db, aws, tmp_path):
    # transactional_db: gunicorn's own connections must see committed rows, and the tables are
    # emptied afterwards instead of rolled back.
    env = dict(os.environ, DATABASE_URL=database_url(connection.settings_dict), DATABASE_CONN_MAX_AGE="0")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with GunicornSite(env, workers=2, log=tmp_path / "gunicorn.log") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is in requirements-dev.txt")
    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse ORM calls
    # (the test's own, and the database flush after each test). They still run one at a time here.
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def nav(page):
    return page.locator(".site-header nav")


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def assert_page_is_sound(page):
    """No console error, no failed request, and every <img> decoded (naturalWidth > 0)."""
    page.wait_for_load_state("load")
    # Gallery images are loading="lazy": bring them all into view so that they load.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("[...document.images].every((image) => image.complete)")
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


def upload_with_file_input(page, title, tags, seed):
    nav(page).get_by_role("link", name="Upload").click()
    page.set_input_files(
        "input[name=image]",
        files=[{"name": f"photo-{seed}.jpg", "mimeType": "image/jpeg", "buffer": scenic_jpeg(seed)}],
    )
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", f"{title}, seen from the harbour wall.")
    page.fill("input[name=tags]", tags)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/photos/*/")


def gallery_titles(page):
    return page.locator(".grid .card .title").all_inner_texts()


def test_a_person_signs_up_uploads_photos_and_browses_the_gallery(page, site, django_user_model):
    page.goto("/")
    assert "No photos yet" in page.inner_text("main")
    assert_page_is_sound(page)

    # Sign up: logged in at once and sent to the upload form.
    nav(page).get_by_role("link", name="Sign up").click()
    page.fill("input[name=username]", "marta")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/upload/")
    assert "Welcome, marta!" in page.inner_text(".messages")
    assert django_user_model.objects.filter(username="marta").exists()  # the test database, via gunicorn

    # Log out (back to the gallery) and in again.
    nav(page).get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{site.url}/")
    assert page.locator(".who").count() == 0
    nav(page).get_by_role("link", name="Log in").click()
    page.fill("input[name=username]", "marta")
    page.fill("input[name=password]", PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site.url}/")
    assert page.inner_text(".who") == "marta"

    # One photo, then three more, each through the upload form's file input.
    upload_with_file_input(page, "Harbour at dawn", "sea, boats", seed=1)
    assert "“Harbour at dawn” is uploaded." in page.inner_text(".messages")
    assert page.inner_text("h1") == "Harbour at dawn"
    assert page.locator(".photo-info .tags li").all_inner_texts() == ["sea", "boats"]
    assert_page_is_sound(page)
    screenshot(page, "photo")
    nav(page).get_by_role("link", name="Upload").click()
    assert_page_is_sound(page)
    screenshot(page, "upload")

    for seed, title in ((2, "Lighthouse"), (3, "Fishing nets"), (4, "Evening tide")):
        upload_with_file_input(page, title, "sea", seed=seed)
        assert page.inner_text("h1") == title
        assert_page_is_sound(page)

    # The gallery shows every thumbnail, newest first, and each card opens its photo.
    nav(page).get_by_role("link", name="Gallery").click()
    assert gallery_titles(page) == ["Evening tide", "Fishing nets", "Lighthouse", "Harbour at dawn"]
    assert page.locator(".grid .card img").count() == 4
    assert_page_is_sound(page)
    screenshot(page, "gallery")

    page.locator(".grid .card").filter(has_text="Lighthouse").get_by_role("img").click()
    page.wait_for_url("**/photos/*/")
    assert page.inner_text("h1") == "Lighthouse"
    assert "by marta" in page.inner_text(".meta")
    assert page.eval_on_selector(".photo img", "image => image.naturalWidth") == 1600
    assert_page_is_sound(page)

    # Log out: the upload link goes, and the upload page asks to log in.
    nav(page).get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{site.url}/")
    assert page.locator(".who").count() == 0
    assert nav(page).get_by_role("link", name="Upload").count() == 0
    page.goto("/upload/")
    assert page.url.startswith(f"{site.url}/accounts/login/")
    assert_page_is_sound(page)


@pytest.mark.skip(reason="needs issue 4 (tag pages, edit and delete of photos), not on main yet")
def test_follow_a_tag_edit_tags_and_delete():
    pass


@pytest.mark.skip(reason="needs issue 4 (multi-upload: drag-and-drop, progress bar), not on main yet")
def test_drag_and_drop_three_photos_with_progress_bar():
    pass
