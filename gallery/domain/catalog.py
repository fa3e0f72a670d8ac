"""What a photo is and which lists it appears in: the browsing rules, apart from storage.

No Django (but the lazy translation of the choices' labels), no boto3. gallery.storage.dynamodb turns
these list names into DynamoDB cards; keeping the rules here makes "a private photo is in no
public list" one readable function. The canonical
form of a tag and which of a person's lists a viewer sees are decided here too.

Lists:
    ALL               every photo, private ones included: the admin's list only
    FEED              every public photo
    USER#<user id>    a user's public photos (what others see on /users/<name>/)
    OWNER#<user id>   all of a user's photos, private ones included (what the owner sees)
    TAG#<tag>         public photos with the tag
    FAVS#<user id>    the photos a user favourited that they may see, newest favourite first
                      (cards copied onto the favourite items, see gallery.storage.dynamodb.favorites)
    WORD#<2 chars>    public photos with a search token (gallery.domain.words: the rest of the title
                      from each word, or each Hangul/CJK character) starting with those two
                      characters: one card per token, whose sort key starts with the token, so
                      a search is one Query with begins_with. (TITLE#<2 chars>, one card per
                      title, is what photos stored before had: replaced by `manage.py reindex`.)
    ALBUMS            every album (the admin's list); ALBUMS#<user id>: a user's albums

Albums (Album, AlbumPage) hold a user's own photos in the order they chose. Which photos of an
album a viewer sees is `album_cards`; who sees the album at all is gallery.domain.access.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gallery.domain.words import MIN_QUERY, first_match, title_tokens

PUBLIC = "public"
PRIVATE = "private"
UNLISTED = "unlisted"  # albums only: whoever has the share link
# A photo uploaded straight to S3 is "processing" until the worker has checked it and made its
# sizes (gallery.services.photos.process_upload), then "ready" or "failed". Only a ready photo is in a list.
READY = "ready"
PROCESSING = "processing"
FAILED = "failed"
VISIBILITY_CHOICES = [(PUBLIC, _("Everyone")), (PRIVATE, _("Only me"))]
ALBUM_VISIBILITY_CHOICES = [
    (PUBLIC, _("Everyone")),
    (UNLISTED, _("Anyone with the share link")),
    (PRIVATE, _("Only me")),
]
# Every photo write (edit, delete) is one transaction over the photo's items and one or two per
# album it is in; DynamoDB takes at most 100 actions. The worst edit (20 tags and 20 search
# tokens all replaced, of a photo stored with a TITLE# card) is 86 before albums: the photo, 44
# new cards, 41 deletes. 10 albums per photo (+1 each) keep it at 96; the worst delete is 87
# (test_metadata_words.py builds both).
MAX_ALBUMS_PER_PHOTO = 10

FEED = "FEED"
ALL = "ALL"
# Searches need this many characters: they pick the index partition.
SEARCH_MIN_LENGTH = MIN_QUERY
_TAG_SEPARATORS = re.compile(r"[,\s]+")
# Letters and digits of any script, "_" and "-": a tag is safe in a URL path, a DynamoDB key
# and a page without any escaping (no "/", "..", "<", "#", "?", "%").
_TAG = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class PhotoCard:
    """What a list page shows of a photo."""

    id: str
    title: str
    owner_id: int
    owner_username: str
    tags: list
    created: str
    thumbnail_key: str
    thumbnail_width: int
    thumbnail_height: int
    display_key: str = ""  # empty on photos stored before display sizes existed
    display_width: int = 0
    display_height: int = 0
    visibility: str = PUBLIC


@dataclass(frozen=True)
class Photo(PhotoCard):
    description: str = ""
    original_key: str = ""
    original_content_type: str = ""
    original_bytes: int = 0
    width: int = 0
    height: int = 0
    thumbnail_content_type: str = "image/jpeg"
    taken: str = ""  # EXIF DateTimeOriginal as written by the camera, e.g. "2024:07:01 18:30:00"
    camera: str = ""
    # How it was taken (gallery.imaging.process.ExifFacts); empty on photos stored before these existed.
    lens: str = ""
    exposure: str = ""
    aperture: str = ""
    focal_length: str = ""
    iso: int = 0
    revision: int = 0  # bumped by every edit; edits and deletes are conditional on it
    updated: str = ""
    status: str = READY
    failure_reason: str = ""  # why a "failed" photo failed, in words for its owner
    upload_key: str = ""  # uploads/...: the bytes as sent, while the photo is processing
    # The full-size copy without metadata that others download (empty on photos stored before
    # copies existed: others then get the display size only), and the owner's choice to share
    # the original file (GPS and all) instead. gallery.domain.access.full_size_key decides.
    shared_key: str = ""
    shared_content_type: str = ""
    shared_bytes: int = 0
    share_original: bool = False

    @property
    def object_keys(self):
        """Every S3 key the photo names (original and each stored size): a field per key, so a
        new size is named here, deleted with the photo and known to reconcile without more code."""
        return [
            getattr(self, name)
            for name in self.__dataclass_fields__
            if name.endswith("_key") and getattr(self, name)
        ]

    @property
    def card(self):
        return PhotoCard(**{name: getattr(self, name) for name in PhotoCard.__dataclass_fields__})


@dataclass(frozen=True)
class Page:
    items: list = field(default_factory=list)
    next_cursor: str | None = None


@dataclass(frozen=True)
class FavoriteState:
    """How many people favourited a photo, and whether the viewer is one of them."""

    count: int = 0
    favorited: bool = False


@dataclass(frozen=True)
class Album:
    """An album: its own details and the thumbnail of its cover (copied, so that a list of
    albums is one Query). Photos are entries of the album, in gallery.storage.dynamodb."""

    id: str
    owner_id: int
    owner_username: str
    title: str
    created: str
    description: str = ""
    visibility: str = PRIVATE
    share_token: str = ""  # set while the album is unlisted; a new one kills the old link
    cover_photo_id: str = ""
    cover_thumbnail_key: str = ""
    cover_thumbnail_width: int = 0
    cover_thumbnail_height: int = 0
    revision: int = 1  # bumped by every change; changes and deletes are conditional on it
    updated: str = ""


@dataclass(frozen=True)
class AlbumPage:
    """One page of an album: the album and the cards of its photos, in the album's order."""

    album: Album
    items: list = field(default_factory=list)
    next_cursor: str | None = None


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int


