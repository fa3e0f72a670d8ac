"""/api/photos/<id>/rotate/ and /api/map/: the owner's own library (docs/api.md).

django-ninja operations (gallery.api.openapi); bodies parsed by gallery.api.bodies, the JSON
gallery.api.serializers', described by gallery.api.schemas."""

from django.http import JsonResponse
from ninja import Router

from gallery.api import schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object
from gallery.api.openapi import extra, responses
from gallery.api.photos import etag
from gallery.api.serializers import photo_json
from gallery.domain import access
from gallery.services import photos, rotation, timeline
from gallery.storage.s3 import media_urls
from gallery.web.errors import ApiError

router = Router(tags=["library"])


@router.post(
    "/photos/{id:photo_id}/rotate/",
    url_name="rotate",
    response=responses({200: schemas.Photo}, 400, 401, 403, 404, 409),
    openapi_extra=extra(body=schemas.Rotation, headers={200: ["ETag"]}),
)
def rotate_photo(request, photo_id: str):
    """Turn the photo clockwise by `degrees` (90, 180 or 270): new sizes from the original (which
    is never changed), a new revision and ETag. Its owner's (or staff's) alone, as an edit."""
    photo = photos.visible(request.api_user, photo_id)  # a hidden photo is a 404 whoever asks
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


@router.get("/map/", url_name="map", response=responses({200: list[schemas.MapPoint]}, 401))
def photo_map(request):
    """The caller's own geotagged photos, newest taken first: [{"id", "lat", "lon",
    "thumbnail_url"}]. Nobody else's, whatever they share: a position is its owner's alone."""
    require_login(request)
    points = [
        {"id": photo_id, "lat": latitude, "lon": longitude, "thumbnail_url": media_urls.url(key)}
        for photo_id, latitude, longitude, key in timeline.places(request.api_user.pk)
    ]
    return JsonResponse(points, safe=False)
