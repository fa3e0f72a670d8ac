"""The invariant machine's notification rules (test_invariants.UseCases mixes them in): a user
marks one or all of their notifications read; the favourites, comments, mentions and follows of
the other rules make them. What must hold after every step: each user's unread count equals
their unread notification items; nothing about oneself; none listed about a photo the reader
may no longer see (deleted, in the trash, private and not theirs, processing), nor about an
album's comment while the album is not theirs to see without a link or its comments are closed,
nor from someone they blocked; a favourite's or a follow's notification has its one mark (the
same favourite or follow again notifies no one); and once a page was read, the unread count (the
bell) equals the unread ones listed."""

import collections

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from gallery.services import notifications
from gallery.storage.dynamodb import notifications as stored
from gallery.tests import invariants


class NotificationRules:
    """Needs self.expected, self.users, self._user (UseCases) and self._may_see, self._blocks
    (CommentRules)."""

    @rule(reader=st.integers(0, 1), everything=st.booleans())
    def read_notifications(self, reader, everything):
        user = self._user(reader)
        if everything:
            notifications.mark_all_read(user)
            assert notifications.unread(user) == 0
            return
        shown = notifications.page(user, limit=100).items
        unread = [note.id for note in shown if not note.read]
        before = notifications.unread_count(user)
        assert notifications.mark_read(user, unread[:1]) == len(unread[:1])
        assert notifications.mark_read(user, unread[:1]) == 0  # idempotent
        assert notifications.unread_count(user) == before - len(unread[:1])

    @invariant()
    def notifications_are_counted_and_shown_only_when_visible(self):
        if "written" not in self.__dict__:  # CommentRules' initialize has not run yet
            return
        items = invariants.table_by_kind()
        unread = collections.Counter()
        for item in items.get("notification", []):
            note = stored.note_from_item(item)
            assert note.actor_id != note.recipient_id, "nobody is notified of their own doing"
            unread[note.recipient_id] += not note.read
        counts = {
            int(item["pk"].removeprefix("NOTES#")): int(item.get("unread", 0))
            for item in items.get("unread count", [])
        }
        assert +collections.Counter(counts) == +unread, "each unread count equals its unread notifications"
        notes = {
            (item["pk"], stored.note_from_item(item).key): item for item in items.get("notification", [])
        }
        marked = collections.Counter(
            (item["pk"], item["note_key"]) for item in items.get("notification mark", [])
        )
        assert set(marked) <= set(notes), "every mark names a stored notification"
        for (pk, key), item in notes.items():
            repeat = stored.mark_key(stored.note_from_item(item))
            assert marked[(pk, key)] == (1 if repeat else 0), "one notification per favourite, follow"
        for user in self.users:
            listed, cursor = [], None
            while True:
                page = notifications.page(user, cursor=cursor, limit=7)
                listed += page.items
                if not page.next_cursor:
                    break
                cursor = page.next_cursor
            for note in listed:
                assert (user.pk, note.actor_id) not in self._blocks(), "none from someone blocked"
                if note.photo_id:
                    want = self.expected.photos.get(note.photo_id)
                    assert want is not None and self._may_see(user, want), (user, note)
                if note.album_id:  # an album's comment: no share link in a notification
                    want = self.expected.albums.get(note.album_id)
                    assert want is not None and want.comments_open, (user, note)
                    assert self._may_see_album(user, want, None), (user, note)
            shown_unread = sum(not note.read for note in listed)
            assert notifications.unread(user) == shown_unread
            assert notifications.unread_count(user) == shown_unread, "the bell agrees once read"
