"""Who is calling: `Authorization: Token <key>` (accounts.models.ApiToken) or the site's session,
with Django's CSRF check for session writes (a cookie alone must not be able to delete). The one
place that reads tokens: their scope (a read-only token may not write) is checked here too."""

import functools

from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken
from gallery.domain.errors import Forbidden
from gallery.web.errors import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def api_view(view):
    """Sets request.api_user (AnonymousUser when nobody signed in) and request.api_token (None
    for a session) before the view runs."""

    @csrf_exempt  # checked in authenticate() for session-authenticated writes only
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.api_token = None
        request.api_user = authenticate(request)
        return view(request, *args, **kwargs)

    return wrapper


def authenticate(request):
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _space, key = header.partition(" ")
        token = ApiToken.authenticate(key.strip()) if scheme == "Token" and key.strip() else None
        if token is None:
            raise ApiError(401, _("Invalid token."))
        if token.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyToken()
        request.api_token = token
        return token.user
    if request.user.is_authenticated and request.method not in SAFE_METHODS:
        rejected = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if rejected is not None:
            raise ApiError(403, _("CSRF check failed; send the X-CSRFToken header or use a token."))
    return request.user


def require_login(request):
    if not request.api_user.is_authenticated:
        raise ApiError(401, _("Authentication required."))


def require_account_access(request):
    """Managing tokens needs the person (a session) or a read and write token: a read-only
    token may not list, make or revoke tokens, not even read their names."""
    require_login(request)
    if request.api_token is not None and request.api_token.read_only:
        raise ReadOnlyToken()


class ReadOnlyToken(Forbidden):
    """A read-only token asked to write, or to manage tokens."""

    code = "read_only_token"
    message = gettext_lazy("This token is read only; use a read and write token to make changes.")
