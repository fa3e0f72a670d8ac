"""DELETE /api/me/: the caller deletes their own account (docs/api.md), as the account page's
"Delete my account" does, with its form and use case (accounts.forms.DeleteAccountForm,
gallery.services.erase). The person only: the site's session with its CSRF header, never a token
(a leaked token must not be able to end an account), and the password in the body (plus a code
of the second factor when the user set one up)."""

from allauth.core import ratelimit
from django.contrib.auth import logout
from django.http import JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router

from accounts.forms import DeleteAccountForm
from gallery.api import schemas
from gallery.api.auth import require_login
from gallery.api.bodies import json_object, require_strings
from gallery.api.form_errors import invalid
from gallery.api.openapi import extra, responses
from gallery.services import erase
from gallery.services.ratelimit import TooManyRequests
from gallery.web.errors import ApiError

router = Router(tags=["account"])
RETRY_SECONDS = 60  # allauth's reauthenticate limit counts per minute


@router.delete(
    "/me/",
    url_name="me",
    response=responses({202: schemas.AccountDeletion}, 400, 401, 403, 429),
    openapi_extra=extra(body=schemas.DeleteAccountIn),
)
def delete_me(request):
    """Delete the caller's account: 202 {"status": "deleting"}, the session ends; the worker
    removes everything."""
    require_login(request)
    if request.api_token is not None:
        raise ApiError(403, _("Deleting an account needs the site's session and the password, not a token."))
    user = request.api_user
    if not ratelimit.consume(request, action="reauthenticate", user=user):
        raise TooManyRequests(RETRY_SECONDS)
    form = DeleteAccountForm(require_strings(json_object(request, ("password", "code"))), request=request)
    if not form.is_valid():
        raise invalid(form)
    erase.request_deletion(user, language=get_language())
    logout(request)
    return JsonResponse({"status": "deleting"}, status=202)
