"""The <picture> of a photo wherever one is shown (cards, the viewer, album covers): the one owner
of its markup (templates/gallery/_picture.html), its srcset, sizes and loading.

A photo offers what its record says exists: its WebP `sources` (gallery.domain.records.PhotoCard;
none on photos made before them), the viewer's whole and the cards' cropped to a card's shape
(gallery.imaging.renditions.CARD_ASPECTS), and its JPEG thumbnail and display size, the
fallback. S3 is never asked what exists.
"""

from django.template.loader import get_template
from django.utils.safestring import mark_safe

from gallery.storage.s3 import media_urls

# `sizes`: the width the CSS (static/css/site.css) gives the image at each viewport width; the
# browser picks from srcset before layout, so it has to be told. main is at most 1200 px wide
# with 20 px of padding each side (so 1160 px from 1240 px on).
# .grid: columns of at least 220 px with 16 px gaps: 1 column below 496 px, 2 below 732, 3 below
# 968, then 4 (278 px each at 1160).
CARD_SIZES = (
    "(max-width: 495px) calc(100vw - 40px), (max-width: 731px) calc(50vw - 28px), "
    "(max-width: 967px) calc(33.3vw - 24px), (max-width: 1239px) calc(25vw - 22px), 278px"
)
# .photo: one column to 720 px; then the viewer takes 3fr of 4 beside a 24 px gap, the details'
# column at least 240 px (so below 1024 px the viewer is what the 240 px leave), 852 px at 1160.
VIEWER_SIZES = (
    "(max-width: 720px) calc(100vw - 40px), (max-width: 1023px) calc(100vw - 304px), "
    "(max-width: 1239px) calc(75vw - 48px), 852px"
)
SIZES = {"card": CARD_SIZES, "viewer": VIEWER_SIZES, "cover": CARD_SIZES}
# Cards loaded at once (the rest lazily): the first row at the widest layout (4 columns). The
# first two are fetched first (fetchpriority): a phone's screen shows two one-column cards of
# one size, and Chrome may name either its Largest Contentful Paint (Lighthouse saw the second:
# a pixel of rounding larger).
EAGER_CARDS = 4
PRIORITY_CARDS = 2
TEMPLATE = "gallery/_picture.html"


def picture(item, role="card", position=None):
    """The <picture> of `item` (a Photo or PhotoCard; an Album's cover for role "cover") as
    `role` shows it: "card" (its `position` in the list, from 0, decides eager loading),
    "viewer" (always eager: the photo page's LCP) or "cover"."""
    fallback, sources = _sizes(item, role)
    if not fallback:
        return ""
    if role == "viewer":
        eager, priority = True, True
    else:
        # A template without a position (an include outside a list) gives "": lazy.
        eager = isinstance(position, int) and position < EAGER_CARDS
        priority = eager and position < PRIORITY_CARDS
    src_key = fallback[-1][0] if role == "viewer" else fallback[0][0]
    # The largest size's: the photo's aspect ratio, as exact as the record has it.
    width, height = (sources[0]["width"], sources[0]["height"]) if sources else fallback[-1][1:]
    urls = media_urls.urls([key for key, *_ in fallback] + [source["key"] for source in sources])
    context = {
        "src": urls[src_key],
        "srcset": _srcset((urls[key], side) for key, side, _ in fallback) if len(fallback) > 1 else "",
        "source_type": sources[0]["type"] if sources else "",
        "source_srcset": _srcset((urls[source["key"]], source["width"]) for source in sources),
        "sizes": SIZES[role],
        "width": width,
        "height": height,
        "alt": item.title,
        "eager": eager,
        "priority": priority,
    }
    return mark_safe(get_template(TEMPLATE).render(context).strip())  # noqa: S308 - the template's escaped output


def media_keys(item):
    """Every object key `picture` may put in the markup of `item` (gallery.web.cards' slots)."""
    fallback, sources = _sizes(item, "card")
    return [key for key, *_ in fallback] + [source["key"] for source in sources]


def _sizes(item, role):
    """([(key, width, height)] of the JPEG sizes, smallest first; the sources)."""
    if role == "cover":
        key = item.cover_thumbnail_key
        if not key:
            return [], []
        fallback = [(key, item.cover_thumbnail_width, item.cover_thumbnail_height)]
        return fallback, _role_sources(item.cover_sources, role)
    fallback = [
        (key, width, height)
        for key, width, height in (
            (item.thumbnail_key, item.thumbnail_width, item.thumbnail_height),
            (item.display_key, item.display_width, item.display_height),
        )
        if key
    ]
    return fallback, _role_sources(item.sources, role)


def _role_sources(sources, role):
    viewer = [source for source in sources if not source.get("card")]
    cards = [source for source in sources if source.get("card")]
    # A card (and a cover) shows the cards' cropped sizes; a photo made before them, the viewer's.
    return viewer if role == "viewer" else cards or viewer


def _srcset(candidates):
    return ", ".join(f"{url} {width}w" for url, width in candidates)
