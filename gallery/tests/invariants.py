"""The invariants of the declared data model (gallery.storage.dynamodb.model), checked from the
raw table and bucket and from what each viewer is shown: the test machine (test_invariants.py)
runs `check_all` after every step.

These checks read the items themselves rather than through reconcile's code (which the machine
runs too): a bug shared by the repair and its judge would otherwise go unseen.
"""

import collections
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser

from gallery.domain import access, taken
from gallery.domain.lists import FEED, MAX_ALBUMS_PER_PHOTO, list_entries, person_list, tag_list
from gallery.domain.records import PUBLIC, READY, UNLISTED, PhotoCard
from gallery.services import albums, photos, timeline, trash
from gallery.services.reconcile import find_orphans
from gallery.storage.dynamodb import (
    AlbumNotFound,
    NotInAlbum,
    PhotoNotFound,
    get_connection,
    photo_repository,
)
from gallery.storage.dynamodb import model as kinds
from gallery.storage.dynamodb import notifications as stored_notes
from gallery.storage.dynamodb.jobs import job_from_item
from gallery.storage.dynamodb.schema import album_from_item, card_from_item, photo_from_item
from gallery.storage.s3 import objects as s3_objects
from gallery.tests.follow_rules import check_follows

ANONYMOUS = AnonymousUser()


@dataclass
class Expected:
    """What the machine did: the photos and albums that must exist, as their users left them."""

    photos: dict = field(default_factory=dict)  # id: ExpectedPhoto
    albums: dict = field(default_factory=dict)  # id: ExpectedAlbum
    pending: set = field(default_factory=set)  # photo ids whose job has not run yet
    jobs: dict = field(default_factory=dict)  # archive job id: ExpectedJob
    follows: set = field(default_factory=set)  # (follower id, followee id)
    feeds_settled: bool = True  # the worker ran since the last step (follow_rules.check_follows)


@dataclass
class ExpectedJob:
    owner: object
    kind: str  # gallery.domain.archives.DOWNLOAD or EXPORT
    status: str  # pending until the worker ran, then ready


@dataclass
class ExpectedPhoto:
    owner: object
    visibility: str
    status: str
    tags: tuple = ()
    fans: set = field(default_factory=set)  # user ids
    trashed: bool = False  # in its owner's trash (fans and albums kept for a restore)
    purge_after: object = None  # the datetime after which the purge deletes it
    rotation: int = 0
    geotagged: bool = False  # on its owner's map once ready
    taken: str = ""  # as gallery.domain.taken stores it: the file's (none here), the upload's, or edited


@dataclass
class ExpectedAlbum:
    owner: object
    visibility: str
    members: list = field(default_factory=list)  # photo ids, in album order (not those in the trash)
    cover: str = ""
    token: str = ""
    comments_open: bool = False  # its owner lets whoever sees it comment
    parked: dict = field(default_factory=dict)  # photo id in the trash: (its index, version then)
    version: int = 0  # moves with every change of members: a restore into an unchanged album


def apply_batch(expected, user, action, photo_ids, *, album_id=None, tags=(), visibility=None):
    """The expected state after a batch (gallery.services.batch): the action applied to each
    photo on its own, the caller's ready ones only; returns {photo id: whether it was done}."""
    done = {}
    for photo_id in photo_ids:
        want = expected.photos[photo_id]
        done[photo_id] = want.owner.pk == user.pk and want.status == READY
        if not done[photo_id]:
            continue
        if action == "add_tags":
            want.tags = (*want.tags, *(tag for tag in tags if tag not in want.tags))
        elif action == "remove_tags":
            want.tags = tuple(tag for tag in want.tags if tag not in tags)
        elif action == "set_visibility":
            want.visibility = visibility
            if visibility != PUBLIC:
                want.fans &= {want.owner.pk}
        elif action == "add_to_album":
            members = expected.albums[album_id].members
            in_albums = sum(photo_id in album.members for album in expected.albums.values())
            if photo_id not in members and in_albums >= MAX_ALBUMS_PER_PHOTO:
                done[photo_id] = False
            elif photo_id not in members:
                members.append(photo_id)
    return done


