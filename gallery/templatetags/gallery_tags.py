import re
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import get_language

from gallery import media

register = template.Library()

# A list page links every card to its photo, its owner and each of its tags: ~100 links a page,
# and `{% url %}` (a full reverse each) was about 30 % of the page's time (docs/benchmarks.md).
# These filters reverse each URL name once, with a placeholder, and fill the value in.
_PLACEHOLDER = "0" * 32  # matches every argument pattern below
# What the URL patterns accept (gallery/urls.py); any other value goes through reverse(), which
# then answers exactly as `{% url %}` would (NoReverseMatch).
_ARGUMENTS = {
    "gallery:photo": re.compile(r"[0-9a-f]{32}"),
    "gallery:user": re.compile(r"[^/]+"),
    "gallery:tag": re.compile(r"[^/]+"),
}
_SAFE = "!$&'()*+,;=" + "/~:@"  # what Django's reverse() leaves unquoted (RFC 3986 sub-delims + /~:@)
_templates = {}


def _url(name, value):
    value = str(value)
    if not _ARGUMENTS[name].fullmatch(value):
        return reverse(name, args=[value])
    # URLs depend on the URLconf, the script prefix (SCRIPT_NAME) and, with i18n_patterns, the language.
    key = (name, get_urlconf(), get_script_prefix(), get_language())
    prefix_and_suffix = _templates.get(key)
    if prefix_and_suffix is None:
        prefix_and_suffix = _templates[key] = tuple(reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER))
    prefix, suffix = prefix_and_suffix
    return f"{prefix}{iri_to_uri(quote(value, safe=_SAFE))}{suffix}"


@register.filter
def photo_url(photo_id):
    """`{% url 'gallery:photo' photo_id %}`, without a reverse per link."""
    return _url("gallery:photo", photo_id)


@register.filter
def user_url(username):
    return _url("gallery:user", username)


@register.filter
def tag_url(tag):
    return _url("gallery:tag", tag)


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
