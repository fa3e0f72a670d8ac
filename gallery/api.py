"""JSON API for scripts and mobile clients: /api/photos/ and /api/photos/<id>/ (docs/api.md).

Plain Django views: two resources with no ORM model behind them, validated by the same forms
as the site. A framework such as Django REST framework would add a second validation and
permission layer whose main strengths (model serializers, generic views) do not apply here.

Authentication: `Authorization: Token <key>` (gallery.models.ApiToken) or the site's session,
with Django's CSRF check for session writes (a cookie alone must not be able to delete).
Every error is JSON: {"errors": {"field": ["message", ...]}} or {"error": "message"}.
"""

import functools
import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from gallery import catalog, metadata, photos, ratelimit
from gallery.access import can_change, can_view
from gallery.forms import PhotoDetailsForm, UploadForm
from gallery.models import ApiToken
from gallery.templatetags.gallery_tags import media_url
from gallery.uploads import too_large_message

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "description", "tags", "visibility")


class ApiError(Exception):
    def __init__(self, status, message=None, errors=None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors

    def response(self):
        body = {"errors": self.errors} if self.errors else {"error": self.message}
        response = JsonResponse(body, status=self.status)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Token realm="photoshare"'
        if self.status == 429:
            response["Retry-After"] = "60"
        return response


def api_view(view):
    """Authenticates, turns ApiError and backend outages into JSON responses."""

    @csrf_exempt  # checked in _authenticate for session-authenticated writes only
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.api_user = _authenticate(request)
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error.response()
        except metadata.MetadataUnavailable:
            response = JsonResponse({"error": "Photo storage is not reachable; try again."}, status=503)
            response["Retry-After"] = "30"
            return response

    return wrapper


def _authenticate(request):
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        user = ApiToken.user_for(key.strip()) if scheme == "Token" and key.strip() else None
        if user is None:
            raise ApiError(401, "Invalid token.")
        return user
    if request.user.is_authenticated and request.method not in ("GET", "HEAD", "OPTIONS"):
        rejected = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if rejected is not None:
            raise ApiError(403, "CSRF check failed; send the X-CSRFToken header or use a token.")
    return request.user


def _require_login(request):
    if not request.api_user.is_authenticated:
        raise ApiError(401, "Authentication required.")


@api_view
def photo_collection(request):
    if request.method == "GET":
        return _list(request)
    if request.method == "POST":
        return _create(request)
    raise ApiError(405, "Use GET or POST.")


@api_view
def photo_resource(request, photo_id):
    photo = _visible(request, photo_id)
    if request.method == "GET":
        return JsonResponse(photo_json(request, photo))
    if request.method not in ("PATCH", "DELETE"):
        raise ApiError(405, "Use GET, PATCH or DELETE.")
    _require_login(request)
    if not can_change(request.api_user, photo):
        raise ApiError(403, "Only the owner can change this photo.")
    try:
        if request.method == "DELETE":
            photos.delete_photo(photo.id)
            return HttpResponse(status=204)
        return JsonResponse(photo_json(request, _update(request, photo)))
    except metadata.PhotoNotFound:
        raise ApiError(404, "No such photo.") from None
    except metadata.PhotoChanged:
        raise ApiError(409, "The photo was changed meanwhile; read it again and retry.") from None


def _visible(request, photo_id):
    try:
        photo = metadata.photo_table().get_photo(photo_id)
    except metadata.PhotoNotFound:
        raise ApiError(404, "No such photo.") from None
    if not can_view(request.api_user, photo):
        raise ApiError(404, "No such photo.")  # a private photo is indistinguishable from none
    return photo


def _list(request):
    tag, owner = request.GET.get("tag"), request.GET.get("owner")
    if tag and owner:
        raise ApiError(400, errors={"owner": ["Filter by tag or by owner, not both."]})
    if tag:
        list_name = catalog.tag_list(tag.strip().lower())
    elif owner:
        person = get_user_model().objects.filter(username=owner).first()
        if person is None:
            raise ApiError(400, errors={"owner": ["No such user."]})
        is_owner = request.api_user.pk == person.pk
        list_name = catalog.owner_list(person.pk) if is_owner else catalog.user_list(person.pk)
    else:
        list_name = catalog.FEED
    try:
        page = metadata.photo_table().list_page(
            list_name, cursor=request.GET.get("cursor"), limit=settings.PHOTOSHARE_PAGE_SIZE
        )
    except metadata.InvalidCursor:
        raise ApiError(400, errors={"cursor": ["Not a cursor this list issued."]}) from None
    next_url = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return JsonResponse({"results": [card_json(request, card) for card in page.items], "next": next_url})


def _create(request):
    _require_login(request)
    limit = settings.PHOTOSHARE_MAX_UPLOAD_BYTES
    too_large = ApiError(413, f"The upload is larger than the limit of {limit} bytes.")
    # Refuse an oversized body before reading it.
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise too_large
    if ratelimit.exceeded(request, "upload", "PHOTOSHARE_UPLOAD_RATE", ratelimit.upload_keys):
        raise ApiError(429, ratelimit.TOO_MANY_MESSAGE)
    try:
        form = UploadForm(request.POST, request.FILES)
    except RequestDataTooBig:
        raise too_large from None
    # gallery.uploads stopped reading a file that passed the limit (it is absent from FILES).
    if message := too_large_message(request):
        raise ApiError(413, message)
    image = request.FILES.get("image")
    if image is not None and image.size > limit:
        raise too_large
    if not form.is_valid():
        raise ApiError(400, errors=_messages(form))
    try:
        photo = form.publish(request.api_user)
    except photos.PublishFailed:
        raise ApiError(503, "The photo could not be stored; try again.") from None
    response = JsonResponse(photo_json(request, photo), status=201)
    response["Location"] = reverse("api:photo", args=[photo.id])
    return response


def _update(request, photo):
    try:
        changes = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, errors={"body": ["Send a JSON object."]}) from None
    if not isinstance(changes, dict):
        raise ApiError(400, errors={"body": ["Send a JSON object."]})
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ApiError(400, errors={name: ["This field cannot be changed."] for name in unknown})
    if isinstance(changes.get("tags"), list):
        changes["tags"] = ", ".join(str(tag) for tag in changes["tags"])
    wrong_type = sorted(name for name, value in changes.items() if not isinstance(value, str))
    if wrong_type:
        raise ApiError(400, errors={name: ["Must be a string."] for name in wrong_type})
    current = {
        "title": photo.title,
        "description": photo.description,
        "tags": ", ".join(photo.tags),
        "visibility": photo.visibility,
    }
    form = PhotoDetailsForm({**current, **changes})
    if not form.is_valid():
        raise ApiError(400, errors=_messages(form))
    return metadata.photo_table().update_photo(
        photo.id, **{name: form.cleaned_data[name] for name in changes}
    )


def _messages(form):
    return {
        name: [error["message"] for error in errors] for name, errors in form.errors.get_json_data().items()
    }


def card_json(request, card):
    return {
        "id": card.id,
        "title": card.title,
        "owner": card.owner_username,
        "tags": card.tags,
        "visibility": card.visibility,
        "created": card.created,
        "url": request.build_absolute_uri(reverse("api:photo", args=[card.id])),
        "thumbnail": {
            "url": media_url(card.thumbnail_key),
            "width": card.thumbnail_width,
            "height": card.thumbnail_height,
        },
    }


def photo_json(request, photo):
    body = card_json(request, photo)
    body.update(
        description=photo.description,
        page=request.build_absolute_uri(reverse("gallery:photo", args=[photo.id])),
        taken=photo.taken or None,
        camera=photo.camera or None,
        original={
            "url": media_url(photo.original_key),
            "width": photo.width,
            "height": photo.height,
            "bytes": photo.original_bytes,
            "content_type": photo.original_content_type,
        },
        display=(
            {
                "url": media_url(photo.display_key),
                "width": photo.display_width,
                "height": photo.display_height,
            }
            if photo.display_key
            else None
        ),
    )
    return body
