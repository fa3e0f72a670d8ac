"""/api/tokens/: the caller's API tokens, a new one (its key in this answer only, never
cached), revoking one (docs/api.md). For a session or a read and write token; validated by the
tokens page's own TokenForm."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Router
from ninja.decorators import decorate_view

from accounts.forms import TokenForm
from accounts.models import ApiToken
from gallery.api import schemas
from gallery.api.auth import require_account_access
from gallery.api.bodies import json_object, require_strings
from gallery.api.openapi import extra, responses
from gallery.web.errors import ApiError

TOKEN_FIELDS = ("name", "scope")


router = Router(tags=["tokens"])
SECRET = decorate_view(never_cache)
ACCOUNT = (401, 403)  # a session or a read and write token


@router.get("/tokens/", url_name="tokens", response=responses({200: schemas.TokenList}, *ACCOUNT))
@SECRET
def list_tokens(request):
    require_account_access(request)
    return JsonResponse({"tokens": [token_json(token) for token in ApiToken.of(request.api_user)]})


@router.post(
    "/tokens/",
    response=responses({201: schemas.NewToken}, 400, *ACCOUNT),
    openapi_extra=extra(
        body=schemas.TokenIn, links={201: {"revoke_token": {"token_id": "$response.body#/id"}}}
    ),
)
@SECRET
def create_token(request):
    """A new token; its key is in this answer only."""
    require_account_access(request)
    form = TokenForm(request.api_user, require_strings(json_object(request, TOKEN_FIELDS)))
    key, token = form.save() if form.is_valid() else (None, None)
    if key is None:
        # A rule of the whole form (too many tokens) is the message; a field's, its entry.
        fields = {name: list(errors) for name, errors in form.errors.items() if name != NON_FIELD_ERRORS}
        raise ApiError(400, " ".join(form.non_field_errors()) or None, errors=fields or None)
    return JsonResponse({**token_json(token), "key": key}, status=201)


@router.delete("/tokens/{int:token_id}/", url_name="token", response=responses({204: None}, *ACCOUNT, 404))
@SECRET
def revoke_token(request, token_id: int):
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
