"""The Content-Security-Policy (Django's, settings.SECURE_CSP, with the storage's origins from
gallery/web/csp.py), and pages that respect it (no inline script or style anywhere)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import RequestContext, Template
from django.test import Client, RequestFactory

from gallery.tests.factories import upload
from gallery.web.csp import StorageSourcesMiddleware

pytestmark = pytest.mark.django_db

# What a strict policy (no 'unsafe-inline') would block in a page.
INLINE_CODE = {
    "inline script": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
    ),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def inline_code_in(html):
    return [name for name, pattern in INLINE_CODE.items() if pattern.search(html)]


def test_the_policy_allows_only_this_site_the_media_storage_and_the_map_tiles(aws, client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    media = settings.STORAGES["default"]["OPTIONS"]["endpoint_url"]  # moto, in the tests
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    # The owner's map's tile server: its origin, from the PHOTOSHARE_MAP_TILE_URL template.
    assert directives["img-src"] == f"'self' data: https://tile.openstreetmap.org {media}"
    assert directives["connect-src"] == f"'self' {media}"  # the upload page POSTs files to S3
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    # The whole header, as the hand-written policy before Django's sent it: no nonce on a page that
    # has no inline code.
    assert policy == (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: https://tile.openstreetmap.org {media}; connect-src 'self' {media}; "
        "object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    assert "Content-Security-Policy-Report-Only" not in client.get("/")


def test_the_report_only_switch_sends_the_same_policy_without_enforcing_it(aws, client, settings):
    enforced = client.get("/")["Content-Security-Policy"]
    # What PHOTOSHARE_CSP_REPORT_ONLY=1 makes of the settings (test_security_settings.py).
    settings.SECURE_CSP, settings.SECURE_CSP_REPORT_ONLY = {}, settings.SECURE_CSP

    response = client.get("/")

    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == enforced


def page_using_the_nonce(request):
    template = Template('<script nonce="{{ csp_nonce }}">go()</script>')
    return HttpResponse(template.render(RequestContext(request)))


def test_a_template_that_uses_the_nonce_gets_it_in_the_header(aws):
    stack = ContentSecurityPolicyMiddleware(StorageSourcesMiddleware(page_using_the_nonce))

    first, second = stack(RequestFactory().get("/")), stack(RequestFactory().get("/"))

    nonce = re.search(r'nonce="([^"]+)"', first.content.decode()).group(1)
    directives = dict(part.strip().split(" ", 1) for part in first["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["img-src"].endswith(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])
    assert nonce not in second["Content-Security-Policy"]  # one per request


@pytest.mark.parametrize(
    "template", sorted(str(path) for path in (settings.BASE_DIR / "templates").rglob("*.html"))
)
def test_no_template_has_inline_script_or_style(template):
    assert inline_code_in(Path(template).read_text()) == []


def test_the_check_finds_inline_code():
    assert inline_code_in('<p style="color:red" onclick="x()"><script>x()</script>') == [
        "inline script",
        "style attribute",
        "event handler attribute",
    ]


def test_rendered_pages_have_no_inline_code_and_their_images_are_allowed(aws, logged_in_client):
    response = logged_in_client.post("/upload/", {"title": "Sunset", "tags": "sea", "image": upload()})
    photo_page = response["Location"]
    pages = {
        path: logged_in_client.get(path)
        for path in ("/", photo_page, "/upload/", "/photos/" + "0" * 32 + "/")
    }
    pages["/accounts/login/"] = Client().get("/accounts/login/")
    pages["/accounts/signup/"] = Client().get("/accounts/signup/")

    media = settings.STORAGES["default"]["OPTIONS"]["endpoint_url"]
    for path, page in pages.items():
        html = page.content.decode()
        assert inline_code_in(html) == [], path
        assert page["Content-Security-Policy"], path
        for source in re.findall(r'<img[^>]+src="([^"]+)"', html):
            assert source.startswith(("/", media)), (path, source)
