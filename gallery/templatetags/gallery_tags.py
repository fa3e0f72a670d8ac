from django import template
from django.utils.text import Truncator

from gallery import media, sources

register = template.Library()


@register.filter
def media_url(key):
    """URL of a stored object (gallery.media.url: presigned or plain, cached)."""
    return media.url(key)


@register.filter
def exif_date(value):
    """EXIF writes "2024:07:01 18:30:00"; show "2024-07-01 18:30". Anything else as it is."""
    date, _, time = (value or "").partition(" ")
    if len(date) == 10 and date.count(":") == 2:
        return f"{date.replace(':', '-')} {time[:5]}".strip()
    return value


@register.simple_tag
def photo_url(photo_id, source=None):
    """A photo page's URL opened from a list: `source` is the list's token (gallery.sources)."""
    return sources.photo_url(photo_id, source)


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """`url` (a path, or a URL already absolute) made absolute, for link previews (Open Graph,
    Twitter cards), which crawlers read without a page to resolve paths against."""
    return context["request"].build_absolute_uri(url)


@register.filter
def preview_text(photo):
    """The text of a link preview: the description's start, or who took the photo."""
    text = " ".join((photo.description or "").split())
    return Truncator(text).chars(200) if text else f"A photo by {photo.owner_username} on photoshare"
