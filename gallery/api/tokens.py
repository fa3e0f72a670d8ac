"""/api/tokens/: the caller's API tokens, a new one (its key in this answer only, never
cached), revoking one (docs/api.md). For a session or a read and write token; validated by the
tokens page's own TokenForm."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms import TokenForm
from accounts.models import ApiToken
from gallery.api.auth import api_view, require_account_access
from gallery.api.bodies import json_object, require_strings
from gallery.web.errors import ApiError

TOKEN_FIELDS = ("name", "scope")


@never_cache
@api_view
def token_collection(request):
    if request.method not in ("GET", "POST"):
        raise ApiError(405, _("Use GET or POST."))
    require_account_access(request)
    if request.method == "GET":
        return JsonResponse({"tokens": [token_json(token) for token in ApiToken.of(request.api_user)]})
    form = TokenForm(request.api_user, require_strings(json_object(request, TOKEN_FIELDS)))
    key, token = form.save() if form.is_valid() else (None, None)
    if key is None:
        # A rule of the whole form (too many tokens) is the message; a field's, its entry.
        fields = {name: list(errors) for name, errors in form.errors.items() if name != NON_FIELD_ERRORS}
        raise ApiError(400, " ".join(form.non_field_errors()) or None, errors=fields or None)
    return JsonResponse({**token_json(token), "key": key}, status=201)


@never_cache
@api_view
def token_resource(request, token_id):
    if request.method != "DELETE":
        raise ApiError(405, _("Use DELETE."))
    require_account_access(request)
    if ApiToken.revoke(request.api_user, token_id) is None:
        raise ApiError(404, _("No such token."))
    return HttpResponse(status=204)


def token_json(token):
    return {
        "id": token.pk,
        "name": token.name,
        "scope": token.scope,
        "created": token.created.isoformat(),
        "last_used": token.last_used.isoformat() if token.last_used else None,
    }
