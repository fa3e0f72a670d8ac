"""The notifications page and its mark read forms (gallery.services.notifications): plain POST
forms, so they work without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gallery.domain import notifications as rules
from gallery.services import notifications
from gallery.web.forms.notifications import DigestForm
from gallery.web.paging import CURSOR, page_context, page_of


@require_GET
@login_required
def notification_list(request):
    """The user's notifications, newest first, a page at a time: one Query of their partition."""
    page = page_of(request, notifications.page, request.user)
    unread, more = notifications.unread_status(request.user)
    context = page_context(request, page, unread=unread, unread_shown=rules.badge(unread, more))
    return render(request, "gallery/notifications/list.html", context)


@require_POST
@login_required
def mark_read(request):
    """POST id=<id> marks one read; all=1 marks every one. Back to the list (its page kept)."""
    if request.POST.get("all"):
        notifications.mark_all_read(request.user)
    else:
        notifications.mark_read(request.user, request.POST.getlist("id"))
    url = reverse("gallery:notifications")
    cursor = request.POST.get(CURSOR)
    return redirect(f"{url}?{urlencode({CURSOR: cursor})}" if cursor else url)


@require_POST
@login_required
def digest(request):
    """The digest choice of the profile page's form; back to the profile page."""
    form = DigestForm(request.POST)
    if form.is_valid():
        notifications.set_digest(request.user, form.cleaned_data["digest"])
        messages.success(request, _("Your email digest choice is saved."))
    else:
        messages.error(request, _("Choose one of the digest options."))
    return redirect("profile")
