"""The use cases of an album: create, find (by its owner, by everyone, through its share link),
edit, set its cover, add, remove and reorder photos, make a new share link, delete.

Who may do what is gallery.domain.access; the keys and transactions are gallery.storage.dynamodb.albums.
Views and the API call these with validated data and let gallery.web.errors answer what they raise.
"""

import logging
import secrets

from django.utils.translation import gettext as _

from gallery.domain import access, lists, records
from gallery.domain.clock import timestamp
from gallery.domain.errors import Invalid
from gallery.domain.ids import new_album_id
from gallery.domain.limits import LIMITS
from gallery.domain.records import FAILED, READY, UNLISTED, Album
from gallery.services.photos import PhotoNotReady
from gallery.storage.dynamodb import (
    AlbumChanged,
    NotInAlbum,
    PhotoNotFound,
    album_repository,
    photo_repository,
)
from gallery.storage.dynamodb import comments as stored_comments

logger = logging.getLogger(__name__)

# 32 bytes of randomness, URL-safe: as strong as the API tokens.
SHARE_TOKEN_BYTES = 32


class AlbumRefused(Invalid):
    """A change of an album that its rules forbid; the message says why."""

    code = "album_refused"

    def __init__(self, message):
        super().__init__(message, message=message)


def new_share_token():
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def create(owner, *, title, description="", visibility=records.PRIVATE, comments_open=False, clock=None):
    album = Album(
        id=new_album_id(),
        owner_id=owner.pk,
        owner_username=owner.get_username(),
        title=title,
        description=description,
        visibility=visibility,
        share_token=new_share_token() if visibility == UNLISTED else "",
        comments_open=comments_open,
        created=timestamp(clock),
    )
    album_repository().create_album(album)
    logger.info("created album %s by user %s", album.id, owner.pk)
    return album


def albums_of(user, *, cursor=None, limit=None):
    """A page of the user's own albums, newest first (one Query)."""
    list_name = lists.owner_albums_list(user.pk)
    return album_repository().albums_page(list_name, cursor=cursor, limit=limit or LIMITS.page_size)


def public_albums_of(person, *, cursor=None, limit=None):
    """A page of `person`'s public albums, newest first: what everyone, the owner included,
    sees on their page (unlisted and private albums are not listed anywhere but the owner's list)."""
    return album_repository().albums_page_with_visibility(
        lists.owner_albums_list(person.pk), records.PUBLIC, cursor=cursor, limit=limit or LIMITS.page_size
    )


def photos_to_add(user, album, *, cursor=None, limit=None):
    """A page of `user`'s photos, newest first, for the album's "Add photos" page, and the ids of
    those already in `album` (shown as such, not as something to add): one Query, one BatchGetItem."""
    list_name = lists.owner_list(user.pk)
    photos_page = photo_repository().list_page(list_name, cursor=cursor, limit=limit or LIMITS.page_size)
    in_album = album_repository().photos_in_album(album.id, [card.id for card in photos_page.items])
    return photos_page, in_album


def page(user, album_id, *, token=None, cursor=None, limit=None):
    """The album and a page of the photos `user` sees in it, in album order; `token` is the
    share link's. Raises AlbumNotFound, or access.AlbumHidden (both answered "no such album")."""
    album_page = album_repository().album_page(album_id, cursor=cursor, limit=limit or LIMITS.page_size)
    album = access.require_album_view(user, album_page.album, token)
    insider = access.is_album_owner(user, album) or access.has_share_token(album, token)
    return records.AlbumPage(
        album=album,
        items=lists.album_cards(album_page.items, insider=insider),
        next_cursor=album_page.next_cursor,
    )


def shared_photo(user, album_id, token, photo_id):
    """A photo as seen through an album's share link: (album, photo). The photo's own page
    would hide a private photo; its album's link shares it. One BatchGetItem."""
    album, photo, _membership = shared_photo_and_place(user, album_id, token, photo_id)
    return album, photo


def shared_photo_and_place(user, album_id, token, photo_id):
    """shared_photo's (album, photo) and the photo's Membership in the album (its place)."""
    album, photo, membership = album_repository().album_and_photo(album_id, photo_id)
    access.require_album_view(user, album, token)
    if photo is None or membership is None or photo.status != READY or photo.trashed_at:
        raise NotInAlbum(photo_id)
    return album, photo, membership


def visible(user, album_id, token=None):
    """The album if `user` may see it at its own URL (or through its share link's `token`);
    raises AlbumNotFound or AlbumHidden."""
    return access.require_album_view(user, album_repository().get_album(album_id), token)


