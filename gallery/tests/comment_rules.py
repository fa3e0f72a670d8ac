"""The invariant machine's comment rules (test_invariants.UseCases mixes them in): comment, edit
or delete a comment (its author, or the photo's owner), block and unblock. What must hold after
every step: the table's comment items are exactly those written and not deleted, of photos that
still exist (a photo deleted for good, purged or failed takes its comments); and each viewer
reads a photo's comments iff they may see the photo (its visibility and trash state decide,
so a restore brings them back), without those by people they blocked."""

from django.contrib.auth.models import AnonymousUser
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from gallery.domain.access import PhotoHidden, PhotoInTrash
from gallery.domain.comments import CommentingBlocked, NoSuchComment
from gallery.domain.records import PUBLIC, READY
from gallery.models import Block
from gallery.services import blocks, comments, photos
from gallery.storage.dynamodb import PhotoNotFound
from gallery.storage.dynamodb import comments as store
from gallery.tests import invariants

TEXTS = st.sampled_from(["nice", "@bob look", "<b>x</b> https://example.com", "좋아요"])


class CommentRules:
    """Needs self.expected (invariants.Expected) and self._pick, self._user (UseCases)."""

    @initialize()
    def nobody_blocked_yet(self):
        Block.objects.all().delete()  # the accounts database outlives an example
        self.written = {}  # comment id: (photo id, author id, text)
        self.blocked = set()  # (owner id, blocked id)

    def _blocks(self):
        """The blocks between current users (an erased account's went with it)."""
        present = {user.pk for user in self.users}
        return {pair for pair in self.blocked if set(pair) <= present}

    def _may_see(self, user, want):
        if want.trashed:
            return False
        return user.pk == want.owner.pk or (want.visibility == PUBLIC and want.status == READY)

    @precondition(lambda self: self.expected.photos)
    @rule(data=st.data(), writer=st.integers(0, 1), text=TEXTS)
    def comment(self, data, writer, text):
        photo_id = self._pick(data, self.expected.photos)
        user, want = self._user(writer), self.expected.photos[photo_id]
        try:
            photo = photos.visible(user, photo_id)
        except (PhotoHidden, PhotoInTrash):
            assert not self._may_see(user, want)
            return
        try:
            made = comments.write(user, photo, text)
        except CommentingBlocked:
            assert (want.owner.pk, user.pk) in self._blocks()
            return
        except PhotoNotFound:  # processing: the owner sees it, there is nothing to comment on yet
            assert want.status != READY
            return
        assert (want.owner.pk, user.pk) not in self._blocks()
        self.written[made.id] = (photo_id, user.pk, made.text)

    @precondition(lambda self: self.__dict__.get("written"))
    @rule(data=st.data(), by_owner=st.booleans(), edit=st.booleans())
    def change_a_comment(self, data, by_owner, edit):
        comment_id = self._pick(data, self.written)
        photo_id, author_id, _ = self.written[comment_id]
        want = self.expected.photos.get(photo_id)
        if want is None:  # its photo was deleted for good, and the comment with it
            del self.written[comment_id]
            return
        author = next((u for u in self.users if u.pk == author_id), None)
        if author is None:  # its author's account was deleted, and the comment with it
            del self.written[comment_id]
            return
        user = want.owner if by_owner else author
        try:
            comment, photo = comments.find(user, comment_id)
        except NoSuchComment:
            assert not self._may_see(user, want) or (user.pk, author_id) in self._blocks()
            return
        if edit and user.pk == author_id:
            comments.edit(user, comment, photo, "edited text")
            self.written[comment_id] = (photo_id, author_id, "edited text")
        else:
            comments.delete(user, comment, photo)
            del self.written[comment_id]

    def alive_comments(self):
        """{comment id: (photo id, author id, text)} of the comments that must be stored."""
        if "written" not in self.__dict__:
            return {}
        users = {user.pk for user in self.users}
        return {cid: w for cid, w in self.written.items() if w[0] in self.expected.photos and w[1] in users}

    @rule(owner=st.integers(0, 1), block=st.booleans())
    def block_the_other(self, owner, block):
        user, other = self._user(owner), self._user(owner + 1)
        if block:
            blocks.block(user, other)
            self.blocked.add((user.pk, other.pk))
        else:
            blocks.unblock(user, other)
            self.blocked.discard((user.pk, other.pk))

    @invariant()
    def comments_are_where_they_belong(self):
        if "written" not in self.__dict__:
            return
        # Comments go with their photo and with their author's account.
        alive = self.alive_comments()
        stored = {}
        for item in invariants.table_by_kind().get("comment", []):
            comment = store.comment_from_item(item)
            stored[comment.id] = (comment.photo_id, comment.author_id, comment.text)
            # In its author's list: the data export reads it there (comments.json).
            assert (item.get("list_pk"), item.get("list_sk")) == tuple(
                store.author_list_key(comment).values()
            )
        assert stored == alive, "the stored comments are those written, of existing photos and authors"
        for viewer in [AnonymousUser(), *self.users]:
            viewer_id = viewer.pk if viewer.is_authenticated else None
            for photo_id, want in self.expected.photos.items():
                try:
                    photo = photos.visible(viewer, photo_id)
                    shown = {c.id for c in comments.page(viewer, photo, limit=100).items}
                except (PhotoHidden, PhotoInTrash, PhotoNotFound):
                    assert not self._may_see(viewer, want), (viewer, photo_id)
                    continue
                expect = {
                    cid
                    for cid, (pid, author_id, _) in alive.items()
                    if pid == photo_id and (viewer_id, author_id) not in self._blocks()
                }
                assert shown == expect, (viewer, photo_id)
