"""The URLs of stored objects: presigned (or plain, for a CDN), each reused for half its lifetime."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage

from gallery.storage.s3.keys import PHOTOS_PREFIX


def url(key):
    """URL of a stored object: presigned for a private bucket, plain for a public one or a CDN.

    A URL is reused for half the presigned lifetime (a cache of its own): signing then costs
    nothing on most page views, and the browser's cache works because the URL stays the
    same. Every URL handed out is valid for at least half of AWS_QUERYSTRING_EXPIRE.
    (Plain URLs are cached too: django-storages builds them through botocore, ~0.1 ms each.)
    """
    return urls([key])[key]


def urls(keys):
    """{key: url(key)} for many objects with one cache round trip (a list page's 48 URLs)."""
    return signed(keys)[0]


def signed(keys):
    """({key: url(key)}, fresh_until): the time (clock()) until which every one of these URLs may
    still be handed out, as url() would (a page that keeps them, the grid cache, keeps them no longer)."""
    cache = caches[settings.PHOTOSHARE_MEDIA_URL_CACHE]
    prefix = f"media-url:{default_storage.bucket_name}:"
    found = cache.get_many([prefix + key for key in keys])
    now, reuse = clock(), settings.AWS_QUERYSTRING_EXPIRE // 2
    result, signed_now, oldest = {}, {}, now
    for key in keys:
        cached = found.get(prefix + key)
        if not isinstance(cached, tuple):  # not cached (or a bare URL cached before its signing time was)
            cached = signed_now[prefix + key] = (default_storage.url(key), now)
        result[key] = cached[0]
        oldest = min(oldest, cached[1])
    if signed_now:
        cache.set_many(signed_now, timeout=reuse)
    return result, oldest + reuse


def clock():
    """Seconds since the epoch; the tests move it on."""
    return time.time()


def media_origin():
    """scheme://host[:port] of the media URLs (for the CSP), or None if they are relative."""
    parts = urlsplit(default_storage.url(f"{PHOTOS_PREFIX}csp-probe"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
