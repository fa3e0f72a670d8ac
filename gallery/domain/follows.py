"""Follows and the following feed: the rules, without storage.

A person follows another (never themselves); "Following" shows the newest photos of the people
they follow that are in those people's public list (lists.user_list: ready, public, not in the
trash), newest first. How the feed is stored and why (fan-out on write up to FANOUT_LIMIT
followers, merged at read time above it): docs/architecture.md, "The following feed".
"""

from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Invalid
from gallery.domain.records import PUBLIC, READY

# Above this many followers a person's new photos are not copied into each follower's feed:
# their followers' pages read the person's own public list and merge it (docs/architecture.md).
# 1 000 copies is ~1 000 WCU once per upload, spread over 1 000 partitions, done by the worker
# in a few seconds; 100 000 would be minutes of writes per upload for a few page reads saved.
FANOUT_LIMIT = 1000
# A new follow copies this many of the person's newest public photos into the follower's feed,
# so the page is not empty until their next upload.
BACKFILL = 50
FEED_PAGE = 24
# A feed over its limit (the PHOTOSHARE_FEED_MAX_ENTRIES setting) is cut down to this share
# of it: the Query that finds the old entries then runs once every tenth of the limit's new
# entries, not at every one.
TRIM_TO = 0.9


def trimmed_size(limit):
    """How many entries a trimmed feed keeps, of at most `limit`."""
    return int(limit * TRIM_TO)


# The worker's jobs (gallery.services.worker): a photo's feed entries made right, a follow's
# backfill, an unfollow's cleanup.
FEED_SYNC, FEED_FOLLOW, FEED_UNFOLLOW = "feed_sync", "feed_follow", "feed_unfollow"


class CannotFollowSelf(Invalid):
    code = "cannot_follow_self"
    message = _("You cannot follow yourself.")


class CannotFollow(Invalid):
    """A block between the two people (gallery.services.blocks.is_blocked)."""

    code = "cannot_follow"
    message = _("You cannot follow this person.")


def in_feed(photo):
    """Whether the photo belongs in its owner's followers' feeds: it is in their public list."""
    return photo is not None and photo.status == READY and photo.visibility == PUBLIC and not photo.trashed_at


def feed_change(old, new):
    """Whether a photo write changes what its owner's followers' feeds hold: it enters or leaves
    the public list, or its card changed while in it (`old`/`new` None: written, deleted)."""
    before, after = in_feed(old), in_feed(new)
    return before != after or (after and old.card != new.card)


def sort_key(photo):
    """Where the photo sits in a feed: the order of its owner's public list (created, then id)."""
    return f"{photo.created}#{photo.id}"