# While the machine checks its invariants after a step: {"table"/"objects": what was read}.
# Every check of a step judges the store the step left: one scan and one listing shared by them,
# not one per check (4 scans a step were ~20% of the checks' moto calls). The one write of the checks,
# notifications.page marking read the notes their reader may no longer see, touches notifications
# only, which their own check reads before it; reconcile's check scans for itself.
_one_read = None


@contextlib.contextmanager
def one_read_per_step():
    """table_by_kind and object_keys read the store once inside, and hand out copies."""
    global _one_read
    _one_read = {}
    try:
        yield
    finally:
        _one_read = None


class OneReadPerStep:
    """For a RuleBasedStateMachine: its invariants after a step share one read of the store.
    Hypothesis runs every @invariant through check_invariants (not a documented hook:
    test_invariants.py::test_the_checks_of_a_step_share_one_read_of_the_store shows it still is)."""

    def check_invariants(self, *args, **kwargs):
        with one_read_per_step():
            super().check_invariants(*args, **kwargs)


def visible_photo(viewer, photo_id):
    """photos.visible(viewer, photo_id): the photo, or what it raised. Inside one_read_per_step
    asked once per viewer and photo, for every check of the step (the viewers' and the comments'
    checks both ask it of every photo)."""
    if _one_read is None:
        return photos.visible(viewer, photo_id)
    key = ("photo", viewer.pk if viewer.is_authenticated else None, photo_id)
    if key not in _one_read:
        try:
            _one_read[key] = (photos.visible(viewer, photo_id), None)
        except Exception as error:  # the caller judges it, as it would the call's
            _one_read[key] = (None, error)
    photo, error = _one_read[key]
    if error is not None:
        raise error
    return photo


def table_by_kind():
    """{kind name: [item]} of the whole table; items of no declared kind under None."""
    if _one_read is None:
        return _scan_by_kind()
    if "table" not in _one_read:
        _one_read["table"] = _scan_by_kind()
    # A copy of the lists (a check may pop a kind or add the None key); the items are only read.
    return collections.defaultdict(list, {kind: list(items) for kind, items in _one_read["table"].items()})


def _scan_by_kind():
    connection = get_connection()
    found = collections.defaultdict(list)
    for page in connection.client.get_paginator("scan").paginate(TableName=connection.table_name):
        for item in page["Items"]:
            kind, _ = kinds.kind_of(item)
            found[kind.name if kind else None].append(item)
    return found


def check_table(expected):
    """Every declared invariant of the stored items, and that they say what the machine did."""
    items = table_by_kind()
    assert items[None] == [], "items of no declared kind"
    stored = {item["id"]: photo_from_item(item) for item in items["photo"]}
    assert set(stored) == set(expected.photos), "the photos are those published and not deleted"
    for photo_id, photo in stored.items():
        want = expected.photos[photo_id]
        assert (photo.owner_id, photo.visibility, photo.status, bool(photo.trashed_at)) == (
            want.owner.pk,
            want.visibility,
            want.status,
            want.trashed,
        )
        if want.trashed:
            assert photo.purge_after == want.purge_after.isoformat(timespec="microseconds")
        assert photo.status != "processing" or photo_id in expected.pending, "processing with no job left"
        assert photo.taken == want.taken, f"taken of {photo_id}"
        assert photo.rotation == want.rotation, f"rotation of {photo_id}"
    # A card exists iff its photo is ready and in that list, and carries its current card fields.
    cards = collections.defaultdict(dict)
    for item in items["list card"]:
        photo = stored.get(kinds.CARD.parts(item)["photo_id"])
        assert photo is not None and photo.status == READY, f"card of no ready photo: {item['sk']}"
        assert card_from_item(item) == photo.card, f"stale card {item['sk']}"
        cards[photo.id][(item["list_pk"], item["list_sk"])] = item
    for photo in stored.values():
        assert set(cards.get(photo.id, {})) == set(list_entries(photo)), f"cards of {photo.id}"
    # Every counter equals its true count (a missing counter counts 0).
    truth = collections.Counter()
    for photo in stored.values():
        if photo.status == READY:
            truth[f"OWNER#{photo.owner_id}"] += 1  # in the trash too: still stored
            if photo.visibility == PUBLIC and not photo.trashed_at:
                truth.update(f"TAG#{tag}" for tag in photo.tags)
    counted = {item["sk"]: int(item["photo_count"]) for item in items["tag count"] + items["owner count"]}
    assert {sk: count for sk, count in counted.items() if count} == dict(truth), "counters"
    # Favourites: of an existing photo their fan may see; each count is the number of them.
    fans = collections.defaultdict(set)
    for item in items["favourite"]:
        photo = stored[item["pk"].removeprefix("PHOTO#")]
        fan = int(item["fan_id"])
        assert photo.owner_id == fan or (photo.visibility == PUBLIC and photo.status == READY)
        assert card_from_item(item) == photo.card, "stale copy of a favourite"
        assert ("list_pk" in item) == (not photo.trashed_at), "a favourite listed iff out of the trash"
        fans[photo.id].add(fan)
    for photo_id, want in expected.photos.items():
        assert fans.get(photo_id, set()) == want.fans, f"favourites of {photo_id}"
    counts = {
        item["pk"].removeprefix("PHOTO#"): int(item["favorite_count"]) for item in items["favourite count"]
    }
    assert {key: count for key, count in counts.items() if count} == {
        key: len(value) for key, value in fans.items() if value
    }
    check_albums(items, stored, expected)
    check_follows(items, expected, settled=expected.feeds_settled)
    archives = check_jobs(items, expected)
    check_objects(stored, archives)
    check_timelines(expected)


