"""Rate limits on Django's cache: fixed windows counted per key (user, IP, username).

Rates are settings like "30/h" or "10/5m". The counters live in the default cache; with
several worker processes that must be a shared cache (see DJANGO_CACHE_URL in the README),
otherwise each worker counts on its own.

The limits of requests (login, sign-up, upload burst, ...) and who is asking are
gallery.web.ratelimit's; here the counting, and the one limit a use case holds:
    upload quota    per user, stored photos only (a refused or failed upload gives its place
                    back): fits real batches (hundreds a day), bounds what one account stores

A refusal raises `TooManyRequests`, whose `retry_after` is the true number of seconds until
the window that refused ends; it carries its answer (a 429 with Retry-After, gallery.web.errors).
Time comes from `clock` (a module attribute), so tests set it instead of racing the wall clock.
"""

import hashlib
import logging
import math
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import DomainError

logger = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOO_MANY_MESSAGE = _("Too many attempts. Please wait a few minutes and try again.")
QUOTA_MESSAGE = _("You have uploaded as many photos as an account may in a day. Please try again later.")

clock = time.time  # seconds since the epoch; tests replace it


class TooManyRequests(DomainError):
    """A rate was exceeded; try again in `retry_after` seconds (a 429 with Retry-After)."""

    status, code = 429, "too_many_requests"

    def __init__(self, retry_after, message=TOO_MANY_MESSAGE):
        super().__init__(message, message=message)
        self.retry_after = retry_after

    @property
    def headers(self):
        return {"Retry-After": str(self.retry_after)}


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

    @classmethod
    def setting(cls, name):
        return cls.parse(getattr(settings, name))


@dataclass(frozen=True)
class Window:
    """One key's counter in the current window of a rate."""

    cache_key: str
    rate: Rate
    retry_after: int  # seconds until this window ends (at least 1)

    @classmethod
    def current(cls, scope, key, rate, now=None):
        now = clock() if now is None else now
        window = int(now // rate.seconds)
        # Hashed: keys hold user input (a username), which must not shape the cache key.
        digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
        retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
        return cls(f"ratelimit:{digest}:{rate.seconds}:{window}", rate, retry_after)

    def add(self, delta=1):
        """Count `delta` hits (negative to give places back); the new count."""
        cache.add(self.cache_key, 0, timeout=self.rate.seconds + 1)
        try:
            return cache.incr(self.cache_key, delta)
        except ValueError:  # expired between add and incr
            cache.set(self.cache_key, max(delta, 0), timeout=self.rate.seconds + 1)
            return max(delta, 0)


def allow(scope, key, rate, *, now=None):
    """Count one hit for `key` in `scope`; False once the rate is exceeded in this window."""
    return Window.current(scope, key, rate, now).add() <= rate.count


def check(scope, keys, rate):
    """Count one hit for each key; raise TooManyRequests if any is over the rate. Every key is
    counted (no short-circuit), so one cannot be used to spare another."""
    windows = [Window.current(scope, key, rate) for key in keys if key]
    over = [window for window in windows if window.add() > rate.count]
    if over:
        raise TooManyRequests(max(window.retry_after for window in over))


@contextmanager
def upload_quota(user):
    """Hold one place of `user`'s stored-photo quota while a photo is stored; the place is given
    back if storing fails, so only stored photos count. Raises TooManyRequests when full."""
    rate = Rate.setting("PHOTOSHARE_UPLOAD_QUOTA")
    window = Window.current("upload-quota", f"user:{user.pk}", rate)
    if window.add() > rate.count:
        window.add(-1)
        logger.warning("upload quota of user %s reached", user.pk)
        raise TooManyRequests(window.retry_after, QUOTA_MESSAGE)
    try:
        yield
    except BaseException:
        window.add(-1)
        raise
