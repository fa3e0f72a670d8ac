"""/api/uploads/: a photo's file goes straight from the client to S3 (docs/api.md).

POST /api/uploads/ signs one S3 POST; POST /api/uploads/<upload_id>/complete/ records the photo
as "processing" and queues its job; GET /api/photos/<upload_id>/ shows when it is ready.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from gallery.api import form_errors
from gallery.api.auth import api_view, require_login
from gallery.api.bodies import json_object, photo_details
from gallery.api.serializers import photo_json
from gallery.domain.limits import require_file_size
from gallery.services import photos
from gallery.web.errors import ApiError
from gallery.web.forms import PhotoDetailsForm
from gallery.web.ratelimit import UPLOAD_BURST


@api_view
def upload_collection(request):
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    require_login(request)
    # What the client says of the file is advisory (S3 enforces the size, the worker the
    # format), but a size over the limit is refused before any signing.
    body = json_object(request)
    size = body.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ApiError(400, errors={"size": [_("The size of the file in bytes, a whole number.")]})
    if size is not None:
        require_file_size(size)
    # The same burst guard as an inline upload; the quota counts the photo at complete.
    UPLOAD_BURST.check(request)
    upload = photos.start_upload(request.api_user)
    response = JsonResponse(
        {"upload_id": upload.upload_id, "url": upload.url, "fields": upload.fields}, status=201
    )
    response["Location"] = reverse("api:upload-complete", args=[upload.upload_id])
    return response


@api_view
def upload_complete(request, upload_id):
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    require_login(request)
    form = PhotoDetailsForm(photo_details(request))
    if not form.is_valid():
        raise form_errors.invalid(form)
    photo = photos.complete_upload(request.api_user, upload_id, **form.cleaned_data)
    response = JsonResponse(photo_json(request, photo), status=202)
    response["Location"] = reverse("api:photo", args=[photo.id])
    return response
