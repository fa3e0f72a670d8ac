"""Debian's chromium for the browser tests: where it is, how it is started, and the skip (with
its reason) where it is missing, as the README promises."""

import os
import shutil

import pytest
from playwright.sync_api import expect

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

needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason=f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# Playwright's expect() waits 5 s by default; an upload through moto on a loaded 2-core machine
# (several test runs at once) takes longer. A wait ends as soon as its condition holds.
expect.set_options(timeout=20_000)
