"""A list page's cards: the whole grid from one cache entry, else each card from the card cache."""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gallery.services import navigation
from gallery.storage.s3 import media_urls
from gallery.web import pictures

CARD_TEMPLATE = "gallery/_photo_card.html"
# Where a cached card's media URLs go (the n-th of pictures.media_keys(card) in "\x00n\x00"): filled
# in from gallery.storage.s3.media_urls, so a cached card never carries a presigned URL past the
# lifetime media_urls.url guarantees. A cached grid carries its URLs, and the time until which
# media_urls would hand them out (media_urls.signed): it is not served after.


def photo_cards(cards, source=None):
    """Every card of a list page, each rendered from CARD_TEMPLATE once and then reused.

    A card is rendered from the card and the list's `source` token alone (its template sees
    nothing but `card`, its `position` and `from_query`, the ?from= its links carry,
    gallery.services.navigation), so its
    markup is a function of those, the language, the URL prefix and the template's source:
    the cache key holds all of them. An edit, a visibility change or a new display size changes
    the fields and so the key; a deleted photo is no longer in the page's Query. Nothing is
    invalidated because nothing stale can be found. (~1 ms a card saved; docs/benchmarks.md.)
    The whole grid is kept the same way, under a hash of every card in order, for as long as its
    media URLs may be handed out.
    """
    template = get_template(CARD_TEMPLATE)
    # Everything besides the card that the markup depends on, read once for the page.
    # The card's own words as translated now: a changed catalog changes every key, as a deploy
    # that changes the template does (the cache may outlive a deploy: Redis).
    words = (_("by %(name)s"), _("only me"))
    version = _template_version(template)
    context = repr((get_language(), words, get_script_prefix(), get_urlconf(), version, source))
    cache = caches[settings.PHOTOSHARE_CARD_CACHE]
    # The whole grid first: one read a page instead of a card's and its URLs' (~72 on a home page).
    # Nothing in a card is the viewer's own (no CSRF token, no nonce, no favourite mark): the
    # cards and their order are the page's content, whoever sees it.
    grid_key = "grid:" + _card_key(list(cards), context)
    grid = cache.get(grid_key)
    if isinstance(grid, tuple) and media_urls.clock() < grid[0]:
        return mark_safe(grid[1])  # noqa: S308 - the card template's own, escaped output
    markup, fresh_until = _render_cards(template, cache, cards, context, source)
    lifetime = int(fresh_until - media_urls.clock())
    if lifetime > 0:
        cache.set(grid_key, (fresh_until, markup), timeout=lifetime)
    return mark_safe(markup)  # noqa: S308 - the card template's own, escaped output


def _render_cards(template, cache, cards, context, source):
    """(the cards' markup, the time until which its URLs may be handed out)."""
    # Its position too: the first row loads eagerly (gallery.web.pictures.EAGER_CARDS).
    keys = {
        _card_key(card, context + repr(min(position, pictures.EAGER_CARDS))): (position, card)
        for position, card in enumerate(cards)
    }
    from_query = navigation.from_query(source)
    found = cache.get_many(keys)
    media_keys = {card.id: pictures.media_keys(card) for card in cards}
    urls, fresh_until = media_urls.signed([key for names in media_keys.values() for key in names])
    urls = {key: conditional_escape(url) for key, url in urls.items()}
    rendered, missing = [], {}
    for key, (position, card) in keys.items():
        slots = [(f"\x00{index}\x00", urls[media]) for index, media in enumerate(media_keys[card.id])]
        markup = found.get(key)
        if markup is None:
            markup = template.render({"card": card, "from_query": from_query, "position": position})
            missing[key] = markup
            for slot, url in slots:
                missing[key] = missing[key].replace(url, slot)
        else:
            for slot, url in slots:
                markup = markup.replace(slot, url)
        rendered.append(markup)
    if missing:
        cache.set_many(missing, timeout=None)  # keyed on content: never stale, evicted by size
    return "".join(rendered), fresh_until


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
        included = "".join(
            get_template(name).template.source for name in ("gallery/_tags.html", pictures.TEMPLATE)
        )
        version = _template_versions[source] = hashlib.sha256((source + included).encode()).hexdigest()[:16]
    return version
