"""Who may see and change a photo or an album: the one place these rules live (site, API and admin use them).

Pure rules, no HTTP and no storage: the `require_*` checks raise a domain error that
carries its answer (gallery.domain.errors; a hidden photo is a 404, like a missing one).
"""

import secrets

from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Forbidden, NoSuchAlbum, NoSuchPhoto
from gallery.domain.records import PUBLIC, READY, UNLISTED


class PhotoHidden(NoSuchPhoto):
    """The viewer may not see this photo: answered exactly as if it did not exist."""


class PhotoInTrash(NoSuchPhoto):
    """The owner's own photo is in their trash: a 404 like a missing photo (others get
    PhotoHidden), whose message tells the owner where it is."""

    code = "photo_in_trash"
    message = _("This photo is in your trash. Restore it from the trash to see or change it.")


class ChangeNotAllowed(Forbidden):
    """The viewer sees the photo but may not change it (it is someone else's)."""

    message = _("Only the owner can change this photo.")


# --- suspended accounts -------------------------------------------------------------------------
# Whose accounts staff suspended: a function of a set of user ids giving the suspended among them,
# installed by gallery.apps (gallery.services.suspensions reads the database; the domain does no
# I/O). Until then nobody is. Every "may see" below asks it, so a suspension hides the account's
# photos, comments and albums from every page and API answer at once.
_suspended_among = None


def install_suspensions(suspended_among):
    global _suspended_among
    _suspended_among = suspended_among


def suspended_among(user_ids):
    ids = {user_id for user_id in user_ids if user_id is not None}
    return set(_suspended_among(ids)) if ids and _suspended_among else set()


def is_suspended(user_id):
    return bool(suspended_among({user_id}))


def without_suspended(page):
    """A page of cards or albums without those of suspended owners (one question for the page)."""
    gone = suspended_among({getattr(item, "owner_id", None) for item in page.items})
    if not gone:
        return page
    return type(page)(
        items=[item for item in page.items if getattr(item, "owner_id", None) not in gone],
        next_cursor=page.next_cursor,
    )


def visible_to(photo, user_id):
    """Whether the user (None: nobody signed in) may see the photo or card: its owner always;
    everyone else a public one that is ready (cards are of ready photos only). A suspended
    account's photos are nobody's to see."""
    if is_suspended(photo.owner_id):
        return False
    if user_id is not None and user_id == photo.owner_id:
        return True
    return photo.visibility == PUBLIC and getattr(photo, "status", READY) == READY


def can_view(user, photo):
    """Public photos are for everyone; a private one only for its owner (staff use the admin),
    and so is one that is not ready yet (processing, or failed with its reason)."""
    return visible_to(photo, user.pk if user.is_authenticated else None)


def can_change(user, photo):
    return user.is_authenticated and (user.pk == photo.owner_id or user.is_staff)


def can_get_original(user, photo):
    """The uploaded file, with its EXIF (GPS included), is its owner's; others get it only when
    the owner chose to share it. Staff see it in the admin, not on the site."""
    return photo.share_original or (user.is_authenticated and user.pk == photo.owner_id)


def full_size_key(user, photo):
    """The key of the full-size file `user` gets from the pages and the API: the original (see
    can_get_original), else the copy without metadata; "" when there is none (photos stored
    before copies existed), and then only the display size is offered."""
    return photo.original_key if can_get_original(user, photo) else photo.shared_key


def require_view(user, photo):
    """The photo if `user` may see it: a photo in the trash is nobody's to see (its owner is
    told it is in their trash, everyone else that there is no such photo)."""
    if getattr(photo, "trashed_at", ""):
        is_owner = user.is_authenticated and user.pk == photo.owner_id
        raise PhotoInTrash(photo.id) if is_owner else PhotoHidden(photo.id)
    if not can_view(user, photo):
        raise PhotoHidden(photo.id)
    return photo


def require_change(user, photo):
    """The photo if `user` may change it; hidden ones stay hidden (PhotoHidden), others'
    public ones are refused (ChangeNotAllowed)."""
    require_view(user, photo)
    if not can_change(user, photo):
        raise ChangeNotAllowed(photo.id)
    return photo


# --- albums -------------------------------------------------------------------------------------
class AlbumHidden(NoSuchAlbum):
    """The viewer may not see this album: answered exactly as if it did not exist."""


class AlbumChangeNotAllowed(Forbidden):
    """The viewer sees the album but may not change it (it is someone else's)."""

    message = _("Only the owner can change this album.")


def is_album_owner(user, album):
    return user.is_authenticated and user.pk == album.owner_id


def has_share_token(album, token):
    """Whether `token` opens the album: only an unlisted album's current token does, so a new
    link or a change of visibility closes the old one at once."""
    return bool(
        token
        and album.visibility == UNLISTED
        and album.share_token
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 for any
        # `?token=é`; schemathesis found it on GET /api/albums/<id>/download/).
        and secrets.compare_digest(token.encode(errors="surrogatepass"), album.share_token.encode())
    )


def can_view_album(user, album, token=None):
    """The owner sees their albums and everyone the public ones, whatever link they came by (an
    old, wrong or empty one too); with the share link anyone sees an unlisted one (an unlisted
    album's own URL is the owner's)."""
    if is_suspended(album.owner_id):
        return False
    if album.visibility == PUBLIC or is_album_owner(user, album):
        return True
    return token is not None and has_share_token(album, token)


def require_album_view(user, album, token=None):
    if not can_view_album(user, album, token):
        raise AlbumHidden(album.id)
    return album


def require_album_change(user, album):
    """Only the owner changes an album (staff delete through the admin); others' hidden
    albums stay hidden (AlbumHidden), others' visible ones are refused."""
    require_album_view(user, album)
    if not is_album_owner(user, album):
        raise AlbumChangeNotAllowed(album.id)
    return album


def require_own_photo(user, photo):
    """Albums hold their owner's own photos only; someone else's photo is refused as a
    change of it would be (hidden if it is private)."""
    require_view(user, photo)
    if not (user.is_authenticated and user.pk == photo.owner_id):
        raise ChangeNotAllowed(photo.id)
    return photo
