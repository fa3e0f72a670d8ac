"""/api/downloads/, /api/albums/<id>/download/ and /api/me/export/ (docs/api.md): a zip streamed
in the answer, or 202 with the status URL of the archive the worker builds (a large download,
every data export); the status answers pending/ready with an expiring link."""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gallery.api.auth import api_view, require_login
from gallery.api.bodies import json_object
from gallery.domain import archives, ids
from gallery.services import downloads
from gallery.web.errors import ApiError
from gallery.web.views.downloads import zip_response


def _answer(request, plan):
    if not plan.large:
        return zip_response(plan)
    job = downloads.start_job(request.api_user, archives.DOWNLOAD, plan=plan, language=get_language())
    return _accepted(request, job)


def _accepted(request, job):
    status_url = request.build_absolute_uri(reverse("api:download", args=[job.id]))
    response = JsonResponse({"status": job.status, "status_url": status_url}, status=202)
    response["Location"] = status_url
    return response


@api_view
def download_collection(request):
    """POST {"photo_ids": [...]}: the photos the caller may see, zipped."""
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    photo_ids = json_object(request, ("photo_ids",)).get("photo_ids")
    if not isinstance(photo_ids, list) or not photo_ids:
        raise ApiError(400, errors={"photo_ids": [_("Send a list of photo ids.")]})
    if not all(isinstance(photo_id, str) and ids.is_id(photo_id) for photo_id in photo_ids):
        raise ApiError(400, errors={"photo_ids": [_("Every photo id is 32 hexadecimal digits.")]})
    return _answer(request, downloads.plan_selection(request.api_user, photo_ids))


@api_view
def album_download(request, album_id):
    """GET: the album's photos the caller may see, in album order (?token= a share link's)."""
    if request.method != "GET":
        raise ApiError(405, _("Use GET."))
    plan, _album = downloads.plan_album(request.api_user, album_id, request.GET.get("token") or None)
    return _answer(request, plan)


@never_cache  # the link is a secret for its lifetime
@api_view
def download_resource(request, job_id):
    """GET: {"status": "pending" | "ready" | "failed" | "expired", "url", "expires", "bytes"}."""
    if request.method != "GET":
        raise ApiError(405, _("Use GET."))
    job, link = downloads.job_status(request.api_user, job_id)
    status = job.status
    if job.status == archives.READY and link is None:
        status = "expired"
    body = {"id": job.id, "kind": job.kind, "status": status, "created": job.created}
    if link:
        body |= {"url": link, "expires": job.expires, "bytes": job.archive_bytes}
    return JsonResponse(body)


@api_view
def export_collection(request):
    """POST: the worker zips every original, album and fact of the caller; 202 with the status."""
    if request.method != "POST":
        raise ApiError(405, _("Use POST."))
    require_login(request)
    job = downloads.start_job(request.api_user, archives.EXPORT, language=get_language())
    return _accepted(request, job)
