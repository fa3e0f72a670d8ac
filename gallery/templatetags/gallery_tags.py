import hashlib
import re
from datetime import datetime
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gallery.domain import ids, records
from gallery.services import navigation as sources
from gallery.storage.s3 import media_urls

register = template.Library()

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


@register.filter
def photo_url(photo_id):
    """`{% url 'gallery:photo' photo_id %}`, without a reverse per link."""
    return _url("gallery:photo", photo_id)


@register.simple_tag(takes_context=True)
def card_link(context, photo_id):
    """A card's link: the photo's page (opened from the list `from_query` names), or within an
    album's share link (`share_base` in the context, its path) the page that link serves, since
    the photo's own may be private."""
    share_base = context.get("share_base")
    if share_base:
        return f"{share_base}photos/{photo_id}/"
    # ?from=<the list's token> (gallery.services.navigation): the photo page's previous and next follow it.
    return photo_url(photo_id) + context.get("from_query", "")


@register.filter
def user_url(username):
    return _url("gallery:user", username)


@register.filter
def tag_url(tag):
    return _url("gallery:tag", tag)


CARD_TEMPLATE = "gallery/_photo_card.html"
# Where a cached card's media URLs go: filled in on every view from gallery.storage.s3.media_urls.url,
# so a cached card never carries a presigned URL past the lifetime media_urls.url guarantees.
_THUMBNAIL_SLOT, _DISPLAY_SLOT = "\x00thumbnail\x00", "\x00display\x00"


@register.simple_tag
def photo_cards(cards, source=None):
    """Every card of a list page, each rendered from CARD_TEMPLATE once and then reused.

    A card is rendered from the card and the list's `source` token alone (its template sees
    nothing but `card` and `from_query`, the ?from= its links carry, gallery.services.navigation), so its
    markup is a function of those, the language, the URL prefix and the template's source:
    the cache key holds all of them. An edit, a visibility change or a new display size changes
    the fields and so the key; a deleted photo is no longer in the page's Query. Nothing is
    invalidated because nothing stale can be found. (~1 ms a card saved; docs/benchmarks.md.)
    """
    template = get_template(CARD_TEMPLATE)
    # Everything besides the card that the markup depends on, read once for the page.
    # The card's own words as translated now: a changed catalog changes every key, as a deploy
    # that changes the template does (the cache may outlive a deploy: Redis).
    words = (_("by %(name)s"), _("only me"))
    version = _template_version(template)
    context = repr((get_language(), words, get_script_prefix(), get_urlconf(), version, source))
    keys = {_card_key(card, context): card for card in cards}
    from_query = sources.from_query(source)
    cache = caches[settings.PHOTOSHARE_CARD_CACHE]
    found = cache.get_many(keys)
    media_keys = [key for card in cards for key in (card.thumbnail_key, card.display_key) if key]
    urls = {key: conditional_escape(url) for key, url in media_urls.urls(media_keys).items()}
    rendered, missing = [], {}
    for key, card in keys.items():
        thumbnail = urls[card.thumbnail_key]
        display = urls[card.display_key] if card.display_key else ""
        markup = found.get(key)
        if markup is None:
            markup = template.render({"card": card, "from_query": from_query})
            missing[key] = markup.replace(thumbnail, _THUMBNAIL_SLOT)
            if display:
                missing[key] = missing[key].replace(display, _DISPLAY_SLOT)
        else:
            markup = markup.replace(_THUMBNAIL_SLOT, thumbnail).replace(_DISPLAY_SLOT, display)
        rendered.append(markup)
    if missing:
        cache.set_many(missing, timeout=None)  # keyed on content: never stale, evicted by size
    return mark_safe("".join(rendered))  # noqa: S308 - the card template's own, escaped output


def _card_key(card, context):
    # A dataclass's repr names every field and its value: the card's whole content.
    return "card:" + hashlib.sha256(f"{card!r}{context}".encode()).hexdigest()


_template_versions = {}


def _template_version(template):
    """A hash of the card template's source and of what it includes: a deploy that changes the
    markup changes every key, even in a cache shared across deploys (Redis)."""
    source = getattr(template.template, "source", "")
    version = _template_versions.get(source)
    if version is None:
        tags = get_template("gallery/_tags.html").template.source
        version = _template_versions[source] = hashlib.sha256((source + tags).encode()).hexdigest()[:16]
    return version


@register.filter
def media_url(key):
    """URL of a stored object (s3.media_urls.url: presigned or plain, cached); "" for no key."""
    return media_urls.url(key) if key else ""


@register.filter
def exif_date(value):
    """EXIF writes "2024:07:01 18:30:00" (the camera's local time): shown in the language's
    DATETIME_FORMAT ("July 1, 2024, 6:30 p.m.", "2024년 7월 1일 6:30 오후"). Anything else as it is."""
    try:
        taken = datetime.strptime((value or "").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return value
    return formats.date_format(taken, "DATETIME_FORMAT")


@register.filter
def as_datetime(value):
    """A stored ISO 8601 timestamp ("2026-12-01T21:22:00.000000+00:00") as a datetime, for the
    `date` filter and the language's formats; "" when it is not one."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def visibility_label(value):
    """ "public", "unlisted", "private" in the reader's words ("Everyone", ...)."""
    return dict(records.ALBUM_VISIBILITY_CHOICES).get(value, value)


@register.simple_tag
def photo_in_list(photo_id, source=None):
    """A photo page's URL opened from a list: `source` is the list's token (gallery.services.navigation)."""
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
    if text:
        return Truncator(text).chars(200)
    return _("A photo by %(name)s on photoshare") % {"name": photo.owner_username}
