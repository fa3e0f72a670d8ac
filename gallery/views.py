import logging
import sys

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login as log_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import BadRequest
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gallery import catalog, metadata, ratelimit
from gallery.access import can_change, visible_photo
from gallery.forms import SignupForm, UploadForm
from gallery.health import check_backends
from gallery.photos import PublishFailed
from gallery.uploads import too_large_message

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "Photo storage is not reachable right now. Please try again in a minute."
# Errors that mean a backend (database, S3, DynamoDB) is down rather than a bug: worth a retry.
BACKEND_ERRORS = (DatabaseError, metadata.MetadataUnavailable, BotoCoreError, ClientError)


@require_GET
def home(request):
    try:
        page = metadata.photo_table().list_page(
            catalog.FEED, cursor=request.GET.get("cursor"), limit=settings.PHOTOSHARE_PAGE_SIZE
        )
    except metadata.InvalidCursor:
        raise BadRequest("That page link is not valid.") from None
    except metadata.MetadataUnavailable:
        return render(request, "gallery/unavailable.html", {"message": UNAVAILABLE_MESSAGE}, status=503)
    return render(request, "gallery/home.html", {"page": page, "is_first_page": "cursor" not in request.GET})


@require_GET
def photo_detail(request, photo_id):
    try:
        photo = visible_photo(request.user, photo_id)
    except metadata.MetadataUnavailable:
        return render(request, "gallery/unavailable.html", {"message": UNAVAILABLE_MESSAGE}, status=503)
    context = {"photo": photo, "can_change": can_change(request.user, photo)}
    return render(request, "gallery/photo_detail.html", context)


@login_required
@ratelimit.limit_posts("upload", "PHOTOSHARE_UPLOAD_RATE", ratelimit.upload_keys)
def upload(request):
    if message := too_large_message(request):
        return render(request, "gallery/upload.html", {"form": UploadForm(), "error": message}, status=413)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                photo = form.publish(request.user)
            except PublishFailed:
                messages.error(request, "Your photo could not be stored. Please try again.")
                status = 503
            else:
                messages.success(request, f"“{photo.title}” is uploaded.")
                return redirect("gallery:photo", photo_id=photo.id)
        else:
            status = 400
    context = {"form": form, "max_upload_bytes": settings.PHOTOSHARE_MAX_UPLOAD_BYTES}
    return render(request, "gallery/upload.html", context, status=status)


@ratelimit.limit_posts("signup", "PHOTOSHARE_SIGNUP_RATE", ratelimit.ip_keys)
def signup(request):
    if request.user.is_authenticated:
        return redirect("gallery:upload")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        log_in(request, user)
        messages.success(request, f"Welcome, {user.username}! Upload your first photo.")
        return redirect("gallery:upload")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_GET
def healthz(request):
    results = check_backends()
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse(results, status=200 if healthy else 503)


login = ratelimit.limit_posts("login", "PHOTOSHARE_LOGIN_RATE", ratelimit.login_keys)(LoginView.as_view())
admin_login = ratelimit.limit_posts("login", "PHOTOSHARE_LOGIN_RATE", ratelimit.login_keys)(admin.site.login)


def server_error(request):
    """handler500: a backend that is down gets a "try again" page (503), anything else Django's 500.

    Runs for exceptions raised anywhere, middleware included (e.g. the session store's database
    refusing connections). Rendered without the request: its user and session may be what failed.
    """
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if isinstance(error, BACKEND_ERRORS):
        logger.error("backend unavailable: %r", error)  # the traceback is logged by django.request
        if api:
            response = JsonResponse({"error": "A backend is not reachable right now; try again."}, status=503)
        else:
            body = loader.render_to_string("gallery/unavailable.html", {"message": UNAVAILABLE_MESSAGE})
            response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    if api:
        return JsonResponse({"error": "Internal error."}, status=500)
    return defaults.server_error(request)
