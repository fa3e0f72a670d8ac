"""/api/albums/: create, read (with its photos in order), edit, add, remove and move photos,
set the cover, a new share link or none, delete (docs/api.md): what the site's album pages do,
through the same gallery.services.albums. Validated by the site's AlbumForm; answered by
gallery.web.errors."""

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Router
from ninja.decorators import decorate_view

from gallery.api import form_errors, schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, require_types
from gallery.api.openapi import extra, responses
from gallery.api.revisions import etag, if_match_revision
from gallery.api.serializers import album_json, card_json
from gallery.domain import access
from gallery.domain.records import PRIVATE, UNLISTED
from gallery.services import albums
from gallery.storage.dynamodb import AlbumChanged
from gallery.web.errors import ApiError
from gallery.web.forms import AlbumForm
from gallery.web.paging import next_url, page_of
from gallery.web.views.albums import share_url

ALBUM_FIELDS = ("title", "description", "visibility", "comments_open")
_ALBUM_BOOLEANS = {"comments_open"}


router = Router(tags=["albums"])
# What an answer holding an album's id leads to (the document's links).
ALBUM_ID = {"album_id": "$response.body#/id"}
ALBUM_LINKS = {
    name: ALBUM_ID
    for name in ("get_album", "edit_album", "add_album_photo", "set_album_cover", "new_album_share_link",
                 "revoke_album_share_link", "delete_album")
}  # fmt: skip
SECRET = decorate_view(never_cache)  # answers with the share link, a secret


@router.post(
    "/albums/",
    url_name="albums",
    response=responses({201: schemas.Album}, 400, 401, 403),
    openapi_extra=extra(body=schemas.AlbumIn, headers={201: ["Location"]}, links={201: ALBUM_LINKS}),
)
@SECRET
def create_album(request):
    require_login(request)
    form = AlbumForm(require_types(json_object(request, ALBUM_FIELDS), _ALBUM_BOOLEANS))
    if not form.is_valid():
        raise form_errors.invalid(form)
    album = albums.create(request.api_user, **form.cleaned_data)
    response = JsonResponse(album_json(request, album, share_url(request, album)), status=201)
    response["Location"] = reverse("api:album", args=[album.id])
    return response


@router.get("/albums/", response=responses({200: schemas.AlbumList}, 400, 401))
@SECRET
def list_albums(request, cursor: str | None = None):
    """The caller's own albums, newest first, a page at a time (`next`): what select mode's
    "Add to album" offers (static/js/select.js fetches it when select mode opens)."""
    require_login(request)
    page = page_of(request, albums.albums_of, request.api_user)
    results = [album_json(request, album, share_url(request, album)) for album in page.items]
    return JsonResponse({"results": results, "next": next_url(request, page.next_cursor)})


@router.get(
    "/albums/{id:album_id}/",
    url_name="album",
    response=responses({200: schemas.AlbumPage}, 400, 404),
    openapi_extra=extra(public=True, headers={200: ["ETag"]}),
)
@SECRET
def get_album(request, album_id: str, cursor: str | None = None):
    """The album and a page of its photos in album order (`next`: the next page's URL)."""
    page = page_of(request, albums.page, request.api_user, album_id)
    body = album_json(request, page.album, _owners_share_url(request, page.album))
    body["photos"] = [card_json(request, card) for card in page.items]
    body["next"] = next_url(request, page.next_cursor)
    response = JsonResponse(body)
    response["ETag"] = etag(page.album)
    return response


@router.delete("/albums/{id:album_id}/", response=responses({204: None}, 401, 403, 404))
@SECRET
def delete_album(request, album_id: str):
    """Delete the album; its photos stay."""
    albums.delete(_changeable(request, album_id))
    return HttpResponse(status=204)


@router.patch(
    "/albums/{id:album_id}/",
    response=responses({200: schemas.Album}, 400, 401, 403, 404, 409),
    openapi_extra=extra(body=schemas.AlbumChanges, headers={200: ["ETag"]}, if_match=True),
)
@SECRET
def edit_album(request, album_id: str):
    """Change the fields sent (title, description, visibility, comments_open), on the revision of If-Match
    (else the one just read). Becoming unlisted makes a share link; leaving unlisted drops it."""
    album = _changeable(request, album_id)
    revision = if_match_revision(request, album, AlbumChanged)
    changes = json_object(request, ALBUM_FIELDS, _("This field cannot be changed."))
    changes = require_types(changes, _ALBUM_BOOLEANS)
    # The site's form over the album as it is: what is not sent stays.
    form = AlbumForm({**AlbumForm.for_album(album).initial, **changes})
    if not form.is_valid():
        raise form_errors.invalid(form)
    edited = albums.edit(album, revision=revision, **{name: form.cleaned_data[name] for name in changes})
    return _album_response(request, edited)


