"""Photo metadata in DynamoDB: the only package in photoshare that speaks to DynamoDB.

One table (schema.py has its layout), split by job:

    errors.py        what callers catch
    schema.py        keys, the lists index, and the codec between domain records and items
    cursor.py        signed page cursors
    connection.py    settings, the per-thread boto3 client, boto errors -> MetadataUnavailable
    transactions.py  one TransactWriteItems request, and why it was cancelled
    retry.py         retrying transactions cancelled for a conflict, with jittered backoff
    counters.py      the tag and owner counts, updated after a photo's transaction
    repository.py    photo_repository(): what pages, the API and the admin read and write
    search.py        title search on the word lists: one Query a page, each photo once
    albums.py        album_repository(): albums, their entries and the photos' memberships
    positions.py     the sortable positions of photos in an album
    maintenance.py   whole-table jobs: reconcile's scans, init_aws, the health check
    consistency.py   whether cards and counters agree with the photo items, and their repair

The records (Photo, PhotoCard, Page, TagCount) are in gallery.domain.records, the list names in
gallery.domain.lists.
"""

from gallery.storage.dynamodb import consistency
from gallery.storage.dynamodb.albums import AlbumRepository, Membership, album_repository
from gallery.storage.dynamodb.connection import get_connection
from gallery.storage.dynamodb.errors import (
    AlbumChanged,
    AlbumNotFound,
    AlreadyInAlbum,
    InvalidCursor,
    MetadataError,
    MetadataUnavailable,
    NotInAlbum,
    PhotoAlreadyExists,
    PhotoChanged,
    PhotoNotFound,
)
from gallery.storage.dynamodb.maintenance import ensure_table, ping, purge_photo, scan_photos, scan_table
from gallery.storage.dynamodb.repository import PhotoRepository, photo_repository
from gallery.storage.dynamodb.schema import LISTS_INDEX, table_schema

__all__ = [
    "LISTS_INDEX",
    "AlbumChanged",
    "AlbumNotFound",
    "AlbumRepository",
    "AlreadyInAlbum",
    "InvalidCursor",
    "Membership",
    "MetadataError",
    "MetadataUnavailable",
    "NotInAlbum",
    "PhotoAlreadyExists",
    "PhotoChanged",
    "PhotoNotFound",
    "PhotoRepository",
    "album_repository",
    "consistency",
    "ensure_table",
    "get_connection",
    "photo_repository",
    "ping",
    "purge_photo",
    "scan_photos",
    "scan_table",
    "table_schema",
]
