"""Notifications: someone favourited a photo of yours, commented on it, mentioned you or followed
you (gallery.domain.notifications has their rules, gallery.storage.dynamodb.notifications their
items).

Written right after the action that causes them, by the action's use case (photos.favorite,
follows.follow, comments.after_comment), synchronously: one small transaction per recipient, so
the bell is right on the next page. A notification that cannot be stored is logged and dropped,
never the action's failure (it is a courtesy: losing one costs less than a queue's hop for
every favourite, and the action itself is stored). None is written about oneself, from someone
the recipient blocked, or about a photo the recipient may not see.

Whether one is *shown* is decided when read, with the photo's own access rules: a photo turning
private, going to the trash or deleted, an actor suspended or blocked later hides it without a
write. The page and the API then also mark the hidden unread ones read ("retire" them), so the
bell's count (one GetItem) comes back to what the page shows.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import AccountLanguage, Profile
from gallery.domain import access, clock
from gallery.domain import notifications as rules
from gallery.domain.records import Page
from gallery.services import blocks
from gallery.storage.dynamodb import MetadataUnavailable
from gallery.storage.dynamodb import notifications as stored

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shown:
    """A notification as the page, the API and the mail show it."""

    note: rules.Notification
    actor_name: str  # the actor's display name, or their username (plain text: escaped when shown)
    photo_title: str = ""

    def __getattr__(self, name):
        return getattr(self.note, name)


# --- writing ------------------------------------------------------------------------------------
def notify(recipient_id, actor, kind, *, photo=None, key=None, now=None, album=None):
    """Store a notification for `recipient_id` of `actor`'s doing (about a photo, or an album's
    comment); True if one was stored. Never raises for a backend down (logged), so the action
    that caused it stands."""
    if not rules.should_notify(recipient_id, actor.pk):
        return False
    try:
        if blocks.is_blocked(recipient_id, actor):
            return False
        if photo is not None and not access.visible_to(photo, recipient_id):
            return False
        if album is not None and not rules.album_visible_to(album, recipient_id):
            return False
        moment = now or clock.now()
        note = rules.Notification(
            recipient_id=recipient_id,
            key=key or rules.new_key(moment),
            kind=kind,
            actor_id=actor.pk,
            actor=actor.get_username(),
            created=clock.timestamp(lambda: moment),
            photo_id=photo.id if photo is not None else "",
            album_id=album.id if album is not None else "",
        )
        return stored.add(note)
    except MetadataUnavailable:
        logger.warning("notification %s of user %s for user %s not stored", kind, actor.pk, recipient_id)
        return False


def favorited(user, photo):
    return notify(photo.owner_id, user, rules.FAVORITE, photo=photo)


def followed(user, followee):
    return notify(followee.pk, user, rules.FOLLOW)


def commented(comment, target, mentioned, *, edited=False):
    """The photo's (album's) owner hears of a new comment; each person mentioned of the mention.
    Both are keyed by the comment's own key, so an edit notifies only those it newly mentions,
    and an owner mentioned on their own photo hears of it once."""
    author = get_user_model()(pk=comment.author_id, username=comment.author)
    about = {"album": target} if comment.album_id else {"photo": target}
    if not edited:
        notify(target.owner_id, author, rules.COMMENT, key=comment.key, **about)
    for person in mentioned:
        notify(person.pk, author, rules.MENTION, key=comment.key, **about)


# --- reading --------------------------------------------------------------------------------------
def unread_count(user):
    """The bell's number: one GetItem; 0 while DynamoDB is down (a page never fails for it)."""
    if not user.is_authenticated:
        return 0
    try:
        return stored.unread_count(user.pk)
    except MetadataUnavailable:
        return 0


def page(user, *, cursor=None, limit=rules.PAGE_SIZE):
    """A page of the user's notifications they may see, newest first (a page may be shorter
    than `limit` when some are hidden: the cursor never skips)."""
    notes, next_cursor = stored.page(user.pk, cursor=cursor, limit=limit)
    return Page(items=_shown(user, notes), next_cursor=next_cursor)


def unread(user, *, limit=None):
    """Exactly how many unread notifications the user may see, judging at most `limit` of them
    (then a lower bound: `unread_status`); those they may no longer see are marked read on the
    way (so the bell agrees)."""
    return unread_status(user, limit=limit)[0]


def unread_status(user, *, limit=None):
    """(how many unread ones the user may see among the newest `limit` (rules.COUNT_LIMIT)
    unread, whether there are more unread than that: the number is then a lower bound)."""
    limit = limit or rules.COUNT_LIMIT
    notes = stored.unread(user.pk, limit=limit + 1)
    return len(_shown(user, notes[:limit])), len(notes) > limit


