"""Who may see and change a photo: the one place these rules live (site, API and admin use them).

Pure rules, no HTTP and no storage: the `require_*` checks raise a domain error that
gallery.errors turns into a response (a hidden photo is a 404, like a missing one).
"""

from gallery.catalog import visible_to


class PhotoHidden(Exception):
    """The viewer may not see this photo: answered exactly as if it did not exist."""


class ChangeNotAllowed(Exception):
    """The viewer sees the photo but may not change it (it is someone else's)."""


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
