"""The URLs of stored objects: presigned (or plain, for a CDN), each reused for half its lifetime."""

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
    cache = caches[settings.PHOTOSHARE_MEDIA_URL_CACHE]
    prefix = f"media-url:{default_storage.bucket_name}:"
    found = cache.get_many([prefix + key for key in keys])
    result, signed = {}, {}
    for key in keys:
        cached = found.get(prefix + key)
        if cached is None:
            cached = signed[prefix + key] = default_storage.url(key)
        result[key] = cached
    if signed:
        cache.set_many(signed, timeout=settings.AWS_QUERYSTRING_EXPIRE // 2)
    return result


def media_origin():
    """scheme://host[:port] of the media URLs (for the CSP), or None if they are relative."""
    parts = urlsplit(default_storage.url(f"{PHOTOS_PREFIX}csp-probe"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