def user_list(user_id):
    return f"USER#{user_id}"


def owner_list(user_id):
    return f"OWNER#{user_id}"


def favorites_list(user_id):
    return f"FAVS#{user_id}"


def tag_list(tag):
    return f"TAG#{tag}"


def visible_to(photo, user_id):
    """Whether the user (None: nobody signed in) may see the photo or card: its owner always;
    everyone else a public one that is ready (cards are of ready photos only)."""
    if user_id is not None and user_id == photo.owner_id:
        return True
    return photo.visibility == PUBLIC and getattr(photo, "status", READY) == READY


def person_list(viewer_id, person_id):
    """The list of a person's photos that a viewer sees: the owner sees their private photos
    too (OWNER#), everyone else only the public ones (USER#)."""
    return owner_list(person_id) if viewer_id == person_id else user_list(person_id)


ALL_ALBUMS = "ALBUMS"


def owner_albums_list(user_id):
    return f"ALBUMS#{user_id}"


def album_cards(cards, *, insider):
    """The photos of an album a viewer sees: all of them for the owner and for whoever came
    through the share link (`insider`); the public ones only for anyone else, so a private
    photo is shared through an album's link only. Never the card of a photo that is not ready
    (it has no thumbnail yet: an entry stored before adding such photos was refused); the
    worker's write gives the entry its sizes."""
    shown = [card for card in cards if card.thumbnail_key]
    return shown if insider else [card for card in shown if card.visibility == PUBLIC]


def canonical_tag(raw):
    """A tag as stored and linked: trimmed, without a hashtag's "#", compatibility-folded (NFKC:
    full-width "\uff33\uff35\uff2e..." is "SUN..."), case-folded, composed (NFC): "Café" typed with a
    combining accent and with "é" are one tag, and so are "STRASSE" and "straße"."""
    # "#" is stripped after NFKC, so a full-width one goes too.
    folded = unicodedata.normalize("NFKC", raw).strip().lstrip("#").casefold()
    return unicodedata.normalize("NFC", folded)


