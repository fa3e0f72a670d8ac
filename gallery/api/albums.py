"""/api/albums/: create, read (with its photos in order), add and remove photos, a new share
link, delete (docs/api.md). Validated by the site's AlbumForm; answered by gallery.web.errors."""

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gallery.api import form_errors
from gallery.api.auth import api_view, require_login
from gallery.api.bodies import json_object, require_strings
from gallery.api.serializers import album_json, card_json
from gallery.domain import access
from gallery.services import albums
from gallery.web.errors import ApiError
from gallery.web.forms import AlbumForm
from gallery.web.paging import next_url, page_of
from gallery.web.views.albums import share_url

ALBUM_FIELDS = ("title", "description", "visibility")


@never_cache  # answers with the share link, a secret
@api_view
def album_collection(request):
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    require_login(request)
    form = AlbumForm(require_strings(json_object(request, ALBUM_FIELDS)))
    if not form.is_valid():
        raise form_errors.invalid(form)
    album = albums.create(request.api_user, **form.cleaned_data)
    response = JsonResponse(album_json(request, album, share_url(request, album)), status=201)
    response["Location"] = reverse("api:album", args=[album.id])
    return response


@never_cache  # answers with the share link, a secret
@api_view
def album_resource(request, album_id):
    if request.method == "GET":
        page = page_of(request, albums.page, request.api_user, album_id)
        body = album_json(request, page.album, _owners_share_url(request, page.album))
        body["photos"] = [card_json(request, card) for card in page.items]
        body["next"] = next_url(request, page.next_cursor)
        return JsonResponse(body)
    if request.method != "DELETE":
        raise ApiError(405, _("Use GET or DELETE."))
    albums.delete(_changeable(request, album_id))
    return HttpResponse(status=204)


@api_view
def album_photos(request, album_id):
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    album = _changeable(request, album_id)
    photo_id = json_object(request, ("photo_id",)).get("photo_id")
    if not isinstance(photo_id, str) or not photo_id:
        raise ApiError(400, errors={"photo_id": [_("Send the id of one of your photos.")]})
    photo = albums.add_photo(request.api_user, album, photo_id)
    return JsonResponse(card_json(request, photo.card), status=201)


@api_view
def album_photo(request, album_id, photo_id):
    if request.method != "DELETE":
        raise ApiError(405, _("Use DELETE."))
    albums.remove_photo(_changeable(request, album_id), photo_id)
    return HttpResponse(status=204)


@never_cache  # answers with the share link, a secret
@api_view
def album_share(request, album_id):
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    album = albums.new_share_link(_changeable(request, album_id))
    return JsonResponse({"share_url": share_url(request, album)})


def _changeable(request, album_id):
    # Looked up before the login check: another's hidden album is a 404 for everyone, signed
    # in or not; a visible one asks to sign in (401), then for its owner (403).
    album = albums.visible(request.api_user, album_id)
    require_login(request)
    return access.require_album_change(request.api_user, album)


def _owners_share_url(request, album):
    return share_url(request, album) if request.api_user.pk == album.owner_id else None
