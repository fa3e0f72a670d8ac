"""Notifications: someone favourited a photo of yours, commented on it, mentioned you or followed
you. Their record, their ids, whom they are shown to, and the digest's periods. Pure.

A notification lives in its recipient's partition (gallery.storage.dynamodb.model.NOTE); its key
starts with the time it was made (hex milliseconds, as a comment's), so one Query newest first is
a page. Whether it is *shown* is decided when it is read (`shown`): its photo must still be the
recipient's to see and its actor neither suspended nor blocked by the recipient, so a photo
turning private, going to the trash or being deleted hides it without a write. A comment or
mention on an album's page names the album instead (`album_id`): shown while the album is the
recipient's to see without a share link (its owner; everyone's if public) and its comments open.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils.translation import gettext_lazy as _

from gallery.domain import access

# A notification's key is a comment's kind of key (when, then random digits): one format, and a
# comment's notifications take the comment's own key (gallery.services.notifications.commented).
from gallery.domain.comments import KEY_PATTERN, new_key  # noqa: F401 - re-exported
from gallery.domain.errors import Invalid
from gallery.domain.records import PUBLIC

FAVORITE, COMMENT, MENTION, FOLLOW = "favorite", "comment", "mention", "follow"
KINDS = (FAVORITE, COMMENT, MENTION, FOLLOW)
_KEY = re.compile(KEY_PATTERN)
PAGE_SIZE = 24
# "Mark all read" marks every unread one, this many a transaction (DynamoDB's limit is 100
# actions; each page also moves the count once).
MARK_PAGE_SIZE = 50
# The exact unread count (the page's, the API's) judges at most this many unread ones; past it,
# the number shown is a lower bound ("1000+"). Badges show at most BADGE_MAX, then "999+".
COUNT_LIMIT = 1000
BADGE_MAX = 999

# The digest (accounts.models.Profile.digest): off, daily or weekly.
DIGEST_OFF, DIGEST_DAILY, DIGEST_WEEKLY = "off", "daily", "weekly"
DIGEST_CHOICES = (
    (DIGEST_OFF, _("No email")),
    (DIGEST_DAILY, _("A daily email")),
    (DIGEST_WEEKLY, _("A weekly email")),
)
SEND_DIGESTS = "send_digests"  # the worker's job name
DIGEST_LIMIT = 50  # notifications listed in one mail at most (the page has the rest)


class NoSuchNotification(Invalid):
    code = "no_such_notification"
    field = "ids"
    message = _("Not a notification of yours.")


@dataclass(frozen=True)
class Notification:
    recipient_id: int
    key: str
    kind: str
    actor_id: int
    actor: str  # the actor's username when made (usernames do not change)
    created: str
    photo_id: str = ""  # "" for a follow and for an album's comment
    read: bool = False
    album_id: str = ""  # the album of an album's comment (or mention), else ""

    @property
    def id(self):
        return self.key


def key_at(moment):
    """The smallest key of a notification made at `moment` or later (a digest's range)."""
    return f"{int(moment.timestamp() * 1000):012x}" + "0" * 8


def repeat_of(note):
    """What makes `note` the same as an earlier one (a favourite of the photo or a follow by the
    same person: favourite, unfavourite, favourite again tells the owner once), or "" for a kind
    whose key already does (a comment's notifications take the comment's key)."""
    if note.kind == FAVORITE:
        return f"{FAVORITE}#{note.actor_id}#{note.photo_id}"
    if note.kind == FOLLOW:
        return f"{FOLLOW}#{note.actor_id}"
    return ""


def badge(count, more=False):
    """An unread count as shown: "999+" past BADGE_MAX, "12+" when more may be unread than were
    counted (a lower bound), else the number."""
    if count > BADGE_MAX:
        return f"{BADGE_MAX}+"
    return f"{count}+" if more else str(count)


def valid_ids(ids):
    """The ids given, if each is a notification key; NoSuchNotification otherwise."""
    if not isinstance(ids, list) or not all(isinstance(i, str) and _KEY.fullmatch(i) for i in ids):
        raise NoSuchNotification()
    return list(dict.fromkeys(ids))


def should_notify(recipient_id, actor_id):
    """Never about one's own doing."""
    return recipient_id is not None and recipient_id != actor_id


def shown(note, photos, hidden_actors, albums=None):
    """Whether `note` is shown to its recipient: its actor is not hidden (suspended, blocked) and,
    if it is about a photo, the photo (`photos`: id -> Photo, missing if deleted) is theirs to see
    and not in the trash; if about an album (`albums`: id -> Album), the album is theirs to see
    and its comments are open."""
    if note.actor_id in hidden_actors:
        return False
    if note.album_id:
        album = (albums or {}).get(note.album_id)
        return album is not None and album.comments_open and album_visible_to(album, note.recipient_id)
    if not note.photo_id:
        return True
    photo = photos.get(note.photo_id)
    if photo is None or getattr(photo, "trashed_at", ""):
        return False
    return access.visible_to(photo, note.recipient_id)


def album_visible_to(album, user_id):
    """Whether the user may see the album without its share link (a notification carries none:
    an unlisted album's is its owner's only)."""
    if access.is_suspended(album.owner_id):
        return False
    return album.visibility == PUBLIC or user_id == album.owner_id


def digest_period(frequency, now):
    """(the period's name, its start, its end) of the last whole period before `now` for a
    digest: yesterday (UTC) for daily, last ISO week for weekly. The name is recorded when the
    digest is sent, so one period is mailed once."""
    today = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    if frequency == DIGEST_DAILY:
        start = today - timedelta(days=1)
        return start.date().isoformat(), start, today
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=1)
    year, week, _day = start.isocalendar()
    return f"{year}-W{week:02d}", start, monday
