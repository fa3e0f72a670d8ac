"""Production settings plus the benchmarks' instrumentation and a hello-world view (bench/ only)."""

from photoshare.settings import *  # noqa: F403
from photoshare.settings import MIDDLEWARE, env

ROOT_URLCONF = "bench.server_urls"
MIDDLEWARE = ["bench.instrument.ServerTimingMiddleware", *MIDDLEWARE]

# bench/gallery_page.py --no-url-cache: no reuse of presigned URLs (the "before" of that cache).
if env.bool("BENCH_NO_CACHE", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
