"""Comments on photos: write, edit, delete, read a page (gallery.storage.dynamodb.comments stores
them; gallery.domain.comments has their rules).

Who may read a photo's comments is who may see the photo (gallery.domain.access.require_view):
nothing is copied, so a photo turning private or going to the trash hides its comments at once,
and a restore brings them back. A reader does not see comments by people they blocked, nor any
by a suspended account or hidden by staff. A writer must be signed in, may see the photo, and
must not be blocked by its owner; @mentions link only existing users who did not block the writer.

An album's comments (its share page's, Immich-style shared-album activity) go through the same
functions with the album as their target: who reads and writes them is who may see the album
(its owner; the share link's holders while unlisted, `token`; everyone while public), and only
while its owner keeps `comments_open` on: closed, made private or its link replaced, the album
hides them at once (nothing is written), and they come back with it.

`after_comment` is the hook for notifications (gallery.services.notifications): it is called once
a comment is stored (and again after an edit, with `edited=True`) with the comment and the users
it mentions.
"""

import logging

from django.contrib.auth import get_user_model

from gallery.domain import access, clock
from gallery.domain import comments as rules
from gallery.domain.comments import (
    AlbumCommentingBlocked,
    Comment,
    CommentingBlocked,
    CommentNotYours,
    CommentsClosed,
)
from gallery.domain.errors import NoSuchAlbum, NoSuchPhoto
from gallery.domain.records import READY, Album
from gallery.services import blocks, notifications
from gallery.storage.dynamodb import PhotoNotFound, album_repository, photo_repository
from gallery.storage.dynamodb import comments as store

logger = logging.getLogger(__name__)


def after_comment(comment, photo, mentioned, *, edited=False):
    """Hook: a comment was stored (or edited) on `photo` (or an album). `mentioned` are the User
    objects it mentions."""
    notifications.commented(comment, photo, mentioned, edited=edited)


def _is_album(target):
    return isinstance(target, Album)


def require_read(user, target, token=None):
    """`target` (a photo or an album) if `user` may read its comments: they may see it (an
    album through its share link `token` too) and an album's comments are open."""
    if not _is_album(target):
        return access.require_view(user, target)
    access.require_album_view(user, target, token)
    if not target.comments_open:
        raise CommentsClosed(target.id)
    return target


def shown(user, album, token=None):
    """Whether the album's page shows its comments to `user` (open, and theirs to see)."""
    try:
        require_read(user, album, token)
    except (NoSuchAlbum, CommentsClosed):
        return False
    return True


def _where(target):
    return {"album_id": target.id} if _is_album(target) else {}


def page(user, target, *, cursor=None, limit=24, token=None):
    """(a page of the photo's or album's comments `user` may read, oldest first). The caller has
    checked that `user` may see `target` (photos.visible, albums.page)."""
    require_read(user, target, token)
    photo_id = "" if _is_album(target) else target.id
    found = store.comments_page(photo_id, cursor=cursor, limit=limit, **_where(target))
    hidden_authors = set(blocks.blocked_ids(user)) | access.suspended_among(c.author_id for c in found.items)
    shown = [c for c in found.items if rules.visible_comment(c, _id(user), hidden_authors)]
    return type(found)(items=shown, next_cursor=found.next_cursor)


def write(user, photo, text, *, token=None):
    """Store a new comment by `user` on `photo` or an album (which they may see; `token`: the
    album's share link); CommentingBlocked if its owner blocked them, CommentInvalid for empty
    or too long text, CommentsClosed for an album whose comments are off."""
    require_read(user, photo, token)
    is_album = _is_album(photo)
    if not is_album and photo.status != READY:  # its owner sees it processing: nothing to comment on yet
        raise PhotoNotFound(photo.id)
    text = rules.clean_text(text)
    if blocks.is_blocked(photo.owner_id, user):
        raise (AlbumCommentingBlocked if is_album else CommentingBlocked)(photo.id)
    mentioned = _mentions(user, text)
    now = clock.now()
    comment = Comment(
        photo_id="" if is_album else photo.id,
        album_id=photo.id if is_album else "",
        key=rules.new_key(now),
        author_id=user.pk,
        author=user.get_username(),
        text=text,
        created=clock.timestamp(lambda: now),
        mentions=tuple(person.get_username() for person in mentioned),
    )
    store.add_comment(comment)
    logger.info("user %s commented on %s %s", user.pk, "album" if is_album else "photo", photo.id)
    after_comment(comment, photo, mentioned)
    return comment


