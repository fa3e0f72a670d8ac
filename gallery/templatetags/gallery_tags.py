from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def media_url(key):
    """URL of a stored object: presigned for a private bucket, plain for a public one or a CDN."""
    return default_storage.url(key)


@register.filter
def exif_date(value):
    """EXIF writes "2024:07:01 18:30:00"; show "2024-07-01 18:30". Anything else as it is."""
    date, _, time = (value or "").partition(" ")
    if len(date) == 10 and date.count(":") == 2:
        return f"{date.replace(':', '-')} {time[:5]}".strip()
    return value