def changeable(user, album_id):
    """The album if `user` may change it; raises AlbumNotFound, AlbumHidden or AlbumChangeNotAllowed."""
    return access.require_album_change(user, album_repository().get_album(album_id))


def edit(album, *, revision=None, **changes):
    """Change title, description or visibility; returns the new Album. Becoming unlisted makes a
    share link; leaving unlisted drops it, so coming back later does not revive an old link.
    `revision` is the one the user saw (the edit form's): AlbumChanged when the album has moved
    on since, as when it changes between this read and the write."""
    if revision is not None and revision != album.revision:
        raise AlbumChanged(album.id)
    visibility = changes.get("visibility", album.visibility)
    if visibility != UNLISTED:
        changes["share_token"] = ""
    elif not album.share_token or album.visibility != UNLISTED:
        changes["share_token"] = new_share_token()
    updated = album_repository().save_album(album, **changes)
    logger.info("edited album %s (%s)", album.id, ", ".join(sorted(changes)))
    return updated


def new_share_link(album):
    """A new share token: the old link answers 404 from now on."""
    if album.visibility != UNLISTED:
        raise AlbumRefused(_("Only an unlisted album has a share link; make it unlisted first."))
    updated = album_repository().save_album(album, share_token=new_share_token())
    logger.info("new share link for album %s", album.id)
    return updated


def add_photo(user, album, photo_id):
    """Append one of `user`'s ready photos to `album` (which `user` may change). Raises
    dynamodb.PhotoNotFound, access.PhotoHidden or ChangeNotAllowed (not theirs),
    photos.PhotoNotReady (still processing: add it once it is ready), AlbumRefused (it failed,
    or is in too many albums), AlreadyInAlbum, PhotoChanged.

    Only ready photos join (the transaction is conditional on the revision read, so on the
    status read): an album holds what its pages can show, and the worker's write of a
    processing photo never meets an album change."""
    table = album_repository()
    photo, memberships = table.photo_memberships(photo_id)
    require_may_join(user, album, photo, memberships)
    table.add_photo(album, photo)
    logger.info("added photo %s to album %s", photo.id, album.id)
    return photo


def require_may_join(user, album, photo, album_ids):
    """The rules of a photo joining `album` (the batch actions ask them too), given the ids of
    the albums it is in: the user's own, ready (not failed), in not too many albums."""
    access.require_own_photo(user, photo)
    if photo.status == FAILED:
        raise AlbumRefused(_("This photo could not be processed, so it cannot go into an album."))
    if photo.status != READY:
        raise PhotoNotReady(photo.id)
    if album.id not in album_ids and len(album_ids) >= lists.MAX_ALBUMS_PER_PHOTO:
        raise AlbumRefused(
            _("A photo can be in at most %(count)d albums.") % {"count": lists.MAX_ALBUMS_PER_PHOTO}
        )
    return photo


def remove_photo(album, photo_id):
    """Take a photo out of the album (the photo stays). Raises NotInAlbum or PhotoChanged."""
    photo, membership = _placed(album, photo_id)
    album_repository().remove_photo(album, photo, membership)
    logger.info("removed photo %s from album %s", photo_id, album.id)


def move(album, photo_id, *, up):
    """Move a photo one place earlier (`up`) or later; False when it is at that end already."""
    photo, membership = _placed(album, photo_id)
    return album_repository().move_photo(album, photo, membership, up=up)


def set_cover(album, photo_id):
    """Make a photo of the album its cover; returns the new Album."""
    photo, membership = _placed(album, photo_id)
    old_cover = None
    if album.cover_photo_id and album.cover_photo_id != photo_id:
        try:
            old_cover = _placed(album, album.cover_photo_id)
        except NotInAlbum:
            old_cover = None  # the mark went with the photo
    return album_repository().set_cover(album, photo, membership, old_cover)


def delete(album):
    """Delete the album, then its comments (a crash between: reconcile removes them); its photos
    stay where they are."""
    album_repository().delete_album(album)
    stored_comments.follow_album_delete(album.id)
    logger.info("deleted album %s", album.id)


def _placed(album, photo_id):
    """(photo, membership) of a photo in the album; NotInAlbum otherwise."""
    try:
        photo, memberships = album_repository().photo_memberships(photo_id)
    except PhotoNotFound:
        raise NotInAlbum(photo_id) from None
    if album.id not in memberships or photo.trashed_at:  # in the trash: in no album's page
        raise NotInAlbum(photo_id)
    return photo, memberships[album.id]