def find(user, comment_id):
    """(comment, photo) for `comment_id` if `user` may see both; NoSuchComment otherwise (a hidden
    photo's comments, a hidden comment, one by someone the reader blocked: as if missing)."""
    photo_id, key = rules.split_id(comment_id)
    try:
        photo = access.require_view(user, photo_repository().get_photo(photo_id))
    except NoSuchPhoto as error:  # missing, hidden or in the trash: so are its comments
        raise rules.NoSuchComment(comment_id) from error
    return _visible(user, store.get_comment(photo_id, key), photo)


def find_any(user, comment_id, *, token=None):
    """find's (comment, target) for a photo's or an album's comment (`token`: the album's share
    link, which its readers came through); NoSuchComment if `user` may not read it."""
    photo_id, album_id, key = rules.split_any(comment_id)
    if not album_id:
        return find(user, comment_id)
    try:
        album = require_read(user, album_repository().get_album(album_id), token)
    except (NoSuchAlbum, CommentsClosed) as error:  # hidden or closed: so are its comments
        raise rules.NoSuchComment(comment_id) from error
    return _visible(user, store.get_comment(photo_id, key, album_id), album)


def _visible(user, comment, target):
    hidden_authors = set(blocks.blocked_ids(user)) | access.suspended_among({comment.author_id})
    if not rules.visible_comment(comment, _id(user), hidden_authors):
        raise rules.NoSuchComment(comment.id)
    return comment, target


def edit(user, comment, photo, text):
    """The author changes the text; the comment is marked edited."""
    if comment.author_id != _id(user):
        raise CommentNotYours(comment.id)
    text = rules.clean_text(text)
    mentioned = _mentions(user, text)
    changed = store.update_comment(
        comment,
        text=text,
        edited=clock.timestamp(),
        mentions=tuple(person.get_username() for person in mentioned),
    )
    after_comment(changed, photo, mentioned, edited=True)
    return changed


def delete(user, comment, photo):
    """Its author or the photo's (album's) owner deletes a comment (idempotent)."""
    if not rules.can_delete(_id(user), comment, photo.owner_id):
        message = rules.ALBUM_DELETE_NOT_ALLOWED if _is_album(photo) else rules.DELETE_NOT_ALLOWED
        raise CommentNotYours(comment.id, message=message)
    store.delete_comment(comment)
    logger.info("user %s deleted comment %s", user.pk, comment.id)


def hide(comment):
    """Staff hide a comment (a report's action): shown to nobody, kept for the record."""
    return store.update_comment(comment, hidden=True)


def delete_any(comment):
    """Staff delete a comment (a report's action)."""
    store.delete_comment(comment)


def by_id(comment_id):
    """The comment, whoever may see it (staff, the admin); NoSuchComment if gone."""
    photo_id, album_id, key = rules.split_any(comment_id)
    return store.get_comment(photo_id, key, album_id)


def _mentions(user, text):
    """The users @mentioned in `text` who exist, are not the writer and did not block the writer."""
    names = rules.mentioned_names(text)
    if not names:
        return []
    people = list(get_user_model().objects.filter(username__in=names, is_active=True).exclude(pk=user.pk))
    refused = blocks.blockers_among([person.pk for person in people], user)
    return [person for person in people if person.pk not in refused]


def _id(user):
    return user.pk if user is not None and user.is_authenticated else None