@router.put(
    "/albums/{id:album_id}/cover/",
    url_name="album_cover",
    response=responses({200: schemas.Album}, 400, 401, 403, 404, 409),
    openapi_extra=extra(body=schemas.AlbumCover, headers={200: ["ETag"]}),
)
@SECRET
def set_album_cover(request, album_id: str):
    """Make a photo of the album its cover."""
    album = _changeable(request, album_id)
    return _album_response(request, albums.set_cover(album, _photo_id(request)))


@router.post(
    "/albums/{id:album_id}/photos/{id:photo_id}/move/",
    url_name="album_photo_move",
    response=responses({200: schemas.Moved}, 400, 401, 403, 404, 409),
    openapi_extra=extra(body=schemas.AlbumMove),
)
def move_album_photo(request, album_id: str, photo_id: str):
    """Move a photo one place earlier (up) or later (down); `moved` is false at that end already."""
    album = _changeable(request, album_id)
    direction = json_object(request, ("direction",)).get("direction")
    if direction not in ("up", "down"):
        raise ApiError(400, errors={"direction": [_("Send “up” or “down”.")]})
    return JsonResponse({"moved": albums.move(album, photo_id, up=direction == "up")})


@router.post(
    "/albums/{id:album_id}/photos/",
    url_name="album_photos",
    response=responses({201: schemas.Card}, 400, 401, 403, 404, 409),
    openapi_extra=extra(
        body=schemas.AlbumPhoto,
        links={
            201: {
                name: {"album_id": "$request.path.album_id", "photo_id": "$response.body#/id"}
                for name in ("move_album_photo", "remove_album_photo")
            }
        },
    ),
)
def add_album_photo(request, album_id: str):
    """Append one of the caller's ready photos to the album."""
    album = _changeable(request, album_id)
    photo = albums.add_photo(request.api_user, album, _photo_id(request))
    return JsonResponse(card_json(request, photo.card), status=201)


@router.delete(
    "/albums/{id:album_id}/photos/{id:photo_id}/",
    url_name="album_photo",
    response=responses({204: None}, 401, 403, 404, 409),
)
def remove_album_photo(request, album_id: str, photo_id: str):
    """Take the photo out of the album (the photo stays)."""
    albums.remove_photo(_changeable(request, album_id), photo_id)
    return HttpResponse(status=204)


@router.post(
    "/albums/{id:album_id}/share/",
    url_name="album_share",
    response=responses({200: schemas.ShareLink}, 400, 401, 403, 404),
)
@SECRET
def new_album_share_link(request, album_id: str):
    """A new share link for an unlisted album: the old one stops working."""
    album = albums.new_share_link(_changeable(request, album_id))
    return JsonResponse({"share_url": share_url(request, album)})


@router.delete(
    "/albums/{id:album_id}/share/",
    response=responses({200: schemas.Album}, 401, 403, 404, 409),
    openapi_extra=extra(headers={200: ["ETag"]}),
)
@SECRET
def revoke_album_share_link(request, album_id: str):
    """No share link any more: an unlisted album becomes private (as on the site, where leaving
    unlisted drops the link); any other album is answered as it is."""
    album = _changeable(request, album_id)
    if album.visibility == UNLISTED:
        album = albums.edit(album, revision=album.revision, visibility=PRIVATE)
    return _album_response(request, album)


def _album_response(request, album):
    response = JsonResponse(album_json(request, album, share_url(request, album)))
    response["ETag"] = etag(album)
    return response


def _photo_id(request):
    photo_id = json_object(request, ("photo_id",)).get("photo_id")
    if not isinstance(photo_id, str) or not photo_id:
        raise ApiError(400, errors={"photo_id": [_("Send the id of one of your photos.")]})
    return photo_id


def _changeable(request, album_id):
    # Looked up before the login check: another's hidden album is a 404 for everyone, signed
    # in or not; a visible one asks to sign in (401), then for its owner (403).
    album = albums.visible(request.api_user, album_id)
    require_login(request)
    return access.require_album_change(request.api_user, album)


def _owners_share_url(request, album):
    return share_url(request, album) if request.api_user.pk == album.owner_id else None
