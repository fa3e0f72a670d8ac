"""Following people and the "Following" feed: the use cases and the worker's jobs.

Follow and unfollow write the follow item and the counts at once (gallery.storage.dynamodb.follows)
and leave the feed to the worker (SQS): a follow copies the person's newest BACKFILL public photos
into the follower's feed, an unfollow removes their photos from it, and every photo write that
changes what the owner's followers see (gallery.domain.follows.feed_change) queues feed_sync,
which copies the photo's current card into every follower's feed or removes it from them. Each
job reads the state when it runs, so a job delivered twice, or late, ends right.

People with over FANOUT_LIMIT followers are *wide*: their photos are not copied; each follower's
feed holds a mark instead and the page merges the wide person's public list (docs/architecture.md,
"The following feed").
"""

import heapq
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

from gallery.domain import follows as rules
from gallery.domain.clock import timestamp
from gallery.domain.errors import NotFound
from gallery.domain.records import Page
from gallery.services import notifications
from gallery.services.blocks import is_blocked
from gallery.storage import sqs
from gallery.storage.dynamodb import InvalidCursor, PhotoNotFound, photo_repository, schema
from gallery.storage.dynamodb import follows as stored

logger = logging.getLogger(__name__)

_CURSOR_SALT = "gallery.services.follows.feed"


class PersonNotFound(NotFound):
    code = "user_not_found"


def person(username):
    """The active user called `username`, or PersonNotFound."""
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise PersonNotFound(username)
    return found


def follow(user, followee, *, now=None):
    """`user` follows `followee` (idempotent); True if it is new. Their photos reach the
    follower's feed through the worker."""
    if user.pk == followee.pk:
        raise rules.CannotFollowSelf()
    if is_blocked(followee, user) or is_blocked(user, followee):
        raise rules.CannotFollow()
    added = stored.add_follow(user.pk, followee.pk, timestamp(now))
    if added:
        _queue({"job": rules.FEED_FOLLOW, "follower_id": user.pk, "followee_id": followee.pk})
        logger.info("user %s follows user %s", user.pk, followee.pk)
        notifications.followed(user, followee)
    return added


def unfollow(user, followee):
    """Stop following (idempotent); True if there was a follow."""
    removed = stored.remove_follow(user.pk, followee.pk)
    if removed:
        _queue({"job": rules.FEED_UNFOLLOW, "follower_id": user.pk, "followee_id": followee.pk})
    return removed


def _queue(body):
    try:
        sqs.queue().send(body)
    except sqs.JobsUnavailable:
        # The follow is stored; its feed waits for the next photo or reconcile.
        logger.warning("feed job %r not queued", body)


def is_following(user, followee):
    return user.is_authenticated and stored.is_following(user.pk, followee.pk)


def counts(person_):
    """(followers, following) of a person."""
    return stored.counts(person_.pk)


# --- the worker's jobs ---------------------------------------------------------------------------
def sync_photo(photo_id, owner_id, created):
    """feed_sync: the photo's entry in every follower's feed made as its current state says.
    Returns the number of items written (the bench's write cost)."""
    try:
        photo = photo_repository().get_photo(photo_id)
    except PhotoNotFound:
        photo = None
    _count, wide_since = stored.is_wide(owner_id)
    if wide_since and created > wide_since:
        return 0  # a wide person's photo made since: never copied, read from their list
    followers = list(stored.follower_ids(owner_id))
    wide_since = wide_since or _mark_wide(owner_id, followers)
    if photo is not None and rules.in_feed(photo) and not wide_since:
        written = stored.put_entries(followers, photo)
        # One ADD to each feed's size too, and the deletes of a trim.
        return written + len(followers) + _trim(stored.grow_feeds(followers, 1, max_entries()))
    # Out of the public list, or a wide owner's (merged at read time): copies made before go.
    return stored.delete_entries(followers, created, photo_id)


