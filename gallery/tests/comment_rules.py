"""The invariant machine's comment rules (test_invariants.UseCases mixes them in): comment, edit
or delete a comment (its author, or the photo's owner), block and unblock. What must hold after
every step: the table's comment items are exactly those written and not deleted, of photos that
still exist (a photo deleted for good, purged or failed takes its comments); and each viewer
reads a photo's comments iff they may see the photo (its visibility and trash state decide,
so a restore brings them back), without those by people they blocked. The same of albums'
comments (their share pages'): written by whoever sees the album while its owner keeps them
open, gone with the album or the author, and read by a viewer (with or without the album's
current share link) iff the album is theirs to see and its comments are open."""

from django.contrib.auth.models import AnonymousUser
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from gallery.domain.access import AlbumHidden, PhotoHidden, PhotoInTrash
from gallery.domain.comments import AlbumCommentingBlocked, CommentingBlocked, CommentsClosed, NoSuchComment
from gallery.domain.records import PUBLIC, READY, UNLISTED
from gallery.models import Block
from gallery.services import albums, blocks, comments, photos
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
        self.album_written = {}  # comment id: (album id, author id, text)
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

    def alive_album_comments(self):
        """{comment id: (album id, author id, text)} of the albums' comments that must be stored."""
        if "album_written" not in self.__dict__:
            return {}
        users = {user.pk for user in self.users}
        return {
            cid: w for cid, w in self.album_written.items() if w[0] in self.expected.albums and w[1] in users
        }

    # --- albums' comments ---------------------------------------------------------------------
    def _may_see_album(self, user, want, token):
        if user.is_authenticated and user.pk == want.owner.pk:
            return True
        return want.visibility == PUBLIC or (want.visibility == UNLISTED and token and token == want.token)

    @precondition(lambda self: self.expected.albums)
    @rule(data=st.data(), open_them=st.booleans())
    def switch_album_comments(self, data, open_them):
        album_id = self._pick(data, self.expected.albums)
        want = self.expected.albums[album_id]
        album = albums.edit(albums.changeable(want.owner, album_id), comments_open=open_them)
        want.comments_open, want.token = open_them, album.share_token

    @precondition(lambda self: self.expected.albums)
    @rule(data=st.data(), writer=st.integers(0, 1), with_link=st.booleans(), text=TEXTS)
    def comment_on_album(self, data, writer, with_link, text):
        album_id = self._pick(data, self.expected.albums)
        user, want = self._user(writer), self.expected.albums[album_id]
        token = want.token if with_link else None
        try:
            album = albums.visible(user, album_id, token)
            made = comments.write(user, album, text, token=token)
        except AlbumHidden:
            assert not self._may_see_album(user, want, token)
            return
        except CommentsClosed:
            assert not want.comments_open
            return
        except AlbumCommentingBlocked:
            assert (want.owner.pk, user.pk) in self._blocks()
            return
        assert self._may_see_album(user, want, token) and want.comments_open
        assert (want.owner.pk, user.pk) not in self._blocks()
        self.album_written[made.id] = (album_id, user.pk, made.text)

    @precondition(lambda self: self.__dict__.get("album_written"))
    @rule(data=st.data(), by_owner=st.booleans(), edit=st.booleans())
    def change_an_album_comment(self, data, by_owner, edit):
        comment_id = self._pick(data, self.album_written)
        album_id, author_id, _ = self.album_written[comment_id]
        want = self.expected.albums.get(album_id)
        author = next((u for u in self.users if u.pk == author_id), None)
        if want is None or author is None:  # gone with its album or its author's account
            del self.album_written[comment_id]
            return
        user = want.owner if by_owner else author
        token = want.token or None
        try:
            comment, album = comments.find_any(user, comment_id, token=token)
        except NoSuchComment:
            readable = self._may_see_album(user, want, token) and want.comments_open
            assert not readable or (user.pk, author_id) in self._blocks()
            return
        if edit and user.pk == author_id:
            comments.edit(user, comment, album, "edited text")
            self.album_written[comment_id] = (album_id, author_id, "edited text")
        else:
            comments.delete(user, comment, album)
            del self.album_written[comment_id]

    @invariant()
    def album_comments_are_where_they_belong(self):
        if "album_written" not in self.__dict__:
            return
        alive = self.alive_album_comments()
        stored = {}
        for item in invariants.table_by_kind().get("album comment", []):
            comment = store.comment_from_item(item)
            stored[comment.id] = (comment.album_id, comment.author_id, comment.text)
            assert (item.get("list_pk"), item.get("list_sk")) == tuple(
                store.author_list_key(comment).values()
            )
        assert stored == alive, "the stored album comments are those written, of existing albums and authors"
        for viewer in [AnonymousUser(), *self.users]:
            viewer_id = viewer.pk if viewer.is_authenticated else None
            for album_id, want in self.expected.albums.items():
                for token in {None, want.token or None}:
                    try:
                        album = albums.visible(viewer, album_id, token)
                        shown = {c.id for c in comments.page(viewer, album, token=token, limit=100).items}
                    except (AlbumHidden, CommentsClosed):
                        assert not (self._may_see_album(viewer, want, token) and want.comments_open)
                        continue
                    assert self._may_see_album(viewer, want, token) and want.comments_open
                    expect = {
                        cid
                        for cid, (aid, author_id, _) in alive.items()
                        if aid == album_id and (viewer_id, author_id) not in self._blocks()
                    }
                    assert shown == expect, (viewer, album_id, token)

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
                    photo = invariants.visible_photo(viewer, photo_id)
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