def check_timelines(expected):
    """Each owner's timeline is all their ready photos not in the trash, private ones included,
    newest taken first (the wall clock, then the id, as the sort key breaks ties), in runs of one
    month each."""
    for owner in {want.owner for want in expected.photos.values()}:
        mine = [
            (taken.sort_key(want.taken), photo_id)
            for photo_id, want in expected.photos.items()
            if want.owner.pk == owner.pk and want.status == READY and not want.trashed
        ]
        cards = timeline.page(owner.pk, limit=100).items
        assert [card.id for card in cards] == [photo_id for _key, photo_id in sorted(mine, reverse=True)]
        assert [card.taken for card in cards] == [expected.photos[card.id].taken for card in cards]
        runs = [group.month for group in timeline.months(cards)]
        assert len(runs) == len(set(runs)), f"a month split in {owner}'s timeline: {runs}"
        # The map: the owner's geotagged ready photos, each once, in the timeline's order.
        on_map = [
            photo_id for _key, photo_id in sorted(mine, reverse=True) if expected.photos[photo_id].geotagged
        ]
        assert [point[0] for point in timeline.places(owner.pk)] == on_map, f"{owner}'s map"


def check_jobs(items, expected):
    """Archive jobs are those the machine asked for, each its asker's, of its kind, pending until
    the worker ran and then ready with its archive; returns the archive keys they name."""
    found = {item["id"]: job_from_item(item) for item in items["archive job"]}
    assert set(found) == set(expected.jobs), "the archive jobs are those asked for"
    for job_id, job in found.items():
        want = expected.jobs[job_id]
        assert (job.owner_id, job.kind, job.status) == (want.owner.pk, want.kind, want.status)
        assert bool(job.archive_key) == (job.status == "ready"), f"archive of job {job_id}"
    return {job.archive_key for job in found.values() if job.archive_key}


def check_objects(stored, archives=()):
    """Every object a photo names exists, and every object is named by a photo (its renditions,
    or its upload while it waits for the worker) or by a ready archive job: nothing deleted or
    processed leaves bytes."""
    named = {key: photo_id for photo_id, photo in stored.items() for key in photo.object_keys}
    named |= {key: "archive" for key in archives}
    keys = set(object_keys())
    assert set(named) <= keys, f"objects missing: {sorted(set(named) - keys)}"
    assert keys <= set(named), f"objects no photo names: {sorted(keys - set(named))}"


