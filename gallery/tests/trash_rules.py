"""The invariant machine's trash rules (test_invariants.UseCases mixes them in): delete (to the
trash, as the pages and the API do), restore, delete forever, empty, and the daily purge after
days pass on the machine's own clock. What they leave is checked by gallery/tests/invariants.py:
a trashed photo in nobody's list, album or favourites; a restored one back in its albums (at its
place when the album did not change meanwhile); a purged one gone with its objects."""

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from gallery.domain.access import PhotoInTrash
from gallery.domain.limits import LIMITS
from gallery.domain.records import READY
from gallery.services import albums, photos, trash

START = datetime(2026, 12, 1, tzinfo=UTC)


class TrashRules:
    """Needs self.expected (invariants.Expected) and self._pick, self._user (UseCases)."""

    now = START

    def _trashed(self, owner=None):
        return [
            key
            for key, photo in self.expected.photos.items()
            if photo.trashed and (owner is None or photo.owner.pk == owner.pk)
        ]

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data())
    def delete(self, data):
        """The photo page's and the API's delete: to the trash (for good if not ready)."""
        photo_id = self._pick(data, self.expected.photos)
        want = self.expected.photos[photo_id]
        try:
            photos.changeable(want.owner, photo_id)
        except PhotoInTrash:
            assert want.trashed
            return
        assert not want.trashed
        trashed = trash.trash(want.owner, photo_id, clock=lambda: self.now)
        if want.status != READY:
            assert trashed is None
            self._forget(photo_id)
            return
        assert trashed.trashed_at
        want.trashed, want.purge_after = True, self.now + timedelta(days=LIMITS.trash_days)
        for album in self.expected.albums.values():
            if photo_id in album.members:
                album.parked[photo_id] = (album.members.index(photo_id), album.version)
                album.members.remove(photo_id)
                album.version += 1
            if album.cover == photo_id:
                album.cover = ""

    @precondition(lambda self: self._trashed())
    @rule(data=st.data())
    def restore(self, data):
        photo_id = self._pick(data, self._trashed())
        want = self.expected.photos[photo_id]
        restored = trash.restore(want.owner, photo_id)
        assert not restored.trashed_at
        want.trashed, want.purge_after = False, None
        for album_id, album in self.expected.albums.items():
            if photo_id not in album.parked:
                continue
            index, version = album.parked.pop(photo_id)
            order = [card.id for card in albums.page(album.owner, album_id, limit=100).items]
            assert photo_id in order, "restored into its album"
            assert [key for key in order if key != photo_id] == album.members, "the others' order kept"
            if album.version == version + 1:  # nothing changed in the album since: the same place
                assert order.index(photo_id) == index, "back at its place"
            album.members = order
            album.version += 1

    @precondition(lambda self: self._trashed())
    @rule(data=st.data())
    def delete_forever(self, data):
        photo_id = self._pick(data, self._trashed())
        trash.delete_forever(self.expected.photos[photo_id].owner, photo_id)
        self._forget(photo_id)

    @precondition(lambda self: self._trashed())
    @rule(owner=st.integers(0, 1))
    def empty_trash(self, owner):
        user = self._user(owner)
        gone = self._trashed(user)
        assert trash.empty(user) == len(gone)
        for photo_id in gone:
            self._forget(photo_id)

    @precondition(lambda self: self._trashed())
    @rule(days=st.sampled_from([1, 10, 29, 31]))
    def days_pass_and_the_purge_runs(self, days):
        """The worker's daily purge, `days` later on the machine's clock."""
        self.now += timedelta(days=days)
        due = [key for key in self._trashed() if self.expected.photos[key].purge_after < self.now]
        assert trash.purge_due(self.now) == len(due)
        for photo_id in due:
            self._forget(photo_id)

    def _forget(self, photo_id):
        """The photo is gone for good: from the expected photos and every album."""
        del self.expected.photos[photo_id]
        for album in self.expected.albums.values():
            if photo_id in album.members:
                album.members.remove(photo_id)
                album.version += 1
            album.parked.pop(photo_id, None)
            if album.cover == photo_id:
                album.cover = ""
