"""A photo's own pages: view, upload, edit, delete. The owner (and staff) may edit and delete;
anyone else gets 403 for a public photo and 404 for a private one (its existence is not
revealed): gallery.domain.access decides, gallery.web.errors answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gallery.domain.access import PhotoInTrash, can_change, can_get_original, full_size_key
from gallery.domain.limits import LIMITS, FileTooLarge
from gallery.domain.records import READY
from gallery.services import comments, photos, rotation, trash
from gallery.services import navigation as sources
from gallery.storage.dynamodb import PhotoChanged, PhotoNotFound
from gallery.web.body_limits import accepts_upload, file_stopped
from gallery.web.forms import (
    PhotoDetailsForm,
    PhotoEditForm,
    UploadForm,
    failure_reason_message,
    over_newer_save,
)
from gallery.web.ratelimit import UPLOAD_BURST
from gallery.web.views.comments import CommentForm

CHANGED_MESSAGE = gettext_lazy(
    "This photo was changed since you opened it (in another tab or window). Nothing of your "
    "edit was saved: here it is as it is now; please make your change again."
)
STALE_EDIT_MESSAGE = gettext_lazy(
    "This photo was changed since you opened it (in another tab or window). Your edit is not "
    "saved yet: what you typed is kept below. Save to replace the newer version with it."
)


@require_GET
def photo_detail(request, photo_id):
    """The photo, its facts, its favourites, and the previous and next photo of the list it was
    opened from (?from=..., gallery.services.navigation). Its owner finds a trashed photo in
    the trash (everyone else: no such photo)."""
    try:
        photo, favorites = photos.visible_with_favorites(request.user, photo_id)
    except PhotoInTrash as error:
        messages.info(request, error.message)
        return redirect("gallery:trash")
    context = {
        "photo": photo,
        "can_change": can_change(request.user, photo),
        "full_size_key": full_size_key(request.user, photo),
        "full_size_is_original": can_get_original(request.user, photo),
    }
    if photo.status != READY:  # only its owner gets here: processing, or failed and why
        context["reason"] = failure_reason_message(photo.failure_reason)
        return render(request, "gallery/photo_status.html", context)
    context |= {
        "favorites": favorites,
        "place": sources.place(request.GET.get("from"), request.user, photo),
        "comments": comments.page(
            request.user, photo, cursor=request.GET.get("comments"), limit=LIMITS.page_size
        ),
        # Only a signed-in viewer gets the form (_comments.html): a form built is ~2 % of a page.
        "comment_form": CommentForm() if request.user.is_authenticated else None,
    }
    return render(request, "gallery/photo_detail.html", context)


@require_POST
@login_required
def favorite(request, photo_id):
    """The photo page's favourite button without JavaScript: POST favorite=on|off, back to the
    photo (and the list it came from). Idempotent, like the API's POST and DELETE."""
    photo = photos.visible(request.user, photo_id)
    if request.POST.get("favorite") == "off":
        photos.unfavorite(request.user, photo)
    else:
        photos.favorite(request.user, photo)
    return redirect(sources.photo_url(photo.id, request.POST.get("from")))


@accepts_upload
@login_required
@UPLOAD_BURST.on_posts
def upload(request):
    # The multi-file page's per-file fields are the details form's (no ids: each file has a copy).
    context = {"max_upload_bytes": LIMITS.upload_bytes, "details_form": PhotoDetailsForm(auto_id=False)}
    if file_stopped(request):
        error = FileTooLarge()
        return render(
            # The fields sent before the file were read: keep what the person typed.
            request,
            "gallery/upload.html",
            {**context, "form": _unbound_copy(request.POST), "error": error.message},
            status=error.status,
        )
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                photo = photos.publish(request.user, **form.changes())
            except photos.PublishFailed as error:
                messages.error(request, error.message)
                status = error.status
            else:
                messages.success(request, _("“%(title)s” is uploaded.") % {"title": photo.title})
                return redirect("gallery:photo", photo_id=photo.id)
        else:
            status = 400
    # backend_down: the header's bell does not ask the backend that just failed again.
    context = {**context, "form": form, "backend_down": status == 503}
    return render(request, "gallery/upload.html", context, status=status)


@login_required
def edit_photo(request, photo_id):
    photo = photos.changeable(request.user, photo_id)
    form = PhotoEditForm.for_photo(photo, request.POST or None)
    if request.method != "POST":
        return render(request, "gallery/edit.html", {"form": form, "photo": photo})
    if not form.is_valid():
        return render(request, "gallery/edit.html", {"form": form, "photo": photo}, status=400)
    try:
        photos.edit(photo, revision=form.cleaned_data["revision"], **form.changes())
    except PhotoChanged:
        return _edit_over_a_newer_save(request, photo.id)
    except PhotoNotFound:
        messages.error(request, _("The photo was deleted meanwhile."))
        return redirect("gallery:home")
    messages.success(request, _("Your changes are saved."))
    return redirect("gallery:photo", photo_id=photo.id)


@login_required
def delete_photo(request, photo_id):
    """Delete = move to the owner's trash (gallery.services.trash); a photo that is not ready
    has nothing to restore and is deleted for good."""
    try:
        photo = photos.changeable(request.user, photo_id)
    except PhotoInTrash:  # a double submit: it is where the user sent it
        return redirect("gallery:trash")
    if request.method != "POST":
        context = {"photo": photo, "to_trash": photo.status == READY, "trash_days": LIMITS.trash_days}
        return render(request, "gallery/delete.html", context)
    try:
        trashed = trash.trash(request.user, photo.id)
    except PhotoChanged:
        messages.error(request, CHANGED_MESSAGE)
        return redirect("gallery:photo", photo_id=photo.id)
    except PhotoNotFound:
        trashed = None  # deleted meanwhile (e.g. a double submit): the outcome the user wanted
    if trashed is not None:
        messages.success(request, _("“%(title)s” is in the trash.") % {"title": photo.title})
    else:
        messages.success(request, _("“%(title)s” is deleted.") % {"title": photo.title})
    return redirect("gallery:user", username=photo.owner_username)


@require_POST
@login_required
def rotate_photo(request, photo_id):
    """The rotate buttons: POST degrees=90|180|270 (clockwise), back to the photo's page."""
    photo = photos.changeable(request.user, photo_id)
    try:
        rotation.rotate(photo, rotation.degrees_of(request.POST.get("degrees")))
    except PhotoChanged:
        messages.error(request, CHANGED_MESSAGE)
    else:
        messages.success(request, _("The photo is rotated."))
    return redirect(sources.photo_url(photo.id, request.POST.get("from")))


def _edit_over_a_newer_save(request, photo_id):
    """A save from a stale tab (409): the form again with what the person typed, and beside it
    the saved values that differ."""
    current = photos.changeable(request.user, photo_id)
    form = over_newer_save(PhotoEditForm.for_photo, current, request.POST)
    context = {"form": form, "photo": current, "stale_message": STALE_EDIT_MESSAGE}
    return render(request, "gallery/edit.html", context, status=409)


def _unbound_copy(data):
    """An upload form showing `data` without validating it (no "required" errors on a form the
    person did not get to finish)."""
    return UploadForm(initial={name: value for name, value in data.items() if name != "csrfmiddlewaretoken"})