def legacy_tag(raw):
    """The tag as it was stored before canonical_tag folded Unicode (lower case only)."""
    return raw.strip().lstrip("#").lower()


def tag_list_for(text):
    """The list a tag page or the API's ?tag= reads: the canonical tag's, or the list of a tag
    stored under the old rule (legacy_tag) when `text` is exactly such a spelling, so photos
    tagged before the change stay reachable from their links (an edit re-tags them canonically)."""
    if text == legacy_tag(text) and text != canonical_tag(text):
        return tag_list(text)
    return tag_list(canonical_tag(text))


def parse_tags(text):
    """Split on commas and white space; canonical form; de-duplicated, keeping first-seen order."""
    tags = []
    for raw in _TAG_SEPARATORS.split(text or ""):
        tag = canonical_tag(raw)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def is_canonical_tag(text):
    """True for the one spelling of a tag that has a page (lower case, no separators)."""
    return parse_tags(text) == [text]


def has_tag_page(text):
    """True for the spellings that have a page: the canonical one, and an old-rule one."""
    return is_canonical_tag(text) or (
        bool(text) and text == legacy_tag(text) and not _TAG_SEPARATORS.search(text) and "#" not in text
    )


def invalid_tags(tags):
    """The tags that hold characters other than letters (with their combining marks: "i̇stanbul"
    is what case-folding "İstanbul" gives), digits, "_" and "-", or that mix scripts."""
    return [tag for tag in tags if not all(map(_is_tag_character, tag)) or _mixes_confusable_scripts(tag)]


def _is_tag_character(char):
    return bool(_TAG.fullmatch(char)) or unicodedata.category(char).startswith("M")


# Latin, Greek and Cyrillic share look-alike letters ("paypal" spelt with Cyrillic "\u0440" and "\u0430"): a
# tag may use one of them only. Other mixes are real words (Japanese mixes kanji and kana).
_CONFUSABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _mixes_confusable_scripts(tag):
    scripts = {
        unicodedata.name(char, "").split(" ")[0] for char in tag if char.isalpha() and not char.isascii()
    }
    if any(char.isascii() and char.isalpha() for char in tag):
        scripts.add("LATIN")
    return len(scripts & set(_CONFUSABLE_SCRIPTS)) > 1


_WORD_PREFIX = "WORD#"


def word_list(token):
    """The list of the search tokens (gallery.domain.words) that start like `token`."""
    return f"{_WORD_PREFIX}{token[:MIN_QUERY]}"


def card_name(list_name, sort_key):
    """What tells a photo's cards apart: the list's name, but a word list holds one card per
    token of the photo (sort key <token>#<created>#<id>; tokens hold no "#")."""
    if list_name.startswith(_WORD_PREFIX):
        return f"{_WORD_PREFIX}{sort_key.split('#', 1)[0]}"
    return list_name


def search_entry(photo, query):
    """(list name, sort key) of the one card a search for `query` (normalised) shows the photo
    at, or None: not a public ready photo, or no match (gallery.domain.words.first_match)."""
    token = first_match(photo.title, query)
    entry = (word_list(token), f"{token}#{photo.created}#{photo.id}") if token else None
    return entry if entry in list_entries(photo) else None


def list_entries(photo):
    """(list name, sort key) of every list the photo belongs to: none until it is ready."""
    if photo.status != READY:
        return []
    by_date = f"{photo.created}#{photo.id}"
    entries = [(ALL, by_date), (owner_list(photo.owner_id), by_date)]
    if photo.visibility != PUBLIC:
        return entries
    entries += [(FEED, by_date), (user_list(photo.owner_id), by_date)]
    entries += [(tag_list(tag), by_date) for tag in photo.tags]
    entries += [(word_list(token), f"{token}#{by_date}") for token in title_tokens(photo.title)]
    return entries


def counted_tags(photo):
    """Tags the photo adds to the public tag counts: none while it is private or not ready."""
    return set(photo.tags) if photo.visibility == PUBLIC and photo.status == READY else set()


def counted_photos(photo):
    """What the photo adds to its owner's photo count (the admin's): 1 once it is ready."""
    return 1 if photo.status == READY else 0
