"""The invariant machine (issue 21): Hypothesis drives the use cases in any order against the
local stack (moto over HTTP, as the pages and the API call them) and, after every step, checks
the invariants of the declared data model (gallery/tests/invariants.py) and that reconcile
finds nothing.

Steps: inline publish; a batch action (gallery.services.batch) on a few photos of both users
in any state; a direct upload (a good or a damaged file) whose job runs later, when
the machine decides, with other steps in between (every example starts with one in flight, and
a rule enabled only while one is puts it in an album, favourites or edits it); edits with a
fresh or a stale revision and visibility changes; deletes (to the trash), restores, deletes
for good, emptied trashes and the daily purge after days pass (gallery/tests/trash_rules.py);
albums created, photos added, removed, moved, made cover, share links renewed, visibility
changed, albums deleted; favourites and unfavourites by any user; an account deleted
(gallery/tests/erase_rules.py: a new user takes its place); comments written, edited and deleted
(by their author or the photo's owner) and blocks (gallery/tests/comment_rules.py); follows
(gallery/tests/follow_rules.py); notifications read (gallery/tests/notification_rules.py);
`reconcile --fix`, which
must then change nothing; a restart of the local stack (moto with its recording, as `make run`
has; one example in four, once: a restart costs seconds).

Profiles (docs/architecture.md, "Invariants, and the machine that checks them"): CI runs
"invariants-ci"; `make invariants` (PHOTOSHARE_INVARIANTS=long) runs "invariants-long";
PHOTOSHARE_INVARIANTS=<examples>x<steps> one in between. The restart test below checks what one
step cannot: a given history (a favourite, a membership, a queued job) across a restart.
"""

import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import clear_default_cache
from devstack.local_aws import MotoServer
from gallery.domain import archives, taken
from gallery.domain.access import ChangeNotAllowed, PhotoHidden, PhotoInTrash
from gallery.domain.records import FAILED, PRIVATE, PROCESSING, PUBLIC, READY, UNLISTED
from gallery.domain.tags import parse_tags
from gallery.services import albums, batch, downloads, photos, renditions, rotation
from gallery.services.reconcile import find_orphans
from gallery.storage.dynamodb import (
    AlreadyInAlbum,
    NotInAlbum,
    PhotoChanged,
    PhotoNotFound,
    jobs,
    photo_repository,
)
from gallery.storage.s3 import objects
from gallery.tests import invariants, publishing
from gallery.tests.comment_rules import CommentRules
from gallery.tests.direct_uploads import upload_file
from gallery.tests.erase_rules import EraseRules
from gallery.tests.factories import camera_exif, client_for, image_bytes
from gallery.tests.follow_rules import FollowRules, other_jobs
from gallery.tests.notification_rules import NotificationRules
from gallery.tests.trash_rules import START, TrashRules

pytestmark = pytest.mark.django_db

COMMON = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("invariants-ci", max_examples=20, stateful_step_count=15, **COMMON)
settings.register_profile("invariants-long", max_examples=200, stateful_step_count=60, **COMMON)


def _profile(name):
    """PHOTOSHARE_INVARIANTS: unset (CI), "long", or "<examples>x<steps>" (e.g. 50x30)."""
    if not name:
        return settings.get_profile("invariants-ci")
    if name == "long":
        return settings.get_profile("invariants-long")
    examples, steps = (int(part) for part in name.split("x"))
    return settings(max_examples=examples, stateful_step_count=steps, **COMMON)


PROFILE = _profile(os.environ.get("PHOTOSHARE_INVARIANTS"))

SMALL_IMAGE = image_bytes(size=(12, 8))
SMALL_GPS_IMAGE = image_bytes(size=(12, 8), exif=camera_exif(taken="2020:02:29 12:00:00"))  # on the map
TITLES = st.sampled_from(["Harbour", "Sunny sunset", "서울의 노을"])
TAGS = st.sampled_from(["", "sea", "sea sky", "sky"])
VISIBILITIES = st.sampled_from([PUBLIC, PRIVATE])
# Same wall clock in two zones (a tie broken by the id), month ends, a year far back.
TAKEN = st.sampled_from(
    ["2024-07-31T23:59:59+09:00", "2024-07-31T23:59:59-05:00", "2024-08-01T00:00:00", "1999-01-02T03:04:05Z"]
)
ALBUM_VISIBILITIES = st.sampled_from([PUBLIC, UNLISTED, PRIVATE])


