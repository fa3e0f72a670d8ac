"""Which lists a photo is in: the list names, a photo's entries in them, album memberships, counting.

No Django, no boto3. gallery.storage.dynamodb turns these list names into DynamoDB cards (its
schema.py holds the key formats); keeping the rules here makes "a private photo is in no public
list" one readable function. Which of a person's lists a viewer sees is decided here too; the
records are gallery.domain.records, the canonical tag gallery.domain.tags.

Lists:
    ALL               every photo, private ones included: the admin's list only
    FEED              every public photo
    USER#<user id>    a user's public photos (what others see on /users/<name>/)
    OWNER#<user id>   all of a user's photos, private ones included (what the owner sees)
    PLACES#<user id>  the owner's photos with a GPS position, by date taken: their map, whose
                      cards alone carry the position (gallery.storage.dynamodb.schema)
    TAKEN#<user id>   the same photos by when they were taken (gallery.domain.taken: the wall
                      clock, newest first): the owner's timeline, one Query a page
    TAG#<tag>         public photos with the tag
    FAVS#<user id>    the photos a user favourited that they may see, newest favourite first
                      (cards copied onto the favourite items, see gallery.storage.dynamodb.favorites)
    WORD#<2 chars>    public photos with a search token (gallery.domain.words: the rest of the title
                      from each word, or each Hangul/CJK character) starting with those two
                      characters: one card per token, whose sort key starts with the token, so
                      a search is one Query with begins_with. (TITLE#<2 chars>, one card per
                      title, is what photos stored before had: replaced by `manage.py reindex`.)
    ALBUMS            every album (the admin's list); ALBUMS#<user id>: a user's albums
    TRASH#<user id>   the user's photos in the trash, newest trashed first: a trashed photo is in
                      this list and TRASH_DUE only (every other card goes; gallery.services.trash)
    TRASH_DUE         every trashed photo by the time it is purged (the worker's daily purge)

Albums (Album, AlbumPage) hold a user's own photos in the order they chose. Which photos of an
album a viewer sees is `album_cards`; who sees the album at all is gallery.domain.access.
"""

from gallery.domain import taken
from gallery.domain.records import PUBLIC, READY
from gallery.domain.tags import canonical_tag, legacy_tag
from gallery.domain.words import MIN_QUERY, first_match, title_tokens

# Every photo write (edit, delete) is one transaction over the photo's items and one or two per
# album it is in; DynamoDB takes at most 100 actions. The worst edit (20 tags and 20 search
# tokens all replaced, of a photo stored with a TITLE# card and a position) is 88 before albums:
# the photo, 46 new cards, 41 deletes. 10 albums per photo (+1 each) keep it at 98; the worst
# delete is 89 (test_search.py builds both, without a position: one less each).
MAX_ALBUMS_PER_PHOTO = 10

FEED = "FEED"
ALL = "ALL"
ALL_ALBUMS = "ALBUMS"
# Searches need this many characters: they pick the index partition.
SEARCH_MIN_LENGTH = MIN_QUERY


def user_list(user_id):
    return f"USER#{user_id}"


def owner_list(user_id):
    return f"OWNER#{user_id}"


def taken_list(user_id):
    return f"TAKEN#{user_id}"


def places_list(user_id):
    return f"{_PLACES_PREFIX}{user_id}"


def carries_position(list_name):
    """Whether a list's cards carry their photo's position: the owner's map list alone."""
    return list_name.startswith(_PLACES_PREFIX)


_PLACES_PREFIX = "PLACES#"


def taken_sort_key(photo):
    """Where the photo sits in its owner's timeline: its wall-clock `taken`, then its id."""
    return f"{taken.sort_key(taken.effective(photo))}#{photo.id}"


def month_start(month):
    """The sort key a timeline read from `month` ("2024-07") on starts below: the month after's
    first instant, so the newest photo of that month (or of the nearest month before) comes
    first. ValueError for a month that is not one."""
    year, number = (int(part) for part in month.split("-"))
    if not (taken.MIN_YEAR <= year <= taken.MAX_YEAR and 1 <= number <= 12 and len(month) == 7):
        raise ValueError(month)
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return f"{year:04d}-{number:02d}"


def favorites_list(user_id):
    return f"FAVS#{user_id}"


def tag_list(tag):
    return f"TAG#{tag}"


def trash_list(user_id):
    return f"TRASH#{user_id}"


TRASH_DUE = "TRASH_DUE"


def person_list(viewer_id, person_id):
    """The list of a person's photos that a viewer sees: the owner sees their private photos
    too (OWNER#), everyone else only the public ones (USER#)."""
    return owner_list(person_id) if viewer_id == person_id else user_list(person_id)


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


def tag_list_for(text):
    """The list a tag page or the API's ?tag= reads: the canonical tag's, or the list of a tag
    stored under the old rule (legacy_tag) when `text` is exactly such a spelling, so photos
    tagged before the change stay reachable from their links (an edit re-tags them canonically)."""
    if text == legacy_tag(text) and text != canonical_tag(text):
        return tag_list(text)
    return tag_list(canonical_tag(text))


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
    if photo.trashed_at:  # out of every list but its owner's trash (and the purge's)
        return [
            (trash_list(photo.owner_id), f"{photo.trashed_at}#{photo.id}"),
            (TRASH_DUE, f"{photo.purge_after}#{photo.id}"),
        ]
    by_date = f"{photo.created}#{photo.id}"
    entries = [(ALL, by_date), (owner_list(photo.owner_id), by_date)]
    entries.append((taken_list(photo.owner_id), taken_sort_key(photo)))
    if photo.latitude and photo.longitude:
        entries.append((places_list(photo.owner_id), taken_sort_key(photo)))
    if photo.visibility != PUBLIC:
        return entries
    entries += [(FEED, by_date), (user_list(photo.owner_id), by_date)]
    entries += [(tag_list(tag), by_date) for tag in photo.tags]
    entries += [(word_list(token), f"{token}#{by_date}") for token in title_tokens(photo.title)]
    return entries


def counted_tags(photo):
    """Tags the photo adds to the public tag counts: none while it is private, not ready or in
    the trash."""
    counted = photo.visibility == PUBLIC and photo.status == READY and not photo.trashed_at
    return set(photo.tags) if counted else set()


def counted_photos(photo):
    """What the photo adds to its owner's photo count (the admin's): 1 once it is ready, in the
    trash too (it is still stored: trash counts against the owner, until it is purged)."""
    return 1 if photo.status == READY else 0
