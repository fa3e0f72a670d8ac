"""The owner's trash (gallery.services.trash): the list, newest trashed first, with each photo's
days left, Restore and Delete forever; "Empty trash" after a confirmation page. Signed-in users
only; every action is a POST for the owner's own trash (someone else's photo is "not in your trash")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from gallery.domain.limits import LIMITS
from gallery.services import trash
from gallery.storage.dynamodb import PhotoChanged
from gallery.web.paging import page_context, page_of


@require_GET
@login_required
def trash_list(request):
    page = page_of(request, trash.page, request.user)
    rows = [{"photo": item.card, "days_left": trash.days_left(item)} for item in page.items]
    context = page_context(request, page, rows=rows, trash_days=LIMITS.trash_days)
    return render(request, "gallery/trash/list.html", context)


@require_POST
@login_required
def restore(request, photo_id):
    try:
        photo = trash.restore(request.user, photo_id)
    except PhotoChanged:
        messages.error(request, _("The photo was changed meanwhile; please try again."))
    else:
        messages.success(request, _("“%(title)s” is restored.") % {"title": photo.title})
    return redirect("gallery:trash")


@require_POST
@login_required
def delete_forever(request, photo_id):
    try:
        photo = trash.delete_forever(request.user, photo_id)
    except PhotoChanged:
        messages.error(request, _("The photo was changed meanwhile; please try again."))
    else:
        messages.success(request, _("“%(title)s” is deleted for good.") % {"title": photo.title})
    return redirect("gallery:trash")


@login_required
def empty(request):
    """GET: are you sure? POST: delete everything in the trash for good."""
    if request.method != "POST":
        return render(request, "gallery/trash/empty.html", {"page": trash.page(request.user, limit=1)})
    count = trash.empty(request.user)
    done = ngettext(
        "The trash is empty: %(count)d photo deleted for good.",
        "The trash is empty: %(count)d photos deleted for good.",
        count,
    )
    messages.success(request, done % {"count": count})
    return redirect("gallery:trash")
