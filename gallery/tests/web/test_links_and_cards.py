"""gallery.templatetags.gallery_tags: the link filters give exactly what `{% url %}` gives, and
cached cards are never stale."""

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from gallery.domain.records import PhotoCard
from gallery.storage.s3 import media_urls
from gallery.web import pictures
from gallery.web.links import photo_url, site_url, tag_url, user_url

VALUES = ["sunset", "été", "new york", "a+b", "50%", "what?", "#hash", "x&y", "o'neil", "<b>", "ü~:@!$"]


@pytest.mark.parametrize("value", VALUES)
def test_tag_and_user_links_are_what_reverse_gives(value):
    assert tag_url(value) == reverse("gallery:tag", args=[value])
    assert user_url(value) == reverse("gallery:user", args=[value])


def test_photo_link_is_what_reverse_gives():
    photo_id = "0123456789abcdef0123456789abcdef"
    assert photo_url(photo_id) == reverse("gallery:photo", args=[photo_id]) == f"/photos/{photo_id}/"


def test_values_the_patterns_refuse_fail_as_reverse_does():
    for call, value in ((photo_url, "not-a-photo-id"), (tag_url, "a/b"), (user_url, "")):
        with pytest.raises(NoReverseMatch):
            call(value)


def test_links_follow_the_script_prefix():
    """A site served under a path (SCRIPT_NAME) gets it in every link, per request."""
    set_script_prefix("/gallery-app/")
    try:
        assert tag_url("sunset") == "/gallery-app/tags/sunset/" == reverse("gallery:tag", args=["sunset"])
    finally:
        clear_script_prefix()
    assert tag_url("sunset") == "/tags/sunset/"


def test_site_links_are_what_reverse_gives_under_any_prefix():
    assert site_url("gallery:home") == reverse("gallery:home") == "/"
    assert site_url("javascript-catalog", "ko") == reverse("javascript-catalog", args=["ko"])
    set_script_prefix("/gallery-app/")
    try:
        assert site_url("gallery:tags") == "/gallery-app/tags/" == reverse("gallery:tags")
    finally:
        clear_script_prefix()
    assert site_url("gallery:tags") == "/tags/"


# photo_cards: cached cards, never a stale one.


def card(**changes):
    fields = {
        "id": "0123456789abcdef0123456789abcdef",
        "title": "Harbour",
        "owner_id": 1,
        "owner_username": "alice",
        "tags": ["sea"],
        "created": "2026-01-01T00:00:00+00:00",
        "thumbnail_key": "photos/0123/thumb.jpg",
        "thumbnail_width": 400,
        "thumbnail_height": 300,
        "display_key": "photos/0123/display.jpg",
        "display_width": 1600,
        "display_height": 1200,
    }
    return PhotoCard(**{**fields, **changes})


def render_cards(*cards):
    return Template("{% load gallery_tags %}{% photo_cards cards %}").render(Context({"cards": list(cards)}))


def render_uncached(*cards):
    template = get_template("gallery/_photo_card.html")
    return "".join(template.render({"card": each, "position": index}) for index, each in enumerate(cards))


@pytest.fixture
def signed_urls(monkeypatch):
    """media_urls handing out new URLs whenever `expire()` is called: the clock moves on by the
    half lifetime the old ones were handed out for."""
    state = {"n": 1, "now": 1000.0, "signed_at": 1000.0}

    def url(key):
        return f"https://s3.test/{key}?X-Amz-Signature=sig{state['n']}&x=1"

    def expire():
        state.update(n=state["n"] + 1, now=state["now"] + 1800, signed_at=state["now"] + 1800)

    monkeypatch.setattr(media_urls, "url", url)
    monkeypatch.setattr(media_urls, "urls", lambda keys: {key: url(key) for key in keys})
    monkeypatch.setattr(
        media_urls, "signed", lambda keys: ({key: url(key) for key in keys}, state["signed_at"] + 1800)
    )
    monkeypatch.setattr(media_urls, "clock", lambda: state["now"])
    caches[settings.PHOTOSHARE_CARD_CACHE].clear()
    return expire


def test_cached_cards_are_the_card_template_exactly(signed_urls):
    cards = [card(), card(id="f" * 32, title="Boats", tags=[], display_key="")]
    first = render_cards(*cards)
    assert first == render_cards(*cards) == render_uncached(*cards)
    assert "&amp;x=1" in first  # URLs escaped as the template escapes them


def test_an_edit_shows_at_once(signed_urls):
    render_cards(card())
    edited = render_cards(card(title="Harbour at dusk", tags=["sea", "dusk"]))
    assert "Harbour at dusk" in edited and 'href="/tags/dusk/"' in edited


