"""Where a photo page was opened from, and the previous and next photo of that list.

A list page links its photos with `?from=<token>` ("feed", "tag:sea", "user:alice",
"search:harb", "favorites"); the photo page resolves the token, for the viewer, to a `Source`:
the list's name in the lists index and where the photo sits in it. The viewer gets only lists
they may see (someone else's favourites, an unknown user or tag: no source, no links), and the
neighbours are one bounded Query each way on that list (PhotoRepository.neighbours), never a scan.

Other lists join with `@source_kind("<kind>")`: a resolver `(value, viewer) -> Source | None`
(gallery.services.album_places: "album:<id>" when the viewer may see the album, in album order).
This module is in the use-case layer (gallery/tests/test_layers.py), so a resolver of a module of
the same layer registers from above it, e.g. in its views module, which the URLconf imports.
"""

import functools
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gallery.domain import lists, words
from gallery.domain.limits import LIMITS
from gallery.domain.tags import has_tag_page
from gallery.storage.dynamodb import photo_repository

# Longer tokens are no list of ours (a title search is cut at the title length anyway).
MAX_TOKEN_LENGTH = 200

_RESOLVERS = {}
# The kinds of list a photo page may be opened from.
FEED, TAG, USER, SEARCH, FAVORITES, ALBUM = "feed", "tag", "user", "search", "favorites", "album"
TIMELINE = "timeline"


def token(kind, value=None):
    """A list's `from` token ("feed", "tag:sea"): the one spelling list pages write and `resolve` reads."""
    return kind if value is None else f"{kind}:{value}"


def _list_sort_key(list_name):
    """The photo's sort key in one of gallery.domain.lists' lists, or None when it is not in it."""
    return lambda photo: dict(lists.list_entries(photo)).get(list_name)


@dataclass(frozen=True)
class Source:
    token: str  # as it travels in the URL
    label: str  # "Newest photos", "#sea": the way back
    url: str  # the list's own page
    list_name: str
    oldest_first: bool = False
    # The photo's sort key in the list, or None when the photo is not (or no longer) in it.
    sort_key: Callable = field(default=None, compare=False)
    # (previous, next) card of a sort key; by default one card each way in the list.
    neighbours: Callable = field(default=None, compare=False)
    # A neighbour's page: by default its photo page opened from this list (?from=<token>); an
    # album's share link keeps to its own pages.
    link: Callable = field(default=None, compare=False)

    def __post_init__(self):
        if self.sort_key is None:
            object.__setattr__(self, "sort_key", _list_sort_key(self.list_name))
        if self.neighbours is None:
            object.__setattr__(self, "neighbours", functools.partial(_list_neighbours, self))
        if self.link is None:
            object.__setattr__(self, "link", lambda photo_id: photo_url(photo_id, self.token))


def _list_neighbours(source, sort_key):
    return photo_repository().neighbours(source.list_name, sort_key, oldest_first=source.oldest_first)


def source_kind(kind):
    """Register the resolver of tokens "<kind>" and "<kind>:<value>"."""

    def register(resolver):
        _RESOLVERS[kind] = resolver
        return resolver

    return register


def resolve(token, viewer):
    """The Source a `from` token names for `viewer`, or None (unknown, malformed, not theirs)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    kind, _colon, value = token.partition(":")
    resolver = _RESOLVERS.get(kind)
    return resolver(value, viewer) if resolver else None


@dataclass(frozen=True)
class Place:
    """Where a photo sits in the list it was opened from: the list, and the previous and next
    PhotoCard as the list's page orders them (None at either end)."""

    source: Source
    previous: object = None
    next: object = None

    # Cached: a photo page links each twice (its <head>'s rel links and the viewer's).
    @functools.cached_property
    def previous_url(self):
        return self.source.link(self.previous.id) if self.previous else None

    @functools.cached_property
    def next_url(self):
        return self.source.link(self.next.id) if self.next else None


def place(token, viewer, photo):
    """The photo's Place in the list `token` names for `viewer`, or None: no such list, not
    the viewer's to see, or the photo is not (or no longer) in it."""
    return place_in(resolve(token, viewer), photo)


def place_in(source, photo):
    """The photo's Place in `source` (a Source or None): the one way every viewer, a list's or
    an album's share link's, finds what comes before and after."""
    sort_key = source.sort_key(photo) if source else None
    if sort_key is None:
        return None
    previous, next_ = source.neighbours(sort_key)
    return Place(source, previous, next_)


def photo_url(photo_id, token=None):
    """A photo page's URL, opened from the list `token` names (if any)."""
    return reverse("gallery:photo", args=[photo_id]) + from_query(token)


def from_query(token):
    """The query string that names the list `token` to a photo page: "?from=tag:sea", or ""."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return ""
    return "?" + urllib.parse.urlencode({"from": token}, safe=":")  # readable: ?from=tag:sea


@source_kind(FEED)
def _feed(value, viewer):
    return Source(token(FEED), _("Newest photos"), reverse("gallery:home"), lists.FEED)


@source_kind(TAG)
def _tag(value, viewer):
    if not has_tag_page(value):  # the tag page's own rule
        return None
    url = reverse("gallery:tag", args=[value])
    return Source(token(TAG, value), f"#{value}", url, lists.tag_list_for(value))


@source_kind(USER)
def _user(value, viewer):
    person = get_user_model().objects.filter(username=value).first() if value else None
    if person is None:
        return None
    list_name = lists.person_list(viewer.pk, person.pk)  # the owner's own list holds private ones
    url = reverse("gallery:user", args=[person.get_username()])
    return Source(token(USER, value), _("Photos by %(name)s") % {"name": value}, url, list_name)


@source_kind(SEARCH)
def _search(value, viewer):
    query = value[: LIMITS.title_length]
    try:
        normalized = words.search_query(query)
    except ValueError:  # too short to search
        return None
    url = f"{reverse('gallery:search')}?{urlencode({'q': query})}"
    label = _("Titles with “%(query)s”") % {"query": query}
    return Source(
        token(SEARCH, query),
        label,
        url,
        lists.word_list(words.query_key(normalized)),
        oldest_first=True,
        sort_key=lambda photo: (lists.search_entry(photo, normalized) or (None, None))[1],
        neighbours=lambda sort_key: photo_repository().search_neighbours(query, sort_key),
    )


@source_kind(FAVORITES)
def _favorites(value, viewer):
    if value or not viewer.is_authenticated:  # one's own favourites only
        return None
    user_id = viewer.pk
    return Source(
        token(FAVORITES),
        _("Your favourites"),
        reverse("gallery:favorites"),
        lists.favorites_list(user_id),
        sort_key=lambda photo: photo_repository().favorite_sort_key(photo.id, user_id),
    )


@source_kind(TIMELINE)
def _timeline(value, viewer):
    if value or not viewer.is_authenticated:  # one's own timeline only
        return None
    url = reverse("gallery:timeline")
    return Source(token(TIMELINE), _("Your timeline"), url, lists.taken_list(viewer.pk))
