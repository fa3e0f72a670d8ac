"""/api/downloads/, /api/albums/<id>/download/ and /api/me/export/ (docs/api.md): a zip streamed
in the answer, or 202 with the status URL of the archive the worker builds (a large download,
every data export); the status answers pending/ready with an expiring link."""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Router
from ninja.decorators import decorate_view

from gallery.api import schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object
from gallery.api.openapi import extra, responses
from gallery.domain import archives, ids
from gallery.services import downloads
from gallery.web.errors import ApiError
from gallery.web.views.downloads import zip_response

router = Router(tags=["downloads"])
# What a download answers: the zip itself (200), or 202 when the worker builds it.
ZIP = {200: {"description": "The zip, streamed.", "content": {"application/zip": {"schema": {
    "type": "string", "format": "binary"}}}}}  # fmt: skip


def _zip_extra(**options):
    result = extra(headers={202: ["Location"]}, **options)
    result.setdefault("responses", {}).update(ZIP)
    return result


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


@router.post(
    "/downloads/",
    url_name="downloads",
    response=responses({200: None, 202: schemas.ArchiveAccepted}, 400, 401, 403, 404),
    openapi_extra=_zip_extra(body=schemas.DownloadIn, public=True),
)
def download_photos(request):
    """The photos of `photo_ids` the caller may see, zipped: originals for their owner, the
    copies without location for anyone else; 202 and a status URL when large."""
    photo_ids = json_object(request, ("photo_ids",)).get("photo_ids")
    if not isinstance(photo_ids, list) or not photo_ids:
        raise ApiError(400, errors={"photo_ids": [_("Send a list of photo ids.")]})
    if not all(isinstance(photo_id, str) and ids.is_id(photo_id) for photo_id in photo_ids):
        raise ApiError(400, errors={"photo_ids": [_("Every photo id is 32 hexadecimal digits.")]})
    return _answer(request, downloads.plan_selection(request.api_user, photo_ids))


@router.get(
    "/albums/{id:album_id}/download/",
    url_name="album_download",
    response=responses({200: None, 202: schemas.ArchiveAccepted}, 400, 404),
    openapi_extra=_zip_extra(public=True),
)
def download_album(request, album_id: str, token: str | None = None):
    """The album's photos the caller may see, in album order (`token`: its share link's)."""
    plan, _album = downloads.plan_album(request.api_user, album_id, token or None)
    return _answer(request, plan)


@router.get(
    "/downloads/{id:job_id}/",
    url_name="download",
    response=responses({200: schemas.ArchiveStatus}, 400, 404),
    openapi_extra=extra(public=True),
)
@decorate_view(never_cache)  # the link is a secret for its lifetime
def download_status(request, job_id: str):
    """A download or export the worker builds: pending, ready (with its expiring link), failed
    or expired. Someone else's is a 404."""
    job, link = downloads.job_status(request.api_user, job_id)
    status = job.status
    if job.status == archives.READY and link is None:
        status = "expired"
    body = {"id": job.id, "kind": job.kind, "status": status, "created": job.created}
    if link:
        body |= {"url": link, "expires": job.expires, "bytes": job.archive_bytes}
    return JsonResponse(body)


@router.post(
    "/me/export/",
    url_name="export",
    response=responses({202: schemas.ArchiveAccepted}, 401, 403),
    openapi_extra=extra(headers={202: ["Location"]}),
)
def export_my_data(request):
    """Every original, album, favourite and fact of the caller as a zip the worker builds; the
    link is mailed and shown on the account page."""
    require_login(request)
    job = downloads.start_job(request.api_user, archives.EXPORT, language=get_language())
    return _accepted(request, job)
