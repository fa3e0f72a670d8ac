"""Rate limits on Django's cache: fixed windows counted per key (user, IP, username).

Rates are settings like "30/h" or "10/5m". The counters live in the default cache; with
several worker processes that must be a shared cache (see DJANGO_CACHE_URL in the README),
otherwise each worker counts on its own.
"""

import functools
import hashlib
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOO_MANY_MESSAGE = "Too many attempts. Please wait a few minutes and try again."


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text):
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"not a rate: {text!r} (expected e.g. '30/h' or '10/5m')")
        count, multiplier, unit = match.groups()
        return cls(int(count), int(multiplier or 1) * _PERIOD_SECONDS[unit])


def allow(scope, key, rate, *, now=None):
    """Count one hit for `key` in `scope`; False once the rate is exceeded in this window."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    # Hashed: keys hold user input (a username), which must not shape the cache key.
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{digest}:{rate.seconds}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    return count <= rate.count


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    Only the last PHOTOSHARE_TRUSTED_PROXY_COUNT entries were written by proxies we run; anything
    before them came from the client and could be forged.
    """
    proxies = settings.PHOTOSHARE_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def limit_posts(scope, rate_setting, keys):
    """View decorator: POSTs over the rate of any key get a 429 page; other methods pass.

    `keys(request)` returns the keys to count (e.g. the user id and the IP address).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and exceeded(request, scope, rate_setting, keys):
                return too_many_response(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def exceeded(request, scope, rate_setting, keys):
    """Count this request for each of `keys(request)`; True if any of them is over the rate."""
    rate = Rate.parse(getattr(settings, rate_setting))
    # Every key is counted (no short-circuit), so one cannot be used to spare another.
    verdicts = [allow(scope, key, rate) for key in keys(request) if key]
    if not all(verdicts):
        logger.warning("rate limit %s exceeded by %s", scope, client_ip(request))
        return True
    return False


def too_many_response(request):
    response = render(request, "gallery/unavailable.html", {"message": TOO_MANY_MESSAGE}, status=429)
    response["Retry-After"] = "60"
    return response


def upload_keys(request):
    # The API authenticates by token into request.api_user; the site by session.
    user = getattr(request, "api_user", None) or getattr(request, "user", None)
    user_key = f"user:{user.pk}" if user is not None and user.is_authenticated else None
    return [user_key, f"ip:{client_ip(request)}"]


def login_keys(request):
    username = request.POST.get("username", "").strip().lower()
    return [f"ip:{client_ip(request)}", f"username:{username}" if username else None]


def ip_keys(request):
    return [f"ip:{client_ip(request)}"]


def password_reset_keys(request):
    address = request.POST.get("email", "").strip().casefold()
    return [f"ip:{client_ip(request)}", f"email:{address}" if address else None]
