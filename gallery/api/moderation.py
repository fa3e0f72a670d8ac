"""/api/users/<username>/block/ and /api/reports/: blocking a person and reporting a photo or a
comment to staff (docs/api.md). The rules: gallery.services.blocks and gallery.services.reports."""

from django.http import JsonResponse
from ninja import Router

from gallery.api import people_schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, require_strings
from gallery.api.openapi import extra, responses
from gallery.services import blocks, reports
from gallery.web.ratelimit import REPORT_RATE

router = Router(tags=["moderation"])
BLOCK = responses({200: people_schemas.Blocked}, 400, 401, 404)


@router.post("/users/{username}/block/", url_name="block", response=BLOCK)
def block_user(request, username: str):
    """Block the user (idempotent): they cannot comment on your photos, mention or follow you,
    and you no longer see their comments."""
    require_login(request)
    blocks.block(request.api_user, blocks.user_named(username))
    return JsonResponse({"blocked": True})


@router.delete("/users/{username}/block/", response=BLOCK)
def unblock_user(request, username: str):
    """Unblock the user (idempotent)."""
    require_login(request)
    blocks.unblock(request.api_user, blocks.user_named(username))
    return JsonResponse({"blocked": False})


@router.post(
    "/reports/",
    url_name="reports",
    response=responses({201: people_schemas.ReportOut}, 400, 401, 404, 429),
    openapi_extra=extra(body=people_schemas.ReportIn),
)
def report(request, token: str | None = None):
    """Report a photo or a comment you can see to staff, with a reason (an unlisted album's
    comment: with its share link's `token`)."""
    require_login(request)
    data = require_strings(json_object(request, ("photo_id", "comment_id", "reason")))
    REPORT_RATE.check(request)
    made = reports.report(
        request.api_user,
        photo_id=data.get("photo_id", ""),
        comment_id=data.get("comment_id", ""),
        reason=data.get("reason", ""),
        token=token,
    )
    return JsonResponse({"id": made.pk}, status=201)
