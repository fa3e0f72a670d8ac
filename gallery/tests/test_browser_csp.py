"""A real browser (Debian's chromium, headless) loads the public pages under the real CSP and
reports no violation: the pages respect the policy, and their images load from the storage."""

import re
import shutil
import subprocess

import pytest
from django.test import Client

from gallery.tests.factories import confirmed_user, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium")


def console_messages(url):
    """What the page logged to the console (CSP violations are logged there), via chromium's
    own logging; --dump-dom makes it load the page, run it and exit."""
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # tests run as root in CI
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout, re.findall(r":CONSOLE:\d+\] (.*)", result.stderr)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/bootstrap.sh installs it)")
def test_public_pages_raise_no_csp_violation(aws, live_server, django_user_model):
    owner = confirmed_user("alice", "x")
    client = Client()
    client.force_login(owner)
    photo_page = client.post("/upload/", {"title": "Dusk", "tags": "sea", "image": upload()})["Location"]

    for path in ("/", photo_page, "/accounts/login/", "/accounts/signup/", "/admin/login/"):
        dom, messages = console_messages(live_server.url + path)

        assert "</body>" in dom and ("photoshare" in dom or "Django site admin" in dom), path
        assert [message for message in messages if "Content Security Policy" in message] == [], path
        assert [message for message in messages if "Failed to load" in message] == [], path


def test_the_browser_check_sees_a_violation(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    page = tmp_path / "inline.html"
    page.write_text(
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
        "<script>document.title = 'ran'</script>"
    )

    _, messages = console_messages(page.as_uri())

    assert any("Content Security Policy" in message for message in messages)