def _mark_wide(owner_id, followers):
    """The first time the worker sees the owner over FANOUT_LIMIT followers: each follower gets
    the wide mark, then the owner is marked wide from now (returned; None under the limit)."""
    if len(followers) <= rules.FANOUT_LIMIT:
        return None
    since = timestamp()
    stored.put_wide_marks(followers, owner_id)
    stored.mark_wide(owner_id, since)
    logger.info("user %s has %d followers: their photos are merged at read time", owner_id, len(followers))
    return since


def backfill(follower_id, followee_id):
    """feed_follow: the newest public photos of the person followed, into the follower's feed
    (or the wide mark). Nothing if the follow was undone meanwhile."""
    if not stored.is_following(follower_id, followee_id):
        return 0
    if stored.is_wide(followee_id)[1]:
        stored.put_wide_marks([follower_id], followee_id)
        return 1
    items = stored.public_items(followee_id, limit=rules.BACKFILL)
    stored.put_items(stored.entry_from_card_item(follower_id, item) for item in items)
    if items:
        _trim(stored.grow_feeds([follower_id], len(items), max_entries()))
    return len(items)


def max_entries():
    return settings.PHOTOSHARE_FEED_MAX_ENTRIES


def _trim(follower_ids):
    """Trim the feeds that passed the limit (feed_size counts at least their entries): their
    oldest entries go, down to rules.trimmed_size. Returns the writes done (the counts' ADDs
    made before are counted by the caller's followers)."""
    deleted = sum(
        stored.trim_feed(follower_id, rules.trimmed_size(max_entries())) for follower_id in follower_ids
    )
    if deleted:
        logger.info("trimmed %d old feed entries of %d feeds", deleted, len(follower_ids))
    return deleted


def clean_unfollow(follower_id, followee_id):
    """feed_unfollow: the person's photos and mark out of the feed, unless followed again."""
    if stored.is_following(follower_id, followee_id):
        return 0
    keys = [*stored.entries_of_owner(follower_id, followee_id), stored.wide_key(follower_id, followee_id)]
    stored.delete_keys(keys)
    return len(keys)


def forget(user_id):
    """An erased account's follows both ways, its photos in its followers' feeds, its own feed
    and its counts: removed (the erasure, gallery.services.erase)."""
    for follower_id in list(stored.follower_ids(user_id)):
        stored.remove_follow(follower_id, user_id)
        clean_unfollow(follower_id, user_id)
    for followee_id in list(stored.followee_ids(user_id)):
        stored.remove_follow(user_id, followee_id)
    stored.delete_keys(list(stored.feed_keys(user_id)))
    stored.delete_keys([stored.counts_key(user_id)])


# --- the page --------------------------------------------------------------------------------------
def feed_page(user, *, cursor=None, limit=rules.FEED_PAGE):
    """A page of "Following": the newest public photos of the people `user` follows, newest
    first. One Query of their feed; a wide person followed adds a Query of their public list."""
    before, wide = _decode(user, cursor) if cursor else (None, None)
    items, marks = stored.feed_items(user.pk, before=before, limit=limit + 1)
    wide = marks if wide is None else wide
    sources = [items] + [stored.public_items(person_id, before=before, limit=limit + 1) for person_id in wide]
    merged, seen = [], set()
    for item in heapq.merge(*sources, key=_position, reverse=True):
        if item["id"] not in seen:  # a wide person's photo copied before they became wide
            seen.add(item["id"])
            merged.append(item)
    next_cursor = None
    if len(merged) > limit:
        merged = merged[:limit]
        next_cursor = signing.dumps([user.pk, _position(merged[-1]), wide], salt=_CURSOR_SALT)
    return Page(items=[schema.card_from_item(item) for item in merged], next_cursor=next_cursor)


def _position(item):
    # Feed entries and public-list cards both sort by created#id (rules.sort_key).
    return f"{item['created']}#{item['id']}"


def _decode(user, cursor):
    try:
        user_id, before, wide = signing.loads(cursor, salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidCursor(cursor) from error
    if user_id != user.pk:
        raise InvalidCursor(cursor)
    return before, wide
