"""Errors of the metadata store. Each one raised for a boto error keeps it as its cause
(`raise ... from error`), so the log shows what DynamoDB said. Those a person may meet carry
their answer (gallery.domain.errors); the others are bugs (a 500)."""

from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Conflict, Invalid, NoSuchAlbum, NoSuchPhoto, NotFound, Unavailable


class MetadataError(Exception):
    """Base class for errors of the metadata store."""


class MetadataUnavailable(MetadataError, Unavailable):
    """DynamoDB could not be reached or refused the request; the caller may retry later."""


class PhotoNotFound(MetadataError, NoSuchPhoto):
    pass


class PhotoAlreadyExists(MetadataError):
    """An item with this photo id exists already (ids are random, so this means a bug or a replay)."""


class PhotoChanged(MetadataError, Conflict):
    """The photo was changed or deleted by someone else since it was read; read it again."""

    code = "photo_changed"
    message = _("The photo was changed since you read it; read it again and retry.")


class InvalidCursor(MetadataError, Invalid):
    """A page cursor that we did not issue, or that belongs to another list."""

    code, field = "invalid_cursor", "cursor"
    message = _("That page link is not valid.")
    api_message = _("Not a cursor this list issued.")


class AlbumNotFound(MetadataError, NoSuchAlbum):
    pass


class AlbumChanged(MetadataError, Conflict):
    """The album was changed or deleted by someone else since it was read; read it again."""

    code = "album_changed"
    message = _("The album was changed meanwhile; read it again and retry.")


class AlreadyInAlbum(MetadataError, Conflict):
    """The photo is in this album already."""

    code = "already_in_album"
    message = _("The photo is in this album already.")


class NotInAlbum(MetadataError, NotFound):
    """The photo is not (or no longer) in this album."""

    code = "not_in_album"
    message = _("That photo is not in this album.")
