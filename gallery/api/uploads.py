"""/api/uploads/: a photo's file goes straight from the client to S3 (docs/api.md).

POST /api/uploads/ signs one S3 POST; POST /api/uploads/<upload_id>/complete/ records the photo
as "processing" and queues its job; GET /api/photos/<upload_id>/ shows when it is ready.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from gallery.api import form_errors, schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, photo_details, whole_number
from gallery.api.openapi import extra, responses
from gallery.api.photos import PHOTO_LINKS
from gallery.api.serializers import photo_json
from gallery.domain.limits import require_file_size
from gallery.services import photos
from gallery.web.errors import ApiError
from gallery.web.forms import PhotoDetailsForm
from gallery.web.ratelimit import UPLOAD_BURST

router = Router(tags=["uploads"])


@router.post(
    "/uploads/",
    url_name="uploads",
    response=responses({201: schemas.SignedUpload}, 400, 401, 403, 413, 429),
    openapi_extra=extra(
        body=schemas.UploadIn,
        headers={201: ["Location"]},
        links={201: {"complete_upload": {"upload_id": "$response.body#/upload_id"}}},
    ),
)
def start_upload(request):
    """A signed S3 POST for one photo's file (the client sends the file to S3 itself)."""
    require_login(request)
    # What the client says of the file is advisory (S3 enforces the size, the worker the
    # format), but a size over the limit is refused before any signing.
    size = json_object(request).get("size")
    if size is not None:
        size = whole_number(size)
        if size is None or size < 1:
            raise ApiError(400, errors={"size": [_("The size of the file in bytes, a whole number.")]})
        require_file_size(size)
    # The same burst guard as an inline upload; the quota counts the photo at complete.
    UPLOAD_BURST.check(request)
    upload = photos.start_upload(request.api_user)
    response = JsonResponse(
        {"upload_id": upload.upload_id, "url": upload.url, "fields": upload.fields}, status=201
    )
    response["Location"] = reverse("api:upload-complete", args=[upload.upload_id])
    return response


@router.post(
    "/uploads/{id:upload_id}/complete/",
    url_name="upload-complete",
    response=responses({202: schemas.Photo}, 400, 401, 403, 404, 409, 413, 429),
    openapi_extra=extra(body=schemas.NewPhotoDetails, headers={202: ["Location"]}, links={202: PHOTO_LINKS}),
)
def complete_upload(request, upload_id: str):
    """The file is in S3: record the photo as processing and queue it (GET it to see it ready)."""
    require_login(request)
    form = PhotoDetailsForm(photo_details(request))
    if not form.is_valid():
        raise form_errors.invalid(form)
    photo = photos.complete_upload(request.api_user, upload_id, **form.cleaned_data)
    response = JsonResponse(photo_json(request, photo), status=202)
    response["Location"] = reverse("api:photo", args=[photo.id])
    return response
