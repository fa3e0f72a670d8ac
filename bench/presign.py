"""How much of a list page presigning costs: 24 cards rendered with presigned URLs (the default,
private bucket) against the same page with plain URLs (PHOTOSHARE_PUBLIC_MEDIA / a CDN).

Run from the repository root:  .venv/bin/python bench/presign.py [--quick] [--force]
No AWS is needed: presigning is computed locally by botocore. Prints medians and the ratio.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "photoshare.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(8).hex())
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

import django

django.setup()

from _common import machine, refuse_if_loaded  # noqa: E402
from django.conf import settings as django_settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.files.storage import storages  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

from gallery.domain.records import Page, PhotoCard  # noqa: E402

RUNS = 41
CARDS = 24


def cards():
    return [
        PhotoCard(
            id=f"{number:032x}",
            title=f"Photo {number}",
            owner_id=1,
            owner_username="alice",
            tags=["sea", "boats"],
            created="2026-01-01T00:00:00+00:00",
            thumbnail_key=f"photos/{number:032x}/thumb.jpg",
            thumbnail_width=400,
            thumbnail_height=300,
            display_key=f"photos/{number:032x}/display.jpg",
            display_width=1600,
            display_height=1200,
        )
        for number in range(CARDS)
    ]


def median_ms(function):
    function()  # warm up: template compilation, boto3 client creation
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def render_page():
    request = RequestFactory().get("/")
    request.user = __import__("django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
    context = {"page": Page(items=cards()), "is_first_page": True, "request": request}
    return render_to_string("gallery/home.html", context, request=request)


def with_storage(querystring_auth):
    from django.conf import settings

    options = {**settings.STORAGES["default"]["OPTIONS"], "querystring_auth": querystring_auth}
    stores = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}
    return override_settings(STORAGES=stores)


def main(argv=None):
    global RUNS
    argv = sys.argv[1:] if argv is None else argv
    if "--quick" in argv:
        RUNS = 5
    print(f"Command: bench/presign.py {' '.join(argv)}".rstrip())
    print(f"Machine: {machine()}")
    refuse_if_loaded("--quick" in argv or "--force" in argv)
    url_cache = caches[django_settings.PHOTOSHARE_MEDIA_URL_CACHE]
    rows = {}
    for label, signed in (("plain URLs (public bucket / CDN)", False), ("presigned URLs (private)", True)):
        with with_storage(querystring_auth=signed):
            # Cache cleared before each run: every URL built afresh (first view in a cache period).
            rows[f"{label}, built afresh"] = median_ms(lambda: (url_cache.clear(), render_page()))
            rows[f"{label}, from the cache"] = median_ms(render_page)  # the usual view
            if signed:
                store = storages["default"]
                per_url = median_ms(lambda s=store: [s.url(f"p/{n}/t.jpg") for n in range(100)]) / 100
                urls = len(set(re.findall(r'https?://[^" ]+X-Amz-Signature=[^" ]+', render_page())))
    baseline = rows["plain URLs (public bucket / CDN), built afresh"]
    print(f"list page of {CARDS} cards ({urls} distinct presigned URLs), median of {RUNS} renders:")
    for label, ms in rows.items():
        print(f"  {label:50} {ms:6.2f} ms  {ms / baseline:4.2f}x")
    print(f"  one presigned URL (SigV4){'':24} {per_url:6.3f} ms")


if __name__ == "__main__":
    main()