def test_a_visibility_change_shows_at_once(signed_urls):
    assert "only me" not in render_cards(card())
    assert "only me" in render_cards(card(visibility="private"))
    assert "only me" not in render_cards(card())


def test_a_new_display_size_shows_at_once(signed_urls):
    assert "srcset" not in render_cards(card(display_key=""))
    assert "display.jpg" in render_cards(card())


def test_a_cached_card_never_carries_an_old_presigned_url(signed_urls):
    render_cards(card())
    signed_urls()  # media_urls.url now hands out newly signed URLs
    again = render_cards(card())
    assert "sig1" not in again
    assert again.count("X-Amz-Signature=sig2") == 3  # src, and both srcset entries


def test_a_cached_grid_is_served_until_its_urls_would_no_longer_be(signed_urls, monkeypatch):
    first = render_cards(card(), card(id="f" * 32))
    monkeypatch.setattr(media_urls, "clock", lambda: 2799.0)  # 1 s before the URLs' half lifetime
    monkeypatch.setattr(media_urls, "signed", lambda keys: pytest.fail("the grid is cached"))
    assert render_cards(card(), card(id="f" * 32)) == first
    monkeypatch.setattr(media_urls, "clock", lambda: 2800.0)
    with pytest.raises(pytest.fail.Exception):  # rendered again, with URLs asked for again
        render_cards(card(), card(id="f" * 32))


def test_a_new_photo_shows_at_once(signed_urls):
    render_cards(card())
    newer = render_cards(card(id="f" * 32, title="Boats"), card())
    assert newer.count('class="card"') == 2 and "Boats" in newer


def test_cards_follow_the_language_and_the_script_prefix(signed_urls):
    render_cards(card())
    with translation.override("ko"):
        korean = render_cards(card())
    assert "by alice" not in korean and "alice" in korean
    assert "by alice" in render_cards(card())
    set_script_prefix("/app/")
    try:
        assert 'href="/app/photos/' in render_cards(card())
    finally:
        clear_script_prefix()
    assert 'href="/photos/' in render_cards(card())


def test_cards_link_to_the_photo_in_their_list_and_are_cached_apart_per_list(signed_urls):
    template = Template("{% load gallery_tags %}{% photo_cards cards source %}")

    def render(source):
        return template.render(Context({"cards": [card()], "source": source}))

    feed, tagged = render("feed"), render("tag:sea")

    assert f'href="/photos/{card().id}/?from=feed"' in feed
    assert f'href="/photos/{card().id}/?from=tag:sea"' in tagged and "from=feed" not in tagged
    assert render("feed") == feed


SOURCES = [
    {"key": "photos/0123/w800.webp", "type": "image/webp", "width": 800, "height": 600},
    {"key": "photos/0123/w400.webp", "type": "image/webp", "width": 400, "height": 300},
]


def test_a_card_offers_its_webp_sizes_with_the_jpeg_ones_as_fallback(signed_urls):
    markup = render_cards(card(sources=SOURCES))
    source = re.search(r'<source type="image/webp" srcset="([^"]*)" sizes="([^"]*)">', markup)
    assert re.findall(r"/(w\d+\.webp)\?\S* (\d+)w", source.group(1)) == [
        ("w800.webp", "800"),
        ("w400.webp", "400"),
    ]
    assert source.group(2) == pictures.CARD_SIZES
    img = re.search(r"<img [^>]*>", markup).group(0)
    assert "thumb.jpg" in img and " 1600w" in img and 'width="800" height="600"' in img
    # Cached with slots for every URL: a new signature reaches the sources too.
    signed_urls()
    again = render_cards(card(sources=SOURCES))
    assert "sig1" not in again and again.count("X-Amz-Signature=sig2") == 5


def test_a_photo_made_before_sources_offers_its_jpegs_alone(signed_urls):
    markup = render_cards(card())
    assert "<source" not in markup and "webp" not in markup
    assert 'width="1600" height="1200"' in markup


def test_the_first_row_loads_at_once_and_the_first_two_cards_first(signed_urls):
    cards = [card(id=f"{index:032x}") for index in range(pictures.EAGER_CARDS + 2)]
    images = re.findall(r"<img [^>]*>", render_cards(*cards))
    assert ['loading="lazy"' in image for image in images] == [False] * pictures.EAGER_CARDS + [True, True]
    # A phone shows two one-column cards: either may be the Largest Contentful Paint.
    assert ['fetchpriority="high"' in image for image in images] == [True, True] + [False] * (len(cards) - 2)
    assert render_cards(*cards) == render_uncached(*cards)  # the cache keeps each position's markup
