"""Zip downloads and the data export: one photo, an album or a selection streamed as a zip
(gallery.services.downloads); a large one, and every export, built by the worker, with a status
page that shows the link once it is ready."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gallery.domain import archives
from gallery.services import downloads

PENDING_REFRESH_SECONDS = 5


def zip_response(plan, filename=None):
    """The zip of a plan that is not large, streamed while S3 is read (no Content-Length)."""
    response = StreamingHttpResponse(downloads.stream(plan), content_type="application/zip")
    name = filename or archives.archive_filename(archives.DOWNLOAD)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def answer(request, plan):
    """Stream a download, or queue it when it is large and show its status page."""
    if not plan.large:
        return zip_response(plan)
    job = downloads.start_job(request.user, archives.DOWNLOAD, plan=plan, language=get_language())
    return redirect("gallery:download_status", job_id=job.id)


@require_POST
def download_photos(request):
    """POST /downloads/ with photo_ids (repeated): one photo's button, a selection's form."""
    return answer(request, downloads.plan_selection(request.user, request.POST.getlist("photo_ids")))


@require_POST
def download_album(request, album_id):
    """POST /albums/<id>/download/ (token: the share link's, when opened through it)."""
    plan, _album = downloads.plan_album(request.user, album_id, request.POST.get("token") or None)
    return answer(request, plan)


@never_cache
@require_GET
def download_status(request, job_id):
    """A job's page: being prepared (it reloads itself), the link (it expires), or failed."""
    job, link = downloads.job_status(request.user, job_id)
    context = {
        "job": job,
        "link": link,
        "refresh": PENDING_REFRESH_SECONDS,
        "is_export": job.kind == archives.EXPORT,
        "pending": job.status == archives.PENDING,
        "failed": job.status == archives.FAILED,
    }
    return render(request, "gallery/download_status.html", context)


@login_required
@require_POST
def export_data(request):
    """POST /accounts/export/: the worker zips every original, album and fact of the user."""
    job = downloads.start_job(request.user, archives.EXPORT, language=get_language())
    messages.success(
        request, _("Your data is being prepared. We will email you the link; this page will show it too.")
    )
    return redirect("gallery:download_status", job_id=job.id)
