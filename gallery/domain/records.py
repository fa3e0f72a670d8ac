"""What a photo and an album are: the records every layer passes around, and their states.

No Django (but the lazy translation of the choices' labels), no boto3. Which lists a record is
in is gallery.domain.lists; tags are gallery.domain.tags; who sees what is gallery.domain.access.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gallery.domain.exif_facts import ExifFacts

PUBLIC = "public"
PRIVATE = "private"
UNLISTED = "unlisted"  # albums only: whoever has the share link
# A photo uploaded straight to S3 is "processing" until the worker has checked it and made its
# sizes (gallery.services.photos.process_upload), then "ready" or "failed". Only a ready photo is in a list.
READY = "ready"
PROCESSING = "processing"
FAILED = "failed"
VISIBILITY_CHOICES = [(PUBLIC, _("Everyone")), (PRIVATE, _("Only me"))]
ALBUM_VISIBILITY_CHOICES = [
    (PUBLIC, _("Everyone")),
    (UNLISTED, _("Anyone with the share link")),
    (PRIVATE, _("Only me")),
]


@dataclass(frozen=True)
class PhotoCard:
    """What a list page shows of a photo."""

    id: str
    title: str
    owner_id: int
    owner_username: str
    tags: list
    created: str
    thumbnail_key: str
    thumbnail_width: int
    thumbnail_height: int
    display_key: str = ""  # empty on photos stored before display sizes existed
    display_width: int = 0
    display_height: int = 0
    visibility: str = PUBLIC
    # When it was taken (gallery.domain.taken; ExifFacts declares it for the photo, whose field
    # this is): the timeline's month headers read it from the card.
    taken: str = ""
    # The modern-format sizes (gallery.imaging.renditions.SOURCES) that exist, the viewer's then
    # the cards' (cropped), each largest first, as {"key", "type", "width", "height", "card"}
    # ("card" missing on sizes made before cards had their own): what <picture> offers. Empty on
    # photos made before them until `manage.py backfill_renditions` has run: pages then offer the
    # JPEG sizes alone.
    sources: list = field(default_factory=list)


@dataclass(frozen=True)
class Photo(ExifFacts, PhotoCard):
    """A photo: its card, how it was taken (the fields of ExifFacts, declared there: empty on
    photos stored before they existed), and the rest below."""

    description: str = ""
    original_key: str = ""
    original_content_type: str = ""
    original_bytes: int = 0
    width: int = 0
    height: int = 0
    thumbnail_content_type: str = "image/jpeg"
    revision: int = 0  # bumped by every edit; edits and deletes are conditional on it
    updated: str = ""
    status: str = READY
    failure_reason: str = ""  # why a "failed" photo failed, in words for its owner
    upload_key: str = ""  # uploads/...: the bytes as sent, while the photo is processing
    # The full-size copy without metadata that others download (empty on photos stored before
    # copies existed: others then get the display size only), and the owner's choice to share
    # the original file (GPS and all) instead. gallery.domain.access.full_size_key decides.
    shared_key: str = ""
    shared_content_type: str = ""
    shared_bytes: int = 0
    share_original: bool = False
    # Degrees the owner turned the photo clockwise (0, 90, 180, 270): its sizes and full-size copy
    # are made from the original turned so; the original itself is never changed.
    rotation: int = 0
    # Where it was taken, from the file's GPS ("48.858333", "2.294444"; "" when not written): its
    # owner's alone, for their map. On no card but the owner's PLACES# one (gallery.domain.lists).
    latitude: str = ""
    longitude: str = ""
    # In its owner's trash since `trashed_at` (empty: not in the trash), purged for good once
    # past `purge_after` (gallery.services.trash); both times as gallery.domain.clock writes them.
    trashed_at: str = ""
    purge_after: str = ""

    @property
    def in_trash(self):
        return bool(self.trashed_at)

    @property
    def object_keys(self):
        """Every S3 key the photo names (original and each stored size): a field per key, so a
        new size is named here, deleted with the photo and known to reconcile without more code;
        and each of its sources."""
        return [
            getattr(self, name)
            for name in self.__dataclass_fields__
            if name.endswith("_key") and getattr(self, name)
        ] + [source["key"] for source in self.sources]

    @property
    def card(self):
        return PhotoCard(**{name: getattr(self, name) for name in PhotoCard.__dataclass_fields__})


@dataclass(frozen=True)
class TrashedCard:
    """A photo in its owner's trash as the trash list shows it: its card, when it was trashed
    and the instant after which the purge removes it for good (clock text, UTC)."""

    card: PhotoCard
    trashed_at: str
    purge_after: str

    @property
    def id(self):
        return self.card.id


@dataclass(frozen=True)
class Page:
    items: list = field(default_factory=list)
    next_cursor: str | None = None


@dataclass(frozen=True)
class FavoriteState:
    """How many people favourited a photo, and whether the viewer is one of them."""

    count: int = 0
    favorited: bool = False


@dataclass(frozen=True)
class Album:
    """An album: its own details and the thumbnail of its cover (copied, so that a list of
    albums is one Query). Photos are entries of the album, in gallery.storage.dynamodb."""

    id: str
    owner_id: int
    owner_username: str
    title: str
    created: str
    description: str = ""
    visibility: str = PRIVATE
    share_token: str = ""  # set while the album is unlisted; a new one kills the old link
    comments_open: bool = False  # its owner lets whoever sees it comment (and read the comments)
    cover_photo_id: str = ""
    cover_thumbnail_key: str = ""
    cover_thumbnail_width: int = 0
    cover_thumbnail_height: int = 0
    # The cover photo's `sources` (PhotoCard), copied with its thumbnail: its WebP <picture>.
    cover_sources: list = field(default_factory=list)
    revision: int = 1  # bumped by every change; changes and deletes are conditional on it
    updated: str = ""


@dataclass(frozen=True)
class AlbumPage:
    """One page of an album: the album and the cards of its photos, in the album's order."""

    album: Album
    items: list = field(default_factory=list)
    next_cursor: str | None = None


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int
