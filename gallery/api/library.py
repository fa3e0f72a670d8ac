"""The owner's own library through the API: rotate a photo, and the map of their geotagged
photos (docs/api.md)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from gallery.api.auth import api_view, require_login
from gallery.api.bodies import json_object
from gallery.api.photos import etag
from gallery.api.serializers import photo_json
from gallery.domain import access
from gallery.services import photos, rotation, timeline
from gallery.storage.s3 import media_urls
from gallery.web.errors import ApiError


@api_view
def rotate_resource(request, photo_id):
    """POST {"degrees": 90 | 180 | 270} turns the photo clockwise; 200 with the photo (its new
    sizes, revision and ETag). Its owner's (or staff's) alone, as an edit."""
    photo = photos.visible(request.api_user, photo_id)
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    require_login(request)
    access.require_change(request.api_user, photo)
    body = json_object(request, allowed=("degrees",))
    try:
        degrees = rotation.degrees_of(body.get("degrees"))
    except rotation.InvalidRotation as error:
        raise ApiError(400, errors={"degrees": [str(error.message)]}) from None
    rotated = rotation.rotate(photo, degrees)
    response = JsonResponse(photo_json(request, rotated, photos.favorite_state(request.api_user, rotated)))
    response["ETag"] = etag(rotated)
    return response


@api_view
def map_collection(request):
    """GET: the caller's own geotagged photos, [{"id", "lat", "lon", "thumbnail_url"}]; nobody
    else's, whatever they share (a position is its owner's alone)."""
    if request.method != "GET":
        raise ApiError(405, _("Use GET."))
    require_login(request)
    points = [
        {"id": photo_id, "lat": latitude, "lon": longitude, "thumbnail_url": media_urls.url(key)}
        for photo_id, latitude, longitude, key in timeline.places(request.api_user.pk)
    ]
    return JsonResponse(points, safe=False)
