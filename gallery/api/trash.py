"""/api/trash/: the caller's trash (gallery.services.trash), newest trashed first; restore one
photo, delete one for good, empty it (docs/api.md). `DELETE /api/photos/<id>/` puts a photo here."""

from django.http import HttpResponse, JsonResponse
from ninja import Router

from gallery.api import schemas
from gallery.api.auth import require_login
from gallery.api.openapi import responses
from gallery.api.revisions import etag
from gallery.api.serializers import card_json, photo_json
from gallery.services import photos, trash
from gallery.web.paging import next_url, page_of

router = Router(tags=["trash"])


@router.get("/trash/", url_name="trash", response=responses({200: schemas.TrashList}, 400, 401))
def list_trash(request, cursor: str | None = None):
    """The caller's photos in the trash, newest trashed first, a page at a time (`next`); each
    with when it was trashed and after when the purge deletes it for good."""
    require_login(request)
    page = page_of(request, trash.page, request.api_user)
    results = [
        {**card_json(request, item.card), "trashed_at": item.trashed_at, "purge_after": item.purge_after}
        for item in page.items
    ]
    return JsonResponse({"results": results, "next": next_url(request, page.next_cursor)})


@router.post(
    "/trash/{id:photo_id}/restore/",
    url_name="trash_restore",
    response=responses({200: schemas.Photo}, 401, 404, 409),
)
def restore_photo(request, photo_id: str):
    """Back where it was: lists, albums (at its positions), tags, favourites. The photo."""
    require_login(request)
    photo = trash.restore(request.api_user, photo_id)
    response = JsonResponse(photo_json(request, photo, photos.favorite_state(request.api_user, photo)))
    response["ETag"] = etag(photo)
    return response


@router.delete("/trash/{id:photo_id}/", url_name="trashed", response=responses({204: None}, 401, 404, 409))
def delete_forever(request, photo_id: str):
    """Delete a photo of the trash for good: its items and its files."""
    require_login(request)
    trash.delete_forever(request.api_user, photo_id)
    return HttpResponse(status=204)


@router.post("/trash/empty/", url_name="trash_empty", response=responses({200: schemas.Emptied}, 401))
def empty_trash(request):
    """Delete every photo of the trash for good: how many went."""
    require_login(request)
    return JsonResponse({"deleted": trash.empty(request.api_user)})
