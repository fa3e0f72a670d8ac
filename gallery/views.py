from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gallery import metadata
from gallery.access import can_change, visible_photo
from gallery.forms import SignupForm, UploadForm
from gallery.health import check_backends
from gallery.photos import PublishFailed, publish_photo

UNAVAILABLE_MESSAGE = "Photo storage is not reachable right now. Please try again in a minute."


@require_GET
def home(request):
    try:
        page = metadata.photo_table().list_page(
            metadata.FEED, cursor=request.GET.get("cursor"), limit=settings.PHOTOSHARE_PAGE_SIZE
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
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                photo = publish_photo(
                    owner=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    tags=form.cleaned_data["tags"],
                    upload=form.cleaned_data["image"],
                    prepared=form.prepared_image,
                    display=form.display,
                    exif=form.exif_facts,
                    visibility=form.cleaned_data["visibility"],
                )
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


def signup(request):
    if request.user.is_authenticated:
        return redirect("gallery:upload")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        messages.success(request, f"Welcome, {user.username}! Upload your first photo.")
        return redirect("gallery:upload")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_GET
def healthz(request):
    results = check_backends()
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse(results, status=200 if healthy else 503)
