"""/api/photos/, /api/photos/<id>/ and /api/photos/<id>/favorite/: list, upload, read, edit,
delete, favourite (docs/api.md).

django-ninja operations (gallery.api.openapi) validated by the same forms as the site; the
JSON is gallery.api.serializers', described by gallery.api.schemas.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from gallery.api import form_errors, schemas
from gallery.api.auth import require_login
from gallery.api.bodies import PHOTO_CHANGE_FIELDS, photo_details
from gallery.api.openapi import extra, responses
from gallery.api.revisions import etag, if_match_revision
from gallery.api.serializers import NO_FAVORITES, card_json, favorite_json, photo_json
from gallery.domain import access, lists
from gallery.domain.limits import LIMITS, FileTooLarge
from gallery.services import photos, timeline, trash
from gallery.storage.dynamodb import PhotoChanged, photo_repository
from gallery.web.body_limits import file_stopped
from gallery.web.errors import ApiError
from gallery.web.forms import PhotoChangeForm, UploadForm
from gallery.web.paging import next_url, page_of
from gallery.web.ratelimit import UPLOAD_BURST

router = Router(tags=["photos"])
ORDERS = ("created", "taken")  # ?order=: by upload (every list), by date taken (the owner's own)
PHOTO = responses({200: schemas.Photo}, 404)
# What an answer holding a photo's id leads to (the document's links).
PHOTO_LINKS = {
    name: {"photo_id": "$response.body#/id"}
    for name in ("get_photo", "edit_photo", "favorite_photo", "unfavorite_photo", "delete_photo")
}
CHANGE = responses({200: schemas.Photo}, 400, 401, 403, 404, 409)


@router.get(
    "/photos/",
    url_name="photos",
    response=responses({200: schemas.PhotoList}, 400),
    openapi_extra=extra(public=True),
)
def list_photos(
    request,
    tag: str | None = None,
    owner: str | None = None,
    cursor: str | None = None,
    order: str = "created",
):
    """The newest photos everybody may see, or one tag's, or one person's (`tag` or `owner`);
    a page at a time (`next`). `order=taken` with `owner=<you>`: your own photos by the date
    they were taken, newest first (403 for anyone else's)."""
    if order not in ORDERS:
        raise ApiError(400, errors={"order": [_("Order by “created” or “taken”.")]})
    if order == "taken":
        return _timeline(request, owner)
    return _list(request, tag, owner)


@router.post(
    "/photos/",
    response=responses({201: schemas.Photo}, 400, 401, 403, 413, 429),
    openapi_extra=extra(
        body=schemas.Upload,
        content_type="multipart/form-data",
        headers={201: ["ETag", "Location"]},
        links={201: PHOTO_LINKS},
    ),
)
def upload_photo(request):
    """A photo from its file (multipart/form-data, the file as `image`): processed at once."""
    return _create(request)


@router.get(
    "/photos/{id:photo_id}/",
    url_name="photo",
    response=PHOTO,
    openapi_extra=extra(public=True, headers={200: ["ETag"]}),
)
def get_photo(request, photo_id: str):
    return _photo_response(request, photos.visible(request.api_user, photo_id))


@router.patch(
    "/photos/{id:photo_id}/",
    response=CHANGE,
    openapi_extra=extra(body=schemas.PhotoDetails, headers={200: ["ETag"]}, if_match=True),
)
def edit_photo(request, photo_id: str):
    """Change the fields sent, on the revision of If-Match (else the one just read)."""
    photo, revision = _changing(request, photo_id)
    return _photo_response(request, _update(request, photo, revision))


@router.delete(
    "/photos/{id:photo_id}/",
    response=responses({204: None}, 401, 403, 404, 409),
    openapi_extra=extra(if_match=True),
)
def delete_photo(request, photo_id: str):
    """Move the photo to its owner's trash (/api/trash/); one still processing, or failed, has
    nothing to restore and is deleted for good."""
    photo, revision = _changing(request, photo_id)
    trash.trash(request.api_user, photo.id, revision=revision)
    return HttpResponse(status=204)


def _changing(request, photo_id):
    # Looked up first: a hidden photo is a 404 whoever asks.
    photo = photos.visible(request.api_user, photo_id)
    require_login(request)
    access.require_change(request.api_user, photo)
    return photo, if_match_revision(request, photo, PhotoChanged)


def _photo_response(request, photo, status=200):
    # A photo just created has no favourites: no request to learn it.
    favorites = photos.favorite_state(request.api_user, photo) if status == 200 else NO_FAVORITES
    response = JsonResponse(photo_json(request, photo, favorites), status=status)
    response["ETag"] = etag(photo)
    return response


FAVORITE = responses({200: schemas.Favorite}, 401, 403, 404)


@router.post("/photos/{id:photo_id}/favorite/", url_name="favorite", response=FAVORITE)
def favorite_photo(request, photo_id: str):
    """Make the photo one of the caller's favourites (idempotent): its favourite state."""
    photo = _favoriting(request, photo_id)
    photos.favorite(request.api_user, photo)
    return JsonResponse(favorite_json(photos.favorite_state(request.api_user, photo)))


@router.delete("/photos/{id:photo_id}/favorite/", response=FAVORITE)
def unfavorite_photo(request, photo_id: str):
    """No longer one of the caller's favourites (idempotent): its favourite state."""
    photo = _favoriting(request, photo_id)
    photos.unfavorite(request.api_user, photo)
    return JsonResponse(favorite_json(photos.favorite_state(request.api_user, photo)))


def _favoriting(request, photo_id):
    photo = photos.visible(request.api_user, photo_id)
    require_login(request)
    return photo


def _list(request, tag, owner):
    if tag and owner:
        raise ApiError(400, errors={"owner": [_("Filter by tag or by owner, not both.")]})
    if tag:
        list_name = lists.tag_list_for(tag)
    elif owner:
        person = get_user_model().objects.filter(username=owner).first()
        if person is None:
            raise ApiError(400, errors={"owner": [_("No such user.")]})
        list_name = lists.person_list(request.api_user.pk, person.pk)
    else:
        list_name = lists.FEED
    page = page_of(request, photo_repository().list_page, list_name)
    results = [card_json(request, card) for card in page.items]
    return JsonResponse({"results": results, "next": next_url(request, page.next_cursor)})


def _timeline(request, owner):
    """The caller's own photos by date taken, newest first (one Query a page): someone else's
    library, or none named, is not theirs to order so (403: their public photos are listed by
    upload, ?owner=<name> alone)."""
    require_login(request)
    if owner != request.api_user.get_username():
        raise ApiError(403, errors={"order": [_("Only your own photos can be ordered by date taken.")]})
    page = page_of(request, timeline.page, request.api_user.pk)
    results = [card_json(request, card) for card in page.items]
    return JsonResponse({"results": results, "next": next_url(request, page.next_cursor)})


def _create(request):
    require_login(request)
    # Refuse an oversized body before reading it (the site's page reads it to keep the form).
    if int(request.META.get("CONTENT_LENGTH") or 0) > LIMITS.upload_request_bytes:
        raise FileTooLarge()
    UPLOAD_BURST.check(request)
    try:
        form = UploadForm(request.POST, request.FILES)
    except RequestDataTooBig:
        raise FileTooLarge() from None
    # gallery.web.body_limits stopped reading a file that passed the limit (it is absent from FILES).
    if file_stopped(request):
        raise FileTooLarge()
    if not form.is_valid():
        if form.has_error("image", code="too_large"):
            raise FileTooLarge(request.FILES["image"].size)
        raise form_errors.invalid(form)
    photo = photos.publish(request.api_user, **form.changes())
    response = _photo_response(request, photo, status=201)
    response["Location"] = reverse("api:photo", args=[photo.id])
    return response


def _update(request, photo, revision):
    changes = photo_details(request, _("This field cannot be changed."), PHOTO_CHANGE_FIELDS)
    form = PhotoChangeForm.for_photo(photo, changes, partial=True)
    if not form.is_valid():
        raise form_errors.invalid(form)
    return photos.edit(photo, revision=revision, **{name: form.cleaned_data[name] for name in changes})
