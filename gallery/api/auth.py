"""Who is calling: `Authorization: Token <key>` (accounts.models.ApiToken) or the site's session,
with Django's CSRF check for session writes (a cookie alone must not be able to delete). The one
place that reads tokens: their scope (a read-only token may not write) is checked here too."""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.security import APIKeyCookie, APIKeyHeader

from accounts.models import ApiToken
from gallery.domain.errors import Forbidden
from gallery.web.errors import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>`: an API token, read only ("read") or read and write."""

    param_name = "Authorization"
    openapi_description = (
        "`Authorization: Token <key>` (a token made on /accounts/tokens/ or POST /api/tokens/)."
    )

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None  # no token: the session, or nobody
        scheme, _space, key = header.partition(" ")
        token = ApiToken.authenticate(key.strip()) if scheme == "Token" and key.strip() else None
        if token is None:
            raise ApiError(401, _("Invalid token."))
        if token.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyToken()
        return _caller(request, token.user, token)

    def authenticate(self, request, key):  # pragma: no cover - __call__ reads the header itself
        return None


class SessionAuth(APIKeyCookie):
    """The site's session cookie; a write also sends the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The site's session; writes also send the `X-CSRFToken` header (the csrftoken cookie)."
    )

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS:
            rejected = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
            if rejected is not None:
                raise ApiError(403, _("CSRF check failed; send the X-CSRFToken header or use a token."))
        return _caller(request, request.user)

    def authenticate(self, request, key):  # pragma: no cover - __call__ reads the session itself
        return None


def anonymous(request):
    """Nobody signed in: the operation decides (require_login) what it answers them."""
    return _caller(request, request.user)


def _caller(request, user, token=None):
    # request.api_user: AnonymousUser when nobody signed in; request.api_token: None for a session.
    request.api_user, request.api_token = user, token
    return user


# Every operation's: a token, else the session, else nobody (AnonymousUser is truthy for ninja).
AUTH = [TokenAuth(), SessionAuth(csrf=True), anonymous]


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
