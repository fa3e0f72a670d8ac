"""/api/notifications/: the caller's notifications, a page at a time with their unread count, and
marking them read (gallery.services.notifications)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from gallery.api import people_schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object
from gallery.api.openapi import extra, responses
from gallery.services import notifications
from gallery.web.errors import ApiError
from gallery.web.paging import next_url, page_of

router = Router(tags=["notifications"])
MARK_IDS_LIMIT = 100


def notification_json(shown):
    return {
        "id": shown.id,
        "kind": shown.kind,
        "actor": shown.actor,
        "actor_name": shown.actor_name,
        "photo_id": shown.photo_id or None,
        "album_id": shown.album_id or None,
        "created": shown.created,
        "read": shown.read,
    }


@router.get(
    "/notifications/",
    url_name="notifications",
    response=responses({200: people_schemas.NotificationList}, 400, 401),
)
def list_notifications(request, cursor: str | None = None):
    """The caller's notifications, newest first (`next`), and how many are unread."""
    require_login(request)
    page = page_of(request, notifications.page, request.api_user)
    unread, more = notifications.unread_status(request.api_user)
    return JsonResponse(
        {
            "unread": unread,
            "unread_more": more,
            "results": [notification_json(shown) for shown in page.items],
            "next": next_url(request, page.next_cursor),
        }
    )


@router.post(
    "/notifications/read/",
    url_name="notifications_read",
    response=responses({200: people_schemas.NotificationsMarked}, 400, 401, 403),
    openapi_extra=extra(body=people_schemas.NotificationsRead),
)
def mark_read(request):
    """Mark the notifications `ids` read, or every one with `"all": true` (idempotent)."""
    require_login(request)
    data = json_object(request, ("ids", "all"))
    if data.get("all") is True and "ids" not in data:
        marked = notifications.mark_all_read(request.api_user)
    elif "ids" in data and "all" not in data:
        ids = data["ids"]
        if isinstance(ids, list) and len(ids) > MARK_IDS_LIMIT:
            raise ApiError(400, errors={"ids": [_("At most 100 at a time.")]})
        marked = notifications.mark_read(request.api_user, ids)
    else:
        raise ApiError(400, errors={"body": [_("Send either the ids to mark read or “all”: true.")]})
    return JsonResponse({"marked": marked, "unread": notifications.unread_count(request.api_user)})
