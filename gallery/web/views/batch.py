"""POST /photos/batch/: the select mode's action bar on every photo grid (static/js/select.js)
posts one action and the selected photos' ids here; gallery.services.batch does the work, and
each photo's outcome comes back as messages on the page the user was on."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gallery.domain.errors import DomainError
from gallery.domain.records import VISIBILITY_CHOICES
from gallery.services import batch


@require_POST
@login_required
def batch_photos(request):
    data = request.POST
    try:
        results = batch.apply(
            request.user,
            data.get("action"),
            data.getlist("photo_ids"),
            album_id=data.get("album_id") or None,
            tags=data.get("tags") or None,
            visibility=data.get("visibility") or None,
        )
    except DomainError as error:  # the batch as a whole (no photo, no tags, not your album...)
        messages.error(request, error.message)
    else:
        _report(request, results)
    return redirect(_back(request))


def _report(request, results):
    """One message for the photos done, one for each reason the others were not."""
    done = sum(error is None for error in results.values())
    if done:
        messages.success(
            request,
            ngettext("Done for %(count)d photo.", "Done for %(count)d photos.", done) % {"count": done},
        )
    refused = Counter(str(error.message) for error in results.values() if error is not None)
    for reason, count in refused.items():
        messages.error(
            request,
            ngettext(
                "%(count)d photo not changed: %(reason)s", "%(count)d photos not changed: %(reason)s", count
            )
            % {"count": count, "reason": reason},
        )


def _back(request):
    """The page the action bar was on (a local URL only), else the user's own page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return redirect("gallery:user", request.user.get_username()).url


def visibility_choices():
    """A photo's visibilities for the action bar, as the edit form offers them."""
    return VISIBILITY_CHOICES
