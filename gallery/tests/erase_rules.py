"""The invariant machine's "delete an account" rule (test_invariants.UseCases mixes it in): one
of its two users deletes their account through the page's use case and the worker; the machine
then goes on with a new user in that slot, so that every other rule keeps two users to work
with (and a new account meets what the old one left: nothing). Expected state: nothing of the
deleted user in the table or the bucket (gallery/tests/erasure.py, read by the data model), and
the other user's photos, albums, favourite counts and jobs as they were, which the machine's
invariants and reconcile then check as after any step."""

import itertools

from hypothesis import strategies as st
from hypothesis.stateful import rule

from gallery.services import erase
from gallery.tests import erasure, invariants
from gallery.tests.factories import confirmed_user
from gallery.tests.follow_rules import other_jobs

_NEW_USERS = itertools.count(1)


class EraseRules:
    """Needs self.expected, self.users (UseCases.stack: the slot is replaced there, so the next
    example starts with the new user too), self.snapshots, self._user and self.run_the_worker."""

    @rule(number=st.integers(0, 1))
    def delete_an_account(self, number):
        user = self._user(number)
        # The jobs queued before run first (the machine counts them), then the deletion alone.
        self.run_the_worker()
        photo_ids, album_ids, archive_keys = erasure.owned(user.pk)
        assert photo_ids == {key for key, photo in self.expected.photos.items() if photo.owner.pk == user.pk}
        assert album_ids == {key for key, album in self.expected.albums.items() if album.owner.pk == user.pk}

        erase.request_deletion(user)
        assert len(other_jobs(self.run_jobs())) == 1  # the feed jobs its photo deletes queued aside
        self.expected.follows = {pair for pair in self.expected.follows if user.pk not in pair}

        items, keys = erasure.leftovers(user.pk, photo_ids, album_ids, archive_keys, invariants.object_keys())
        assert items == [], f"items of the deleted user left: {items}"
        assert keys == [], f"objects of the deleted user left: {keys}"
        for photo_id in photo_ids:
            del self.expected.photos[photo_id]
            self.snapshots.pop(photo_id, None)
        for photo in self.expected.photos.values():
            photo.fans.discard(user.pk)
        for album_id in album_ids:
            del self.expected.albums[album_id]
        self.expected.jobs = {
            job_id: job for job_id, job in self.expected.jobs.items() if job.owner.pk != user.pk
        }
        number = next(_NEW_USERS)
        self.users[self.users.index(user)] = confirmed_user(f"newcomer{number}", "a fresh long phrase")
