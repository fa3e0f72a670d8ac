"""The API's JSON as Pydantic schemas: what /api/openapi.json says every operation takes and
answers. The operations build their JSON with gallery.api.serializers and parse bodies with
gallery.api.bodies (the one parser, the one owner of body errors); these classes describe that
JSON, and gallery/tests/api/test_openapi.py checks the answers against them."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from accounts.forms import TokenForm
from gallery.domain.limits import LIMITS
from gallery.web.forms import PhotoChangeForm

Visibility = Literal["public", "unlisted", "private"]


def _limited(limit, keyword="maxLength", **rules):
    """A field's limit, read from LIMITS (settings) when the document is made, and its other
    `rules`: what the site's forms refuse, said in the document, so that a client (or
    schemathesis) does not build a body the API answers with a 400."""
    return lambda schema: schema.update({keyword: getattr(LIMITS, limit)}, **rules)


# Not blank: the forms strip the text, and an empty required field is refused.
_SAID = r"\S"
Title = Annotated[str, Field(json_schema_extra=_limited("title_length", minLength=1, pattern=_SAID))]
Description = Annotated[str, Field(json_schema_extra=_limited("description_length"))]
# A tag as the site's rules take it (gallery.domain.tags): these letters, digits, "-" and "_"
# always are (others may be, Unicode letters among them).
Tag = Annotated[str, Field(json_schema_extra=_limited("tag_length", pattern=r"^[A-Za-z0-9_-]*$"))]
Tags = Annotated[list[Tag], Field(json_schema_extra=_limited("tag_count", "maxItems"))]
# The tags as typed on the site, separated by commas or white space.
TagsText = Annotated[
    str, Field(json_schema_extra=_limited("tags_text_length", pattern=r"^[A-Za-z0-9_,\s-]*$"))
]


def _optional_not_null(schema):
    # A field left out keeps its value (or the default); null is refused ("Must be a string.").
    for field in schema["properties"].values():
        if field.get("default", "") is None:
            del field["default"]


class Body(Schema):
    """A JSON request body as gallery.api.bodies reads it: no field it does not know
    (additionalProperties: false), and an optional field is left out, never null."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_optional_not_null)


class Error(Schema):
    """Every refusal: a sentence for a person and, when fields are at fault, their messages."""

    error: str = Field(description="For a person, in the caller's language.")
    errors: dict[str, list[str]] | None = Field(
        None, description="{field: [message, ...]} when fields are at fault."
    )


class Image(Schema):
    url: str
    width: int | None
    height: int | None


class Source(Image):
    """A size of the photo in a modern format, as <picture> offers it."""

    type: str = Field(description="Its content type (image/webp).")
    card: bool = Field(
        description="Cut to a card's shape (1:1 to 2.07:1, centred) for lists; else the whole photo."
    )


class File(Image):
    bytes: int | None
    content_type: str | None
    metadata: Literal["kept", "removed"] | None = None


class Card(Schema):
    """A photo in a list."""

    id: str
    title: str
    owner: str
    tags: list[str]
    visibility: Visibility
    created: str
    taken: str = Field(description="When it was taken: ISO 8601, with its offset when known.")
    month: str = Field(description="The month it was taken in, YYYY-MM (the timeline's headers).")
    url: str
    thumbnail: Image


class PhotoList(Schema):
    results: list[Card]
    next: str | None = Field(description="The next page's URL (its `cursor`), or null on the last page.")


class Follow(Schema):
    """Whether the caller follows the person now, and how many do."""

    username: str
    following: bool
    followers: int


class TrashedCard(Card):
    trashed_at: str = Field(description="When it was moved to the trash (ISO 8601, UTC).")
    purge_after: str = Field(description="After this instant the daily purge deletes it for good.")


class TrashList(Schema):
    results: list[TrashedCard]
    next: str | None = Field(description="The next page's URL (its `cursor`), or null on the last page.")


class Emptied(Schema):
    deleted: int = Field(description="How many photos were deleted for good.")


class Photo(Schema):
    """A photo on its own URL. While it is processing (or once it failed) only what its owner
    said of it, its status and why it failed; once ready, its files and details too."""

    id: str
    title: str
    description: str
    owner: str
    tags: list[str]
    visibility: Visibility
    created: str
    url: str
    status: Literal["processing", "ready", "failed"]
    reason: str | None = None
    thumbnail: Image | None = None
    page: str | None = None
    taken: str | None = None
    month: str | None = None
    camera: str | None = None
    lens: str | None = None
    exposure: str | None = None
    aperture: str | None = None
    focal_length: str | None = None
    iso: int | None = None
    favorite_count: int | None = None
    favorited: bool | None = None
    revision: int | None = None
    share_original: bool | None = None
    original: File | None = None
    full_size: File | None = None
    display: Image | None = None
    sources: list[Source] | None = Field(
        None,
        description="The sizes it has in a modern format, the whole photo's then the cards', each "
        "largest first; empty on a photo made before them until the site's backfill has run.",
    )