def _shown(user, notes):
    photos = stored.photos(note.photo_id for note in notes)
    albums = stored.albums(note.album_id for note in notes)
    hidden_actors = set(blocks.blocked_ids(user)) | access.suspended_among({n.actor_id for n in notes})
    names = _display_names({note.actor_id for note in notes})
    shown, hidden = [], []
    for note in notes:
        if rules.shown(note, photos, hidden_actors, albums):
            about = albums.get(note.album_id) or photos.get(note.photo_id)
            title = about.title if about is not None else ""
            shown.append(Shown(note, names.get(note.actor_id) or note.actor, title))
        elif not note.read:
            hidden.append(note)
    for note in hidden:
        stored.mark_read(user.pk, note.key)
    return shown


def _display_names(user_ids):
    if not user_ids:
        return {}
    return dict(
        Profile.objects.filter(user_id__in=user_ids)
        .exclude(display_name="")
        .values_list("user_id", "display_name")
    )


def mark_read(user, ids):
    """Mark the user's notifications `ids` read (idempotent); returns how many changed."""
    return sum(stored.mark_read(user.pk, key) for key in rules.valid_ids(ids))


def mark_all_read(user, *, page_size=None):
    """Mark every unread notification of the user read, however many: one pass over their
    unread list, a transaction per `page_size` (rules.MARK_PAGE_SIZE); returns how many changed."""
    page_size = page_size or rules.MARK_PAGE_SIZE
    return sum(stored.mark_page(user.pk, notes) for notes in stored.unread_pages(user.pk, page_size))


# --- the erasure ------------------------------------------------------------------------------------
def forget(user_id):
    """An erased account's notifications, and those it caused in others' partitions, removed
    (the counts they were in moved); its unread count last."""
    for item in list(stored.caused_by(user_id)):
        stored.delete(item)
    count, marks = None, []
    for item in list(stored.items_of(user_id)):
        if item["sk"] == stored.count_key(user_id)["sk"]:
            count = item
        elif stored.is_note(item):
            stored.delete(item)
        else:
            marks.append(item)  # gone with their notifications, but for a stray one
    for item in marks:
        stored.delete_key(item)
    if count is not None:
        stored.delete_count(user_id)


# --- the digest -------------------------------------------------------------------------------------
def send_digests(*, now=None):
    """The worker's send_digests job (daily, EventBridge Scheduler): each user who chose a digest
    gets one mail for the last whole period, in their language, once. Returns the number sent.
    A mail that failed is logged and its period released, and the job fails at the end so the
    queue delivers it again (those sent are not sent twice)."""
    now = now or clock.now()
    sent, failed = 0, 0
    profiles = Profile.objects.exclude(digest=rules.DIGEST_OFF).select_related("user")
    for profile in profiles.filter(user__is_active=True).exclude(user__email=""):
        try:
            sent += send_digest(profile, now=now)
        except Exception:
            logger.exception("digest of user %s not sent", profile.user_id)
            failed += 1
    if failed:
        raise DigestsFailed(failed)
    return sent


class DigestsFailed(Exception):
    """Some digests were not sent: the job is delivered again for them."""


def send_digest(profile, *, now):
    """Send `profile`'s user the digest of their last whole period, unless sent already;
    1 if a mail went, 0 if not (sent before, or nothing to tell)."""
    period, start, end = rules.digest_period(profile.digest, now)
    previous = profile.digest_sent
    # The claim: only one run changes the period recorded (a job delivered twice, two workers).
    claimed = Profile.objects.filter(pk=profile.pk).exclude(digest_sent=period).update(digest_sent=period)
    if not claimed:
        return 0
    user = profile.user
    try:
        notes = stored.unread(user.pk, since_key=rules.key_at(start), until_key=rules.key_at(end))
        shown = _shown(user, notes)
        if not shown:
            return 0
        _mail(user, shown, period)
    except Exception:
        Profile.objects.filter(pk=profile.pk, digest_sent=period).update(digest_sent=previous)
        raise
    return 1


def _mail(user, shown, period):
    language = AccountLanguage.of(user) or None
    with translation.override(language):
        context = {
            "user": user,
            "notes": shown[: rules.DIGEST_LIMIT],
            "more": len(shown) > rules.DIGEST_LIMIT,
            "site": settings.PHOTOSHARE_SITE_URL,
        }
        subject = render_to_string("gallery/notifications/digest_subject.txt", context).strip()
        text = render_to_string("gallery/notifications/digest.txt", context)
        html = render_to_string("gallery/notifications/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info("digest %s sent to user %s (%d notifications)", period, user.pk, len(shown))


def digest_of(user):
    """The user's digest choice (off unless they chose one)."""
    return Profile.objects.filter(user=user).values_list("digest", flat=True).first() or rules.DIGEST_OFF


def set_digest(user, frequency):
    """Opt in or out of the digest (a choice of rules.DIGEST_CHOICES, validated by the form)."""
    Profile.objects.update_or_create(user=user, defaults={"digest": frequency})
