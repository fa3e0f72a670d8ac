"""Errors of the metadata store. Each one raised for a boto error keeps it as its cause
(`raise ... from error`), so the log shows what DynamoDB said."""


class MetadataError(Exception):
    """Base class for errors of the metadata store."""


class MetadataUnavailable(MetadataError):
    """DynamoDB could not be reached or refused the request; the caller may retry later."""


class PhotoNotFound(MetadataError):
    pass


class PhotoAlreadyExists(MetadataError):
    """An item with this photo id exists already (ids are random, so this means a bug or a replay)."""


class PhotoChanged(MetadataError):
    """The photo was changed or deleted by someone else since it was read; read it again."""


class InvalidCursor(MetadataError):
    """A page cursor that we did not issue, or that belongs to another list."""


class AlbumNotFound(MetadataError):
    pass


class AlbumChanged(MetadataError):
    """The album was changed or deleted by someone else since it was read; read it again."""


class AlreadyInAlbum(MetadataError):
    """The photo is in this album already."""


class NotInAlbum(MetadataError):
    """The photo is not (or no longer) in this album."""
