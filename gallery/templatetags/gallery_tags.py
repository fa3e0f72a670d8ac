from django import template
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def media_url(key):
    """URL of a stored object: presigned for a private bucket, plain for a public one or a CDN.

    A URL is reused for half the presigned lifetime (Django's cache): signing then costs
    nothing on most page views, and the browser's cache works because the URL stays the
    same. Every URL handed out is valid for at least half of AWS_QUERYSTRING_EXPIRE.
    (Plain URLs are cached too: django-storages builds them through botocore, ~0.1 ms each.)
    """
    cache = caches[settings.PHOTOSHARE_MEDIA_URL_CACHE]
    cache_key = f"media-url:{default_storage.bucket_name}:{key}"
    url = cache.get(cache_key)
    if url is None:
        url = default_storage.url(key)
        cache.set(cache_key, url, timeout=settings.AWS_QUERYSTRING_EXPIRE // 2)
    return url


@register.filter
def exif_date(value):
    """EXIF writes "2024:07:01 18:30:00"; show "2024-07-01 18:30". Anything else as it is."""
    date, _, time = (value or "").partition(" ")
    if len(date) == 10 and date.count(":") == 2:
        return f"{date.replace(':', '-')} {time[:5]}".strip()
    return value
