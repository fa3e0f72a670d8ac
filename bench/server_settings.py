"""Production settings plus the benchmarks' instrumentation and a hello-world view (bench/ only)."""

from photoshare.settings import *  # noqa: F403
from photoshare.settings import MIDDLEWARE

ROOT_URLCONF = "bench.server_urls"
MIDDLEWARE = ["bench.instrument.ServerTimingMiddleware", *MIDDLEWARE]
