"""URLs of stored objects for the pages, presigned once and reused while most of their life is left.

Presigning is the largest part of our own time on a gallery page (24 signatures per page, see
docs/benchmarks.md), and a URL that changes on every view also defeats the browser's cache of the
thumbnails. A URL is reused for half of AWS_QUERYSTRING_EXPIRE, so every URL a page hands out is still
valid for at least the other half.
"""

import functools
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver


class PresignedUrlCache:
    """A bounded, least-recently-used map of key -> (URL, when it was signed)."""

    def __init__(self, sign, *, max_age, max_entries, clock=time.monotonic):
        self._sign = sign
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def url(self, key):
        if self.max_entries <= 0:
            return self._sign(key)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[1] < self.max_age:
                self._entries.move_to_end(key)
                return entry[0]
        url = self._sign(key)  # outside the lock: signing is the slow part
        with self._lock:
            self._entries[key] = (url, now)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return url


@functools.cache
def media_urls():
    """The process-wide cache, built from settings on first use."""
    return PresignedUrlCache(
        default_storage.url,
        max_age=settings.AWS_QUERYSTRING_EXPIRE / 2,
        max_entries=settings.PHOTOSHARE_PRESIGNED_URL_CACHE_SIZE,
    )


@receiver(setting_changed)
def _reset_media_urls(setting, **kwargs):
    if setting.startswith(("AWS_", "STORAGES", "PHOTOSHARE_PRESIGNED_URL")):
        media_urls.cache_clear()