class UseCases(
    invariants.OneReadPerStep,
    CommentRules,
    EraseRules,
    TrashRules,
    FollowRules,
    NotificationRules,
    RuleBasedStateMachine,
):
    stack = None  # the users, set by the test (on the aws fixture's bucket, table and queue)
    server = None  # the recording MotoServer the test runs on, for the restart step

    def __init__(self):
        super().__init__()
        self.users = self.stack
        invariants.empty_the_stack()
        clear_default_cache()  # rate-limit windows and list pages of the previous example
        self.expected = invariants.Expected()
        self.outcomes = {}  # direct upload id: the status its job will leave
        self.snapshots = {}  # photo id: the Photo as its owner last read it (a stale edit form)
        self.restarts_left = 0
        self.now = START  # the trash's clock: the purge rule moves it

    def _user(self, number):
        return self.users[number % len(self.users)]

    def _pick(self, data, collection):
        # In the order things were made, never by id: ids are random, and a replay (shrinking)
        # must draw the same thing for the same choice.
        return data.draw(st.sampled_from(list(collection)))

    # --- photos ----------------------------------------------------------------------------
    @rule(owner=st.integers(0, 1), title=TITLES, tags=TAGS, visibility=VISIBILITIES, gps=st.booleans())
    def publish(self, owner, title, tags, visibility, gps=False):
        user = self._user(owner)
        data = SMALL_GPS_IMAGE if gps else SMALL_IMAGE
        photo = publishing.publish(user, title=title, tags=tags, visibility=visibility, data=data)
        self.expected.photos[photo.id] = invariants.ExpectedPhoto(
            user, visibility, READY, tuple(photo.tags), taken=photo.taken, geotagged=gps
        )
        self.snapshots[photo.id] = photo

    @rule(owner=st.integers(0, 1), title=TITLES, tags=TAGS, visibility=VISIBILITIES, good=st.booleans())
    def start_direct_upload(self, owner, title, tags, visibility, good):
        user = self._user(owner)
        data = SMALL_IMAGE if good else b"not an image"
        upload_id, response = upload_file(
            client_for(user), data=data, title=title, tags=tags, visibility=visibility
        )
        assert response.status_code == 202, response.content
        self.snapshots[upload_id] = photo_repository().get_photo(upload_id)
        self.expected.photos[upload_id] = invariants.ExpectedPhoto(
            user, visibility, PROCESSING, tuple(parse_tags(tags)), taken=self.snapshots[upload_id].taken
        )
        self.expected.pending.add(upload_id)
        self.outcomes[upload_id] = READY if good else FAILED

    @rule()
    def run_the_worker(self):
        # One job per upload started (its photo deleted since or not), each done once: none lost
        # or delivered again (a restart in between included); and the followers' feed jobs.
        pending_jobs = [job_id for job_id, job in self.expected.jobs.items() if job.status == "pending"]
        ran = other_jobs(self.run_jobs())
        assert len(ran) == len(self.expected.pending) + len(pending_jobs), ran
        self.expected.feeds_settled = True
        for photo_id in self.expected.pending:
            if photo_id in self.expected.photos:
                self.expected.photos[photo_id].status = self.outcomes[photo_id]
        self.expected.pending.clear()
        for job_id in pending_jobs:
            self.expected.jobs[job_id].status = archives.READY
            self._check_archive(job_id)

    # --- archives: large downloads and data exports (gallery.services.downloads) ---------------
    @rule(data=st.data(), asker=st.integers(0, 1), export=st.booleans())
    def ask_for_an_archive(self, data, asker, export):
        user = self._user(asker)
        if export:
            job = downloads.start_job(user, archives.EXPORT)
        else:
            if not self.expected.photos:
                return
            picked = data.draw(st.lists(st.sampled_from(list(self.expected.photos)), min_size=1, max_size=3))
            try:
                plan = downloads.plan_selection(user, picked)
            except downloads.NothingToDownload:
                assert not any(self._sees(user, photo_id) for photo_id in picked)
                return
            job = downloads.start_job(user, archives.DOWNLOAD, plan=plan)
        self.expected.jobs[job.id] = invariants.ExpectedJob(user, job.kind, archives.PENDING)

    def _sees(self, user, photo_id):
        want = self.expected.photos.get(photo_id)
        if not want or want.status != READY or getattr(want, "trashed", False):
            return False
        return want.owner == user or want.visibility == PUBLIC

    def _check_archive(self, job_id):
        """What the worker just zipped: an export, every ready photo of its owner, those in the
        trash under trash/; a download, only photos its asker sees, originals for their owner only."""
        job = jobs.get_job(job_id)
        user = self.expected.jobs[job_id].owner
        archive = zipfile.ZipFile(io.BytesIO(invariants.read_object(job.archive_key)))
        names = [info.filename for info in archive.infolist()]

        def ids_under(folder):
            return {name.rsplit("-", 1)[-1].split(".")[0] for name in names if name.startswith(folder)}

        if job.kind == archives.EXPORT:
            mine = [(pid, want) for pid, want in self.expected.photos.items() if want.owner == user]
            assert ids_under("photos/") == {
                pid for pid, want in mine if want.status == READY and not want.trashed
            }
            assert ids_under("trash/") == {pid for pid, want in mine if want.status == READY and want.trashed}
            trashed = {fact["id"] for fact in json.loads(archive.read("photos.json")) if fact["trashed"]}
            assert trashed == ids_under("trash/")
            assert {"photos.json", "albums.json", "favourites.json", "comments.json"} <= set(names)
            # Every comment the owner wrote, on a photo or on an album (the other id "").
            exported = {
                (c["id"], c["photo_id"], c["album_id"], c["text"])
                for c in json.loads(archive.read("comments.json"))
            }
            on_photos = self.alive_comments().items()
            on_albums = self.alive_album_comments().items()
            assert exported == {
                (cid, pid, "", text) for cid, (pid, author, text) in on_photos if author == user.pk
            } | {(cid, "", aid, text) for cid, (aid, author, text) in on_albums if author == user.pk}
            # Its favourites out of the trash (the FAVS# list), its albums with their photos in order.
            favourites = {fact["photo_id"] for fact in json.loads(archive.read("favourites.json"))}
            assert favourites == {
                pid for pid, want in self.expected.photos.items() if user.pk in want.fans and not want.trashed
            }
            albums_json = json.loads(archive.read("albums.json"))
            assert {fact["id"]: fact["photo_ids"] for fact in albums_json} == {
                aid: want.members for aid, want in self.expected.albums.items() if want.owner == user
            }
        else:
            shown = {name.rsplit("-", 1)[-1].split(".")[0] for name in names}
            assert all(self._sees(user, photo_id) for photo_id in shown), names

    # Hypothesis picks among the enabled rules uniformly: a job left to run while other steps
    # touch its photo (the sequences that broke albums and favourites, issue 21 finding 2) is made
    # common by starting every example with an upload in flight and by a rule enabled only while
    # one is.
    @initialize(uploads=st.lists(st.tuples(st.integers(0, 1), st.booleans()), min_size=1, max_size=2))
    def uploads_in_flight(self, uploads):
        for owner, good in uploads:
            self.start_direct_upload(owner=owner, title="Harbour", tags="sea", visibility=PUBLIC, good=good)

    def _processing(self):
        return [key for key in self.expected.photos if key in self.expected.pending]

    @precondition(lambda self: self._processing())
    @rule(data=st.data(), step=st.sampled_from(["album", "favourite", "edit"]), other=st.integers(0, 1))
    def touch_a_processing_photo(self, data, step, other):
        """What people do right after an upload, before its job has run: put it in an album,
        favourite it (the owner or someone else), edit it."""
        photo_id = self._pick(data, self._processing())
        owner = self.expected.photos[photo_id].owner
        own_albums = [key for key, album in self.expected.albums.items() if album.owner.pk == owner.pk]
        if step == "album" and own_albums:
            self._add(self._pick(data, own_albums), photo_id)
        elif step == "edit":
            self._edit(photo_id, True, "Sunny sunset", "sky", PUBLIC)
        else:
            self._favourite(photo_id, other, add=True)

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data(), fresh=st.booleans(), title=TITLES, tags=TAGS, visibility=VISIBILITIES)
    def edit(self, data, fresh, title, tags, visibility):
        self._edit(self._pick(data, self.expected.photos), fresh, title, tags, visibility)

    def _edit(self, photo_id, fresh, title, tags, visibility):
        want = self.expected.photos[photo_id]
        try:
            current = photos.changeable(want.owner, photo_id)
        except PhotoInTrash:
            assert want.trashed  # restored first, then edited
            return
        form = current if fresh else self.snapshots[photo_id]
        try:
            updated = photos.edit(form, title=title, tags=parse_tags(tags), visibility=visibility)
        except photos.PhotoNotReady:
            assert form.status != READY
            return
        except PhotoChanged:
            assert form.revision != current.revision
            return
        assert form.revision == current.revision and current.status == READY
        want.visibility, want.tags = visibility, tuple(updated.tags)
        if visibility != PUBLIC:
            want.fans &= {want.owner.pk}
        self.snapshots[photo_id] = updated

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data(), fresh=st.booleans(), when=TAKEN)
    def edit_taken(self, data, fresh, when):
        """The owner corrects when a photo was taken (the edit form's or the API's `taken`)."""
        photo_id = self._pick(data, self.expected.photos)
        want = self.expected.photos[photo_id]
        try:
            current = photos.changeable(want.owner, photo_id)
        except PhotoInTrash:
            assert want.trashed  # restored first, then corrected
            return
        form = current if fresh else self.snapshots[photo_id]
        try:
            updated = photos.edit(form, taken=taken.normalized(when))
        except photos.PhotoNotReady:
            assert form.status != READY
            return
        except PhotoChanged:
            assert form.revision != current.revision
            return
        want.taken = updated.taken
        self.snapshots[photo_id] = updated

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data(), fresh=st.booleans(), degrees=st.sampled_from(rotation.DEGREES))
    def rotate(self, data, fresh, degrees):
        """The owner turns a photo (new sizes from the original, the old ones removed)."""
        photo_id = self._pick(data, self.expected.photos)
        want = self.expected.photos[photo_id]
        try:
            current = photos.changeable(want.owner, photo_id)
        except PhotoInTrash:
            assert want.trashed  # restored first, then turned
            return
        form = current if fresh else self.snapshots[photo_id]
        try:
            updated = rotation.rotate(form, degrees)
        except photos.PhotoNotReady:
            assert form.status != READY
            return
        except PhotoChanged:
            assert form.revision != current.revision
            return
        want.rotation = updated.rotation
        self.snapshots[photo_id] = updated

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data())
    def backfill_renditions(self, data):
        """A photo as one made before its WebP sizes (none recorded, none stored), then the
        backfill's job: the same sizes as an upload makes, nothing else changed."""
        photo_id = self._pick(data, self.expected.photos)
        photo = photo_repository().get_photo(photo_id)
        if photo.status != READY:
            assert renditions.make_sources(photo_id) == "done"  # its upload job makes them
            return
        objects.delete_quietly([source["key"] for source in photo.sources])
        photo_repository().update_photo(photo_id, sources=[])
        assert renditions.make_sources(photo_id) == "made"
        assert photo_repository().get_photo(photo_id).sources == photo.sources

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data(), fan=st.integers(0, 1), add=st.booleans())
    def favourite(self, data, fan, add):
        self._favourite(self._pick(data, self.expected.photos), fan, add)

    def _favourite(self, photo_id, fan, add):
        user, want = self._user(fan), self.expected.photos[photo_id]
        may_see = user.pk == want.owner.pk or (want.visibility == PUBLIC and want.status == READY)
        may_see = may_see and not want.trashed
        try:
            photo = photos.visible(user, photo_id)
        except (PhotoHidden, PhotoInTrash):
            assert not may_see
            return
        assert may_see
        if not add:
            photos.unfavorite(user, photo)
            want.fans.discard(user.pk)
            return
        try:
            photos.favorite(user, photo)
        except PhotoNotFound:
            assert want.status != READY
            return
        want.fans.add(user.pk)

    @precondition(lambda self: self.expected.photos)
    @rule(
        data=st.data(),
        caller=st.integers(0, 1),
        action=st.sampled_from(["add_tags", "remove_tags", "set_visibility", "add_to_album"]),
        tags=st.sampled_from(["sea", "sea sky", "night"]),
        visibility=VISIBILITIES,
    )
    def batch(self, data, caller, action, tags, visibility):
        """Select many (of both users, in any state) and apply one action: each photo as if
        alone, the caller's ready ones only."""
        user = self._user(caller)
        photo_ids = data.draw(st.lists(st.sampled_from(list(self.expected.photos)), max_size=4, unique=True))
        own_albums = [key for key, album in self.expected.albums.items() if album.owner.pk == user.pk]
        if action == "add_to_album" and not own_albums:
            action = "add_tags"
        if not photo_ids:
            return
        argument = {
            "add_to_album": {"album_id": own_albums[-1] if own_albums else None},
            "set_visibility": {"visibility": visibility},
        }.get(action, {"tags": parse_tags(tags)})
        results = batch.apply(user, action, photo_ids, **argument)
        done = invariants.apply_batch(self.expected, user, action, photo_ids, **argument)
        # The owners' edit forms (snapshots) stay as they were read: now stale, as in a tab.
        assert {key: error is None for key, error in results.items()} == done, results

    # --- albums ----------------------------------------------------------------------------
    @initialize(visibilities=st.lists(ALBUM_VISIBILITIES, min_size=2, max_size=2))
    def an_album_each(self, visibilities):
        """Every example starts with an album per user: adds and removes are possible at once."""
        for owner, visibility in enumerate(visibilities):
            self.create_album(owner=owner, visibility=visibility)

    @rule(owner=st.integers(0, 1), visibility=ALBUM_VISIBILITIES)
    def create_album(self, owner, visibility):
        user = self._user(owner)
        album = albums.create(user, title="Summer", visibility=visibility)
        self.expected.albums[album.id] = invariants.ExpectedAlbum(user, visibility, token=album.share_token)

    @precondition(lambda self: self.expected.albums and self.expected.photos)
    @rule(data=st.data())
    def add_to_album(self, data):
        album_id = self._pick(data, self.expected.albums)
        want = self.expected.albums[album_id]
        # Mostly the owner's own photos (someone else's is refused at once, a step spent).
        own = [key for key, photo in self.expected.photos.items() if photo.owner.pk == want.owner.pk]
        photo_id = self._pick(data, own if own and data.draw(st.integers(0, 3)) else self.expected.photos)
        self._add(album_id, photo_id)

    @precondition(lambda self: self.expected.albums and self.expected.photos)
    @rule(owner=st.integers(0, 1))
    def add_the_newest_photo(self, owner):
        """What people do most: upload, then put the new photo in one of their albums at once
        (while a direct upload still processes, or after its job failed)."""
        user = self._user(owner)
        own_albums = [key for key, album in self.expected.albums.items() if album.owner.pk == user.pk]
        own_photos = [key for key, photo in self.expected.photos.items() if photo.owner.pk == user.pk]
        if own_albums and own_photos:
            self._add(own_albums[-1], own_photos[-1])

    def _add(self, album_id, photo_id):
        want, photo = self.expected.albums[album_id], self.expected.photos[photo_id]
        album = albums.changeable(want.owner, album_id)
        try:
            albums.add_photo(want.owner, album, photo_id)
        except (ChangeNotAllowed, PhotoHidden):
            assert photo.owner.pk != want.owner.pk
        except PhotoInTrash:
            assert photo.trashed and photo.owner.pk == want.owner.pk
        except photos.PhotoNotReady:
            assert photo.status == PROCESSING
        except albums.AlbumRefused:
            assert photo.status == FAILED
        except AlreadyInAlbum:
            assert photo_id in want.members
        else:
            assert photo.owner.pk == want.owner.pk and photo.status == READY
            assert photo_id not in want.members and not photo.trashed
            want.members.append(photo_id)
            want.version += 1

    @precondition(lambda self: self.expected.albums and self.expected.photos)
    @rule(data=st.data())
    def remove_from_album(self, data):
        album_id = self._pick(data, self.expected.albums)
        want = self.expected.albums[album_id]
        # Mostly one of its photos; now and then any photo (NotInAlbum).
        members = want.members if want.members and data.draw(st.integers(0, 3)) else self.expected.photos
        photo_id = self._pick(data, members)
        try:
            albums.remove_photo(albums.changeable(want.owner, album_id), photo_id)
        except NotInAlbum:
            assert photo_id not in want.members
            return
        want.members.remove(photo_id)
        want.version += 1
        if want.cover == photo_id:
            want.cover = ""

    @precondition(lambda self: any(album.members for album in self.expected.albums.values()))
    @rule(data=st.data(), up=st.booleans(), cover=st.booleans())
    def move_or_cover(self, data, up, cover):
        album_id = self._pick(data, [key for key, album in self.expected.albums.items() if album.members])
        want = self.expected.albums[album_id]
        photo_id = data.draw(st.sampled_from(want.members))
        album = albums.changeable(want.owner, album_id)
        if cover:
            albums.set_cover(album, photo_id)
            want.cover = photo_id
            return
        place = want.members.index(photo_id)
        other = place - 1 if up else place + 1
        moved = albums.move(album, photo_id, up=up)
        assert moved == (0 <= other < len(want.members))
        if moved:
            want.members[place], want.members[other] = want.members[other], want.members[place]
            want.version += 1

    @precondition(lambda self: self.expected.albums)
    @rule(data=st.data(), visibility=ALBUM_VISIBILITIES, new_link=st.booleans())
    def change_album(self, data, visibility, new_link):
        album_id = self._pick(data, self.expected.albums)
        want = self.expected.albums[album_id]
        album = albums.changeable(want.owner, album_id)
        if new_link:
            try:
                album = albums.new_share_link(album)
            except albums.AlbumRefused:
                assert want.visibility != UNLISTED
                return
            assert album.share_token != want.token
        else:
            album = albums.edit(album, visibility=visibility)
            want.visibility = visibility
        want.token = album.share_token

    @precondition(lambda self: self.expected.albums)
    @rule(data=st.data())
    def delete_album(self, data):
        album_id = self._pick(data, self.expected.albums)
        albums.delete(albums.changeable(self.expected.albums.pop(album_id).owner, album_id))

    # --- the local stack ------------------------------------------------------------------------
    @initialize(chance=st.integers(0, 3))
    def a_restart_may_come(self, chance):
        """A restart costs seconds (a new moto process replays its recording): one example in
        four may restart, once."""
        self.restarts_left = int(chance == 0 and self.server is not None)

    @precondition(lambda self: self.restarts_left)
    @rule()
    def restart_the_local_stack(self):
        """moto stopped and started on its port, as `make run` restarts: everything committed is
        back, nothing deleted returns; queued jobs still wait for the worker (a later step)."""
        self.restarts_left -= 1
        before = everything()
        self.server.stop()
        self.server.start(timeout=120)
        clear_default_cache()  # no page read before the restart may hide what it lost
        assert everything() == before, "the restart lost or brought back something"

    # --- repair ------------------------------------------------------------------------------
    @rule()
    def reconcile_fix(self):
        # Feeds waiting for the worker are only derived data lagging: reconcile may bring them
        # forward (as the pending jobs will), so they are compared once settled.
        # Notifications about what was deleted (and their marks, their counts) are its to remove:
        # the rest must not change, and the notification invariants hold after.
        settled = self.expected.feeds_settled
        strays = {(pk, sk) for pk, sk, _why in find_orphans(min_age=timedelta(0)).stray_notes}
        before = everything(feeds=settled, notes=not strays)
        call_command("reconcile", "--fix", "--min-age", "0", stdout=io.StringIO())
        assert everything(feeds=settled, notes=not strays) == before, (
            "reconcile --fix changed a consistent store"
        )
        assert not strays & {(item["pk"], item["sk"]) for item in invariants.table_by_kind()["notification"]}

    # --- after every step ----------------------------------------------------------------------
    @invariant()
    def the_data_model_holds(self):
        invariants.check_table(self.expected)
        invariants.check_viewers(self.expected, self.users)
        invariants.check_reconcile_finds_nothing(
            feeds_settled=self.expected.feeds_settled, expected=self.expected
        )
        # The feeds are checked whole right after the worker ran (its jobs make them), only then.
        self.expected.feeds_settled = False


