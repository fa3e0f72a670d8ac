"""The API tokens page (/accounts/tokens/): the user's tokens with when each was made and last
used, a new one (its key shown in this answer only) and revoking one. No answer here may be
kept by a browser or a proxy cache: `never_cache` sends `Cache-Control: no-store`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import TokenForm
from accounts.models import ApiToken


@never_cache
@login_required
def tokens(request):
    form = TokenForm(request.user, request.POST or None)
    key = new_token = None
    if request.method == "POST" and form.is_valid():
        key, new_token = form.save()
        if key:
            form = TokenForm(request.user)  # a blank form under the new key
    context = {"tokens": ApiToken.of(request.user), "form": form, "key": key, "new_token": new_token}
    return render(request, "account/tokens.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_POST
def revoke_token(request, token_id):
    name = ApiToken.revoke(request.user, token_id)
    if name is None:
        raise Http404
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": name})
    return redirect("tokens")


def api_token(request):
    """The old single-token page: its address goes on working, for bookmarks and old docs."""
    return redirect("tokens", permanent=True)
