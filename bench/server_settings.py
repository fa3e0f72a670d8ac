"""Production settings plus the benchmarks' instrumentation and a hello-world view (bench/ only).

The benches talk plain HTTP to gunicorn on 127.0.0.1, where no proxy terminates TLS: the HTTPS
redirect and the Secure-only cookies of production are turned off here, explicitly, so a change of
their defaults can never again turn every bench request into a 301.
"""

from photoshare.settings import *  # noqa: F403
from photoshare.settings import MIDDLEWARE

ROOT_URLCONF = "bench.server_urls"
MIDDLEWARE = ["bench.instrument.ServerTimingMiddleware", *MIDDLEWARE]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
