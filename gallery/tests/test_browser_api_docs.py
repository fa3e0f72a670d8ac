"""/api/docs/ in a real browser (Debian's chromium, the site on gunicorn): Swagger UI loads its
files from the site (no CDN) and renders the served /api/openapi.json under the site's
Content-Security-Policy, with no console error (a CSP violation is one)."""

import pytest
from playwright.sync_api import expect

from gallery.tests.test_browser import browser, page, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_the_api_docs_render_the_schema_under_the_csp(page):  # noqa: F811
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto("/api/docs/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("photoshare")
    expect(page.locator("#operations-albums-edit_album")).to_be_visible()
    assert page.problems == []
    site_url = page.url.split("/api/docs/")[0]
    assert all(url.startswith(site_url) or url.startswith("data:") for url in requested), requested
