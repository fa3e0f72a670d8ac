"""Links of the pages: a photo's, a person's, a tag's, reversed once per URL name (a list page has
~100 of them), and a card's link within the list it is on (gallery.services.navigation)."""

import re
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import get_language

from gallery.domain import ids

# A list page links every card to its photo, its owner and each of its tags: ~100 links a page,
# and `{% url %}` (a full reverse each) was about 30 % of the page's time (docs/benchmarks.md).
# These filters reverse each URL name once, with a placeholder, and fill the value in.
_PLACEHOLDER = "0" * 32  # matches every argument pattern below
# What the URL patterns accept (gallery/web/urls.py); any other value goes through reverse(), which
# then answers exactly as `{% url %}` would (NoReverseMatch).
_ARGUMENTS = {
    "gallery:photo": re.compile(ids.PATTERN),
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


def photo_url(photo_id):
    """`{% url 'gallery:photo' photo_id %}`, without a reverse per link."""
    return _url("gallery:photo", photo_id)


def card_link(context, photo_id):
    """A card's link: the photo's page (opened from the list `from_query` names), or within an
    album's share link (`share_base` in the context, its path) the page that link serves, since
    the photo's own may be private."""
    share_base = context.get("share_base")
    if share_base:
        return f"{share_base}photos/{photo_id}/"
    # ?from=<the list's token> (gallery.services.navigation): the photo page's previous and next follow it.
    return photo_url(photo_id) + context.get("from_query", "")


def user_url(username):
    return _url("gallery:user", username)


def tag_url(tag):
    return _url("gallery:tag", tag)


def absolute_url(context, url):
    """`url` (a path, or a URL already absolute) made absolute, for link previews (Open Graph,
    Twitter cards), which crawlers read without a page to resolve paths against."""
    return context["request"].build_absolute_uri(url)


_fixed = {}


def site_url(name, *args):
    """`{% site_url 'gallery:home' %}`: `{% url %}` reversed once per URLconf, script prefix and
    language, for the links every page carries (the header's, the footer's: ~8 a page, ~16 signed in).
    Only for names whose arguments take a few values (none, or the language code)."""
    key = (name, args, get_urlconf(), get_script_prefix(), get_language())
    url = _fixed.get(key)
    if url is None:
        url = _fixed[key] = reverse(name, args=args)
    return url