def everything(*, feeds=True, notes=True):
    items = invariants.table_by_kind()
    if not feeds:
        items.pop("feed entry", None)
    if not notes:
        for name in ("notification", "notification mark", "unread count"):
            items.pop(name, None)
    return sorted(
        (item["pk"], item["sk"], repr(sorted(item.items()))) for kind in items.values() for item in kind
    ), sorted(invariants.object_keys())


# The profile's examples in this many tests of their own (each its own random runs): under xdist
# they go to both workers, so the machine (~2 minutes of CI at once) does not end the run alone.
PARTS = 2


@pytest.mark.parametrize("part", range(PARTS))
def test_the_use_cases_keep_the_declared_invariants(part, aws, moto_server, user, bob, tmp_path):
    """On a recording moto (as `make run` has, devstack/local_aws.py) in place of the session's,
    on the same port, so that a step may restart it."""
    moto_server.stop()
    local = MotoServer(port=moto_server.port, recording=tmp_path / "moto-recording.jsonl")
    try:
        local.start(timeout=120)
        call_command("init_aws", verbosity=0)
        UseCases.stack, UseCases.server = [user, bob], local
        examples = -(-PROFILE.max_examples // PARTS)  # rounded up: never fewer than asked for
        run_state_machine_as_test(UseCases, settings=settings(PROFILE, max_examples=examples))
    finally:
        UseCases.server = None
        local.stop()
        moto_server.start()


def test_a_restart_of_the_local_stack_keeps_every_invariant(aws, moto_server, user, bob, tmp_path):
    """The machine's state across a restart of a recording moto (what `make run` uses,
    devstack/local_aws.py) on the same port: everything committed is back, the queued job
    survives and publishes, every invariant holds and reconcile finds nothing."""
    moto_server.stop()
    local = MotoServer(port=moto_server.port, recording=tmp_path / "moto-recording.jsonl")
    try:
        local.start(timeout=60)
        call_command("init_aws", verbosity=0)
        UseCases.stack = [user, bob]
        machine = UseCases()
        machine.publish(owner=0, title="Harbour", tags="sea", visibility=PUBLIC)
        machine.publish(owner=0, title="Sunny sunset", tags="sky", visibility=PRIVATE, gps=True)
        machine.start_direct_upload(owner=1, title="Harbour", tags="", visibility=PUBLIC, good=True)
        machine.create_album(owner=0, visibility=UNLISTED)
        [(album_id, album)] = machine.expected.albums.items()
        photo_id, photo = next(iter(machine.expected.photos.items()))
        albums.add_photo(user, albums.changeable(user, album_id), photo_id)
        album.members.append(photo_id)
        photos.favorite(bob, photos.visible(bob, photo_id))
        photo.fans.add(bob.pk)
        machine.the_data_model_holds()
        before = everything()

        local.stop()
        local.start(timeout=60)
        clear_default_cache()  # no page read before the restart may hide what it lost

        assert everything() == before
        machine.the_data_model_holds()
        machine.run_the_worker()  # the job queued before the restart
        machine.the_data_model_holds()
    finally:
        local.stop()
        moto_server.start()


def drawing(value):
    """A stand-in for a rule's `data` in a given history: every draw is `value`."""
    return type("Data", (), {"draw": lambda self, strategy: value})()


def test_a_trash_restore_and_purge_history_keeps_every_invariant(aws, user, bob):
    """The trash rules in one given history (the machine finds others): a photo in two albums,
    one its cover, favourited by bob, trashed, the other album deleted meanwhile, restored; then
    trashed again and purged once its days have passed."""
    UseCases.stack = [user, bob]
    machine = UseCases()
    machine.publish(owner=0, title="Harbour", tags="sea", visibility=PUBLIC)
    machine.publish(owner=0, title="Sunny sunset", tags="sky", visibility=PUBLIC)
    machine.create_album(owner=0, visibility=UNLISTED)
    machine.create_album(owner=0, visibility=PUBLIC)
    (first, second), (kept, gone) = list(machine.expected.photos), list(machine.expected.albums)
    for album_id in (kept, gone):
        for photo_id in (first, second):
            machine._add(album_id, photo_id)
    albums.set_cover(albums.changeable(user, kept), first)
    machine.expected.albums[kept].cover = first
    machine._favourite(first, 1, add=True)
    machine.the_data_model_holds()

    choose = drawing(first)
    machine.delete(choose)
    machine.the_data_model_holds()
    albums.delete(albums.changeable(user, gone))
    machine.expected.albums.pop(gone)
    machine.the_data_model_holds()
    machine.restore(choose)
    machine.the_data_model_holds()
    assert machine.expected.albums[kept].members == [first, second]
    assert machine.expected.photos[first].fans == {bob.pk}

    machine.delete(choose)
    machine.days_pass_and_the_purge_runs(days=29)
    assert first in machine.expected.photos
    machine.days_pass_and_the_purge_runs(days=10)
    assert first not in machine.expected.photos
    machine.the_data_model_holds()


def test_an_export_is_checked_against_the_model_file_by_file(aws, user, bob):
    """The export's checks (_check_archive) in one given history, which CI's profile reaches
    rarely: the owner's photos in an album (not in upload order), a favourite of each user, a
    comment on a photo and one on an album; the worker builds both users' exports, and every
    JSON file must be what the model says."""
    UseCases.stack = [user, bob]
    machine = UseCases()
    machine.nobody_blocked_yet()
    machine.publish(owner=0, title="Harbour", tags="sea", visibility=PUBLIC)
    machine.publish(owner=0, title="Sunny sunset", tags="sky", visibility=PUBLIC)
    machine.create_album(owner=0, visibility=PUBLIC)
    (first, second), [album_id] = list(machine.expected.photos), list(machine.expected.albums)
    machine._add(album_id, second)
    machine._add(album_id, first)
    machine._favourite(first, 0, add=True)
    machine._favourite(second, 1, add=True)
    machine.switch_album_comments(drawing(album_id), open_them=True)
    machine.comment_on_album(drawing(album_id), writer=1, with_link=False, text="nice")
    machine.comment(drawing(first), writer=1, text="좋아요")
    machine.comment(drawing(second), writer=0, text="@bob look")
    for asker in (0, 1):
        machine.ask_for_an_archive(None, asker=asker, export=True)
    machine.run_the_worker()  # checks each export (_check_archive)
    machine.the_data_model_holds()
    assert len(machine.alive_album_comments()) == 1 and len(machine.alive_comments()) == 2


def test_the_checks_of_a_step_share_one_read_of_the_store():
    """UseCases' invariants read the table and the bucket once per step (invariants.OneReadPerStep):
    Hypothesis must still run the invariants through check_invariants, and the rules must still
    read the store afresh."""
    seen = []

    assert issubclass(UseCases, invariants.OneReadPerStep)

    class Probe(invariants.OneReadPerStep, RuleBasedStateMachine):
        @rule()
        def step(self):
            seen.append(("rule", invariants._one_read is None))

        @invariant()
        def check(self):
            seen.append(("invariant", invariants._one_read is not None))

    run_state_machine_as_test(Probe, settings=settings(max_examples=2, stateful_step_count=3, **COMMON))
    assert {kind for kind, _ in seen} == {"rule", "invariant"}
    assert all(as_expected for _, as_expected in seen), seen