def check_albums(items, stored, expected):
    """Memberships name only the owner's existing ready photos, one entry each at its position,
    positions unique; album cards follow their album; the order is the one the owner made."""
    found = {item["id"]: album_from_item(item) for item in items["album"]}
    assert set(found) == set(expected.albums)
    assert {item["id"] for item in items["album card"]} == set(found)
    entries = collections.defaultdict(dict)
    for item in items["album entry"]:
        parts = kinds.ENTRY.parts(item)
        assert parts["photo_id"] not in entries[parts["album_id"]], "two entries of a photo"
        entries[parts["album_id"]][parts["photo_id"]] = item
    memberships = {}
    for item in items["album membership"]:
        parts = kinds.MEMBERSHIP.parts(item)
        album, photo = found.get(parts["album_id"]), stored.get(parts["photo_id"])
        assert photo is not None, "membership of a missing photo"
        if photo.trashed_at:  # no entry; its album may be gone (the restore drops it then)
            assert entries.get(parts["album_id"], {}).get(photo.id) is None, "entry of a trashed photo"
            assert not item.get("is_cover"), "a trashed photo is no cover"
            if album is not None:
                assert parts["photo_id"] in expected.albums[album.id].parked, "parked where it was"
            continue
        assert album is not None, "membership of a missing album"
        assert photo.owner_id == album.owner_id and photo.status == READY
        entry = entries[album.id].get(photo.id)
        assert entry is not None and entry["position"] == item["position"], "membership without its entry"
        assert card_from_item(entry) == photo.card, "stale album entry"
        assert bool(item.get("is_cover")) == (album.cover_photo_id == photo.id), "cover mark"
        memberships[(album.id, photo.id)] = item
    assert {(a, p) for a, by_photo in entries.items() for p in by_photo} == set(memberships)
    for album_id, album in found.items():
        want = expected.albums[album_id]
        in_order = sorted(entries[album_id].values(), key=lambda item: item["sk"])
        assert [item["id"] for item in in_order] == want.members, "album order"
        positions = [item["position"] for item in in_order]
        assert len(set(positions)) == len(positions), "positions unique"
        assert (album.visibility, album.cover_photo_id) == (want.visibility, want.cover)
        assert bool(album.share_token) == (album.visibility == UNLISTED)


def check_viewers(expected, users):
    """No viewer sees what they may not, through the services the pages call: the feed, each
    person's page, each tag, each photo's own page, each album and its share link."""
    viewers = [ANONYMOUS, *users]
    shown_to_all = {
        pid
        for pid, p in expected.photos.items()
        if p.visibility == PUBLIC and p.status == READY and not p.trashed
    }
    assert ids(photo_repository().list_page(FEED, limit=100)) == shown_to_all
    tags = {tag for photo in expected.photos.values() for tag in photo.tags}
    for tag in tags:
        want = {pid for pid in shown_to_all if tag in expected.photos[pid].tags}
        assert ids(photo_repository().list_page(tag_list(tag), limit=100)) == want
    for viewer in viewers:
        viewer_id = viewer.pk if viewer.is_authenticated else None
        for person in users:
            mine = {
                pid
                for pid, p in expected.photos.items()
                if p.owner.pk == person.pk and p.status == READY and not p.trashed
            }
            want = mine if viewer_id == person.pk else mine & shown_to_all
            assert ids(photo_repository().list_page(person_list(viewer_id, person.pk), limit=100)) == want
        for photo_id, want in expected.photos.items():
            if viewer_id == want.owner.pk:
                # The owner sees their own, whatever its state (check_table), but in the trash.
                assert _answers(visible_photo, viewer, photo_id) == (not want.trashed)
                continue
            assert _answers(visible_photo, viewer, photo_id) == (photo_id in shown_to_all), (
                viewer,
                photo_id,
            )
        for album_id, want in expected.albums.items():
            check_album_view(viewer, album_id, want, expected)
    check_trash_and_favourites(expected, users)


