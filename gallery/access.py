"""Who may see and change a photo: the one place these rules live (site, API and admin use them)."""

from django.http import Http404

from gallery import metadata
from gallery.catalog import PUBLIC


def can_view(user, photo):
    """Public photos are for everyone; a private one only for its owner (staff use the admin)."""
    return photo.visibility == PUBLIC or (user.is_authenticated and user.pk == photo.owner_id)


def can_change(user, photo):
    return user.is_authenticated and (user.pk == photo.owner_id or user.is_staff)


def visible_photo(user, photo_id):
    """The photo, or Http404 when it does not exist or `user` may not see it: a private photo
    is indistinguishable from a missing one."""
    try:
        photo = metadata.photo_table().get_photo(photo_id)
    except metadata.PhotoNotFound:
        raise Http404("No such photo.") from None
    if not can_view(user, photo):
        raise Http404("No such photo.")
    return photo
