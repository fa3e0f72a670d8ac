"""Finding and removing orphans: what a crash between the steps of an upload or a delete leaves.

Uploads write objects first and the item last; deletes remove the item first and the objects
after. A process killed in between leaves objects under photos/<id>/ that no item names (which
nobody can see, but which cost storage), or, if anything went wrong by hand, an item whose
objects are gone (a broken photo on every page). `find_orphans` compares a listing of the
bucket with a scan of the table; `remove_orphans` deletes both kinds. Run by `manage.py reconcile`.

Favourites of a photo that turned private are removed right after the photo's own
transaction (gallery.storage.dynamodb.favorites); a crash in between leaves others' favourites of a
private photo, which are reported as hidden favourites and removed, and favourite counts that
are off, which are set right. (Favourites of a deleted photo are stray items of a partition
without its photo item.) A crash right after a move to the trash or out of it leaves favourites
listed (or unlisted) against the photo's state: reported as misplaced and listed as it says.
A photo in the trash has cards in TRASH#<owner> and TRASH_DUE only, and memberships without
entries (gallery.storage.dynamodb.trash): consistency judges both by the photo's state.

The same scan checks the lists (gallery.storage.dynamodb.consistency): every photo's cards match its item
(title, tags, visibility), and every counter equals the count of its cards; `remove_orphans`
rewrites the cards and sets the counters right as well. Items are filed by the kinds declared in
gallery.storage.dynamodb.model; albums are checked against theirs (an entry and a membership per
photo of an album, of a ready photo of the album's owner, carrying its card). An item of no
declared kind is reported and never deleted.

Objects younger than `min_age` are left alone: they may belong to an upload still in progress,
whose item is about to be written.

Follows and feeds (gallery.storage.dynamodb.follow_consistency): follow counts that disagree with
the FOLLOWER# items are recounted; feed entries and wide marks the follows and photos do not call
for are removed (derived data), entries with an old card rewritten.

Notifications about a photo or an album that is gone (hidden since its delete, for good) are
removed, as are the marks whose notification is gone; each is looked at again with a consistent
read before (gallery.storage.dynamodb.notifications.strays, remove_stray): a notification of no
such kind, or one whose photo came back meanwhile, is left alone.
"""

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model

from gallery.domain import clock
from gallery.services import avatars, downloads
from gallery.storage.dynamodb import (
    PhotoNotFound,
    consistency,
    favorites,
    follow_consistency,
    notifications,
    photo_repository,
    purge_photo,
    scan_table,
)
from gallery.storage.dynamodb import comments as stored_comments
from gallery.storage.s3.keys import AVATARS_PREFIX, photo_id_of_key
from gallery.storage.s3.objects import delete_objects, list_objects

logger = logging.getLogger(__name__)


@dataclass
class Report:
    orphan_objects: list = field(default_factory=list)  # keys no photo item names
    broken_photos: list = field(default_factory=list)  # ids whose item names a missing object
    stray_cards: list = field(default_factory=list)  # ids with list cards but no photo item
    stale_lists: list = field(default_factory=list)  # ids whose cards do not match their item
    wrong_counts: list = field(default_factory=list)  # (counter, stored, true count)
    hidden_favorites: list = field(default_factory=list)  # (photo id, user id) the user may not see
    wrong_favorite_counts: list = field(default_factory=list)  # (photo id, stored, true count)
    misplaced_favorites: list = field(
        default_factory=list
    )  # photo ids: listed in the trash or unlisted out of it
    album_problems: list = field(default_factory=list)  # consistency.AlbumProblem
    unknown_items: list = field(default_factory=list)  # keys of items of no declared kind: never deleted
    expired_jobs: list = field(default_factory=list)  # ids of archive jobs past their link's expiry
    wrong_follow_counts: list = field(default_factory=list)  # (user id, stored, true): (followers, following)
    feed_problems: list = field(default_factory=list)  # follow_consistency.FeedProblem
    wrong_note_counts: list = field(default_factory=list)  # (user id, stored, true unread count)
    stray_notes: list = field(default_factory=list)  # (pk, sk, why): about a gone photo or album
    unlisted_comments: list = field(default_factory=list)  # (photo id, key): not in their author's list
    stray_album_comments: list = field(default_factory=list)  # (album id, key): their album is gone
    stray_avatars: dict = field(default_factory=dict)  # key under avatars/: why it is no one's avatar
    scan: object = field(default=None, repr=False)  # the TableScan judged
    recent_objects: int = 0  # unnamed objects younger than min_age, left alone
    photos: int = 0
    objects: int = 0

    @property
    def clean(self):
        orphans = (self.orphan_objects, self.broken_photos, self.stray_cards)
        favorites = (self.hidden_favorites, self.wrong_favorite_counts, self.misplaced_favorites)
        albums = (self.album_problems, self.unknown_items, self.expired_jobs)
        people = (self.wrong_follow_counts, self.feed_problems, self.wrong_note_counts, self.stray_notes)
        people += (self.unlisted_comments, self.stray_album_comments, self.stray_avatars)
        return not any((*orphans, self.stale_lists, self.wrong_counts, *favorites, *albums, *people))


