"""POST /api/photos/batch/: one action on up to LIMITS.batch_photos of the caller's photos, each
photo's result (docs/api.md). The rules and the work are gallery.services.batch's."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from gallery.api import schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object
from gallery.api.openapi import extra, responses
from gallery.services import batch
from gallery.web.errors import ApiError

router = Router(tags=["photos"])
FIELDS = ("action", "photo_ids", "album_id", "tags", "visibility")


@router.post(
    "/photos/batch/",
    url_name="photos_batch",
    response=responses({200: schemas.BatchResults}, 400, 401, 403, 404),
    openapi_extra=extra(body=schemas.BatchIn),
)
def batch_photos(request):
    """Apply `action` to each photo of `photo_ids`, all or nothing per photo: {"results":
    {id: "ok" or why not}}. A batch that cannot be applied at all is a 400 (404 for an album
    that is not the caller's to see) and touches nothing."""
    require_login(request)
    body = json_object(request, FIELDS)
    if not isinstance(body.get("photo_ids"), list):
        raise ApiError(400, errors={"photo_ids": [_("Send a list of photo ids.")]})
    if "tags" in body and not isinstance(body["tags"], list | str):
        raise ApiError(400, errors={"tags": [_("Send a list of tags.")]})
    for name in ("action", "album_id", "visibility"):
        if name in body and not isinstance(body[name], str):
            raise ApiError(400, errors={name: [_("Must be a string.")]})
    results = batch.apply(
        request.api_user,
        body.get("action"),
        body["photo_ids"],
        album_id=body.get("album_id"),
        tags=body.get("tags"),
        visibility=body.get("visibility"),
    )
    return JsonResponse(
        {"results": {photo_id: batch.result_text(error) for photo_id, error in results.items()}}
    )
