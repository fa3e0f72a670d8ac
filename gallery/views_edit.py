"""The owner's (and staff's) edit and delete. Anyone else: 403 for a public photo, 404 for a
private one (its existence is not revealed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from gallery import metadata, photos
from gallery.access import can_change, visible_photo
from gallery.forms import PhotoDetailsForm
from gallery.views_browse import metadata_page

CHANGED_MESSAGE = "The photo was changed meanwhile; here it is as it is now. Please try again."


def _changeable_photo(request, photo_id):
    photo = visible_photo(request.user, photo_id)
    if not can_change(request.user, photo):
        raise PermissionDenied("Only the owner can change this photo.")
    return photo


@login_required
@metadata_page
def edit_photo(request, photo_id):
    photo = _changeable_photo(request, photo_id)
    form = PhotoDetailsForm.for_photo(photo, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                metadata.photo_table().update_photo(photo.id, **form.cleaned_data)
            except metadata.PhotoChanged:
                messages.error(request, CHANGED_MESSAGE)
                return redirect("gallery:edit", photo_id=photo.id)
            except metadata.PhotoNotFound:
                messages.error(request, "The photo was deleted meanwhile.")
                return redirect("gallery:home")
            messages.success(request, "Your changes are saved.")
            return redirect("gallery:photo", photo_id=photo.id)
        return render(request, "gallery/edit.html", {"form": form, "photo": photo}, status=400)
    return render(request, "gallery/edit.html", {"form": form, "photo": photo})


@login_required
@metadata_page
def delete_photo(request, photo_id):
    photo = _changeable_photo(request, photo_id)
    if request.method == "POST":
        try:
            photos.delete_photo(photo.id)
        except metadata.PhotoChanged:
            messages.error(request, CHANGED_MESSAGE)
            return redirect("gallery:photo", photo_id=photo.id)
        except metadata.PhotoNotFound:
            pass  # deleted meanwhile (e.g. a double submit): the outcome the user wanted
        messages.success(request, f"“{photo.title}” is deleted.")
        return redirect("gallery:user", username=photo.owner_username)
    return render(request, "gallery/delete.html", {"photo": photo})