def find_orphans(*, min_age=timedelta(hours=1), now=None):
    now = now or clock.now()
    # Scan the table first: an upload finishing meanwhile then shows as a recent object, never
    # as an item whose objects are missing.
    scan = scan_table()
    photos, stray_cards = scan.photos, scan.stray_ids
    objects = list_objects()
    named = {key: photo_id for photo_id, photo in photos.items() for key in photo.object_keys}

    report = Report(
        photos=len(photos),
        objects=len(objects),
        stray_cards=sorted(stray_cards),
        stale_lists=consistency.stale_lists(scan),
        wrong_counts=consistency.wrong_counts(scan),
        hidden_favorites=consistency.hidden_favorites(scan),
        wrong_favorite_counts=consistency.wrong_favorite_counts(scan),
        misplaced_favorites=consistency.misplaced_favorites(scan),
        album_problems=consistency.album_problems(scan),
        unknown_items=scan.unknown,
        expired_jobs=sorted(job.id for job in scan.jobs if downloads.expired(job, now)),
        wrong_follow_counts=follow_consistency.wrong_follow_counts(scan),
        feed_problems=follow_consistency.feed_problems(scan),
        wrong_note_counts=consistency.wrong_note_counts(scan),
        stray_notes=notifications.strays(scan),
        unlisted_comments=stored_comments.unlisted(scan),
        stray_album_comments=scan.stray_album_comments,
        stray_avatars=_stray_avatars(now, min_age),
        scan=scan,
    )
    for key, modified in sorted(objects.items()):
        if key in named:
            continue
        if now - modified < min_age:
            report.recent_objects += 1
        else:
            report.orphan_objects.append(key)
    # Only keys under photos/ are listed: a processing photo's upload (uploads/) is the worker's.
    report.broken_photos = sorted(
        photo_id
        for photo_id, photo in photos.items()
        if not {key for key in photo.object_keys if photo_id_of_key(key)} <= objects.keys()
    )
    return report


def _stray_avatars(now, min_age):
    """Objects under avatars/ that are not an existing user's current avatar, older than `min_age`
    (a younger one may be a picture being replaced). Reported only, never deleted: an old
    picture left by a crash and a key of no known shape are told apart in the report."""
    listed = {
        key: modified
        for key, modified in list_objects(prefix=AVATARS_PREFIX).items()
        if now - modified >= min_age
    }
    versions = dict(get_user_model().objects.values_list("pk", "profile__avatar"))
    return avatars.stray_objects(listed, {user_id: version or "" for user_id, version in versions.items()})


def reindex():
    """Rewrite the cards of every photo whose cards are not those its item calls for, and only
    that (no S3 listing, no deletes of objects): the backfill after the lists change, e.g. the
    search's word cards (WORD#) for photos stored with a TITLE# card. Returns (photos whose
    cards were stale, photos rewritten): a photo edited meanwhile has made its own cards right."""
    scan = scan_table()
    stale = consistency.stale_lists(scan)
    rewritten = sum(
        consistency.rewrite_cards(scan.photos[photo_id], scan.cards.get(photo_id, {})) for photo_id in stale
    )
    return len(stale), rewritten