class Details(Body):
    """A photo's details as the site's form takes them, every one optional."""

    title: Title = None
    description: Description = None
    tags: Tags | TagsText = Field(None, description="A list, or the text the site's form takes.")
    visibility: Visibility = None
    share_original: bool = None


class PhotoDetails(Details):
    """The details of a photo that exists (a PATCH: only those sent change), when it was taken too."""

    taken: str = Field(
        None,
        max_length=PhotoChangeForm.base_fields["taken"].max_length,
        description="When it was taken: ISO 8601 date and time, with an optional offset.",
    )


class NewPhotoDetails(Details):
    """A new photo's details: its title is required."""

    title: Title


class Upload(Schema):
    """The photo's file (multipart/form-data) and its details."""

    image: bytes = Field(json_schema_extra={"format": "binary"})
    title: Title
    description: Description | None = None
    tags: TagsText | None = None
    visibility: Visibility | None = None
    share_original: bool | None = None


class Favorite(Schema):
    favorited: bool
    favorite_count: int


class Cover(Schema):
    photo_id: str
    thumbnail: Image


class Album(Schema):
    id: str
    title: str
    description: str
    visibility: Visibility
    comments_open: bool = Field(description="Whether whoever sees the album may read and write its comments.")
    owner: str
    created: str
    url: str
    page: str
    cover: Cover | None
    share_url: str | None = Field(description="Its owner's share link of an unlisted album; null otherwise.")


class AlbumPage(Album):
    photos: list[Card]
    next: str | None


class AlbumList(Schema):
    results: list[Album]
    next: str | None = Field(description="The next page's URL (its `cursor`), or null on the last page.")


class AlbumIn(Body):
    title: Title
    description: Description = None
    visibility: Visibility = None
    comments_open: bool = None


class AlbumChanges(Body):
    title: Title = None
    description: Description = None
    visibility: Visibility = None
    comments_open: bool = None


class AlbumPhoto(Body):
    photo_id: str


class AlbumMove(Body):
    direction: Literal["up", "down"] = Field(description="One place earlier (up) or later (down).")


class AlbumCover(Body):
    photo_id: str = Field(description="A photo of the album.")


class Moved(Schema):
    moved: bool = Field(description="False when the photo was at that end of the album already.")


class ShareLink(Schema):
    share_url: str | None


class Token(Schema):
    id: int
    name: str
    scope: Literal["read", "read_write"]
    created: str
    last_used: str | None


class NewToken(Token):
    key: str = Field(description="The secret: shown in this answer only.")


class TokenList(Schema):
    tokens: list[Token]


class TokenIn(Body):
    name: str = Field(min_length=1, max_length=TokenForm.base_fields["name"].max_length, pattern=_SAID)
    scope: Literal["read", "read_write"]


class DeleteAccountIn(Schema):
    password: str
    code: str | None = None  # the second factor's, when the user set one up


class AccountDeletion(Schema):
    """DELETE /api/me/'s answer: the account is marked; the worker deletes the rest."""

    status: Literal["deleting"]


class UploadIn(Schema):
    """What the client says of the file: advisory (S3 enforces the size, the worker the format),
    but a size over the limit is refused before any signing."""

    size: int | None = Field(None, ge=1, description="The file's size in bytes.")
    filename: str | None = Field(None, description="For the client's own bookkeeping; not stored.")


class SignedUpload(Schema):
    upload_id: str
    url: str
    fields: dict[str, str] = Field(description="POST them with the file (last, named `file`) to `url`.")


class Rotation(Schema):
    degrees: Literal[90, 180, 270] = Field(description="Clockwise.")


class MapPoint(Schema):
    """A geotagged photo of the caller's on their map."""

    id: str
    lat: float
    lon: float
    thumbnail_url: str


class DownloadIn(Schema):
    photo_ids: list[str] = Field(description="Photo ids (32 hex digits); those you may not see are left out.")


class ArchiveAccepted(Schema):
    """A zip the worker builds: poll `status_url`."""

    status: Literal["pending"]
    status_url: str


class ArchiveStatus(Schema):
    id: str
    kind: Literal["download", "export"]
    status: Literal["pending", "ready", "failed", "expired"]
    created: str
    url: str | None = Field(None, description="When ready: the zip, presigned until `expires`.")
    expires: str | None = None
    bytes: int | None = None


class BatchIn(Schema):
    """One action on many of the caller's photos (at most 500)."""

    action: Literal["trash", "restore", "add_to_album", "add_tags", "remove_tags", "set_visibility"]
    photo_ids: list[str] = Field(description="Up to 500 ids of the caller's photos.")
    album_id: str | None = Field(None, description="add_to_album: one of the caller's albums.")
    tags: list[str] | str | None = Field(None, description="add_tags, remove_tags: a list, or text as typed.")
    visibility: Literal["public", "private"] | None = Field(None, description="set_visibility.")


class BatchResults(Schema):
    results: dict[str, str] = Field(description='{photo id: "ok", or why not (for a person)}.')
