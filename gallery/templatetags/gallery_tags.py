from django import template

from gallery import media

register = template.Library()


@register.filter
def media_url(key):
    """URL of a stored object (gallery.media.url: presigned or plain, cached); "" for no key."""
    return media.url(key) if key else ""


@register.filter
def exif_date(value):
    """EXIF writes "2024:07:01 18:30:00"; show "2024-07-01 18:30". Anything else as it is."""
    date, _, time = (value or "").partition(" ")
    if len(date) == 10 and date.count(":") == 2:
        return f"{date.replace(':', '-')} {time[:5]}".strip()
    return value