def remove_orphans(report):
    """Delete what `report` found, rewrite the stale lists and set the counts right. Broken
    photos lose their items first, then their objects (the order of a delete), so a crash
    half-way leaves only orphan objects for the next run."""
    leftovers = list(report.orphan_objects)
    expired = set(report.expired_jobs)
    if expired:
        downloads.expire_jobs([job for job in report.scan.jobs if job.id in expired])
    # Items of no declared kind (report.unknown_items) are never touched: only reported.
    for problem in report.album_problems:
        consistency.repair_album(report.scan, problem)
    for photo_id, fan_id in report.hidden_favorites:
        photo_repository().remove_favorite(photo_id, fan_id)
        logger.warning("reconcile: removed user %s's favourite of private photo %s", fan_id, photo_id)
    for photo_id in report.misplaced_favorites:
        favorites.follow_edit(report.scan.photos[photo_id])  # what the trash or restore did not finish
        logger.warning(
            "reconcile: favourites of photo %s listed or unlisted as its trash state says", photo_id
        )
    if report.wrong_favorite_counts or report.hidden_favorites:
        # Counted again after the removals above, which moved the counts themselves.
        for photo_id, stored, true in consistency.wrong_favorite_counts(scan_table()):
            consistency.set_favorite_count(photo_id, stored, true)
    if report.broken_photos or report.stray_cards:
        existing = list_objects()
        for photo_id in report.broken_photos:
            # The owner's own delete: it keeps whatever else the table derives from photos.
            with contextlib.suppress(PhotoNotFound):  # deleted meanwhile
                photo_repository().delete_photo(photo_id)
        for photo_id in report.stray_cards:
            purge_photo(photo_id)
        for photo_id in [*report.broken_photos, *report.stray_cards]:
            leftovers += [key for key in existing if photo_id_of_key(key) == photo_id]
            logger.warning("reconcile: removed the items of photo %s", photo_id)
    for photo_id, key in report.unlisted_comments:
        stored_comments.list_comment(photo_id, key)
    for album_id in sorted({album_id for album_id, _key in report.stray_album_comments}):
        stored_comments.follow_album_delete(album_id)
        logger.warning("reconcile: removed the comments of deleted album %s", album_id)
    for user_id, stored, true in report.wrong_follow_counts:
        follow_consistency.set_follow_counts(user_id, stored, true)
    # Judged on the scan: a photo removed above as broken is gone from the feeds' point of view
    # at the next run (its entries are then "photo gone").
    follow_consistency.repair_feeds(report.scan, report.feed_problems)
    for photo_id in report.stale_lists:
        if photo_id not in report.broken_photos:
            consistency.rewrite_cards(report.scan.photos[photo_id], report.scan.cards.get(photo_id, {}))
    for pk, sk, why in report.stray_notes:  # each judged again first: never what is not stray
        if notifications.remove_stray(pk, sk, why):
            logger.warning("reconcile: removed %s %s: %s", pk, sk, why)
    wrong_note_counts = report.wrong_note_counts
    if report.stray_notes and wrong_note_counts:
        # Counted again after the removals above, which moved the counts themselves.
        wrong_note_counts = consistency.wrong_note_counts(scan_table())
    for user_id, stored, true in wrong_note_counts:
        if notifications.set_count(user_id, stored, true):
            logger.warning("reconcile: set user %s's unread count from %d to %d", user_id, stored, true)
    if report.wrong_counts or report.broken_photos:
        # Counted again after the deletes above, which moved the counts themselves.
        for counter, stored, true in consistency.wrong_counts(scan_table()):
            consistency.set_count(counter, stored, true)
    leftovers = set(leftovers)
    delete_objects(leftovers)
    if leftovers:
        logger.warning("reconcile: removed %d orphan objects", len(leftovers))
    return len(leftovers)