def check_trash_and_favourites(expected, users):
    """Each user's trash holds exactly their trashed photos, newest trashed first; each user's
    favourites list the favourites of photos out of the trash they may see."""
    for user in users:
        page = trash.page(user, limit=100)
        assert {item.id for item in page.items} == {
            pid for pid, p in expected.photos.items() if p.trashed and p.owner.pk == user.pk
        }
        assert [item.trashed_at for item in page.items] == sorted(
            (item.trashed_at for item in page.items), reverse=True
        )
        favourites = ids(photo_repository().favorites_page(user.pk, limit=100))
        assert favourites == {
            pid
            for pid, p in expected.photos.items()
            if user.pk in p.fans and not p.trashed and (p.owner.pk == user.pk or p.visibility == PUBLIC)
        }


def check_album_view(viewer, album_id, want, expected):
    is_owner = viewer.is_authenticated and viewer.pk == want.owner.pk
    ready = [pid for pid in want.members if expected.photos[pid].status == READY]
    public = [pid for pid in ready if expected.photos[pid].visibility == PUBLIC]
    if is_owner or want.visibility == PUBLIC:
        page = albums.page(viewer, album_id, limit=100)
        assert [card.id for card in page.items] == (ready if is_owner else public)
    else:
        assert not _answers(albums.page, viewer, album_id)
    if want.visibility == UNLISTED:
        shared = albums.page(viewer, album_id, token=want.token, limit=100)
        assert [card.id for card in shared.items] == ready
        if viewer.is_authenticated:
            return  # a photo through the link: the same answer for everyone, asked once
        for photo_id in [*want.members, *want.parked]:
            assert _answers(albums.shared_photo, viewer, album_id, want.token, photo_id) == (
                photo_id in ready
            )


def _answers(call, *args):
    """Whether the service shows the viewer what `call(*args)` asks for, rather than "no such
    photo / album" (the same answer for a hidden and a missing one)."""
    try:
        call(*args)
    except (
        PhotoNotFound,
        access.PhotoHidden,
        access.PhotoInTrash,
        AlbumNotFound,
        access.AlbumHidden,
        NotInAlbum,
    ):
        return False
    return True


def ids(page):
    assert all(isinstance(card, PhotoCard) for card in page.items)
    assert len({card.id for card in page.items}) == len(page.items), "a photo twice in a list"
    return {card.id for card in page.items}


def check_reconcile_finds_nothing(*, feeds_settled=True, expected=None):
    """Reconcile finds nothing; until the worker ran, feeds may lag behind their photos and
    follows (what it would repair there the worker's pending jobs do too). Notifications about a
    photo or album the machine deleted stay until a reconcile --fix (a delete does not look for
    them in every recipient's partition): reported as such, and only those."""
    report = find_orphans(min_age=timedelta(0))
    if not feeds_settled:
        report.feed_problems = []
    for pk, sk, why in report.stray_notes:
        item = get_connection().table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True)["Item"]
        if why == stored_notes.GONE_PHOTO:
            assert expected is not None and item["photo_id"] not in expected.photos, (pk, sk, why)
        else:
            assert why == stored_notes.GONE_ALBUM, (pk, sk, why)
            assert expected is not None and item["album_id"] not in expected.albums, (pk, sk, why)
    report.stray_notes = []
    assert report.clean, report


def read_object(key):
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    return client.get_object(Bucket=default_storage.bucket_name, Key=key)["Body"].read()


def object_keys():
    """Every key of the bucket (all pages)."""
    if _one_read is None:
        return _list_keys()
    if "objects" not in _one_read:
        _one_read["objects"] = _list_keys()
    return list(_one_read["objects"])


def _list_keys():
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=default_storage.bucket_name):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


def empty_the_stack():
    """Every item, object and queued job removed: a new example's clean slate, without the
    seconds that creating the table again costs."""
    from gallery.storage import sqs

    table = get_connection().table
    with table.batch_writer() as batch:
        for kind in table_by_kind().values():
            for item in kind:
                batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
    s3_objects.delete_objects(object_keys())  # a DeleteObjects a thousand keys, not a call a key
    queue = sqs.queue()  # PurgeQueue is allowed once a minute: each job taken and deleted
    while found := queue.receive(wait_seconds=0, max_jobs=10):
        for job in found:
            queue.delete(job)
