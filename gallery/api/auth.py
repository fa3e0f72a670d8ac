"""Who is calling: `Authorization: Token <key>` (gallery.models.ApiToken) or the site's session,
with Django's CSRF check for session writes (a cookie alone must not be able to delete)."""

import functools

from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken
from gallery.web.errors import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def api_view(view):
    """Sets request.api_user (AnonymousUser when nobody signed in) before the view runs."""

    @csrf_exempt  # checked in authenticate() for session-authenticated writes only
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.api_user = authenticate(request)
        return view(request, *args, **kwargs)

    return wrapper


def authenticate(request):
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _space, key = header.partition(" ")
        user = ApiToken.user_for(key.strip()) if scheme == "Token" and key.strip() else None
        if user is None:
            raise ApiError(401, _("Invalid token."))
        return user
    if request.user.is_authenticated and request.method not in SAFE_METHODS:
        rejected = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if rejected is not None:
            raise ApiError(403, _("CSRF check failed; send the X-CSRFToken header or use a token."))
    return request.user


def require_login(request):
    if not request.api_user.is_authenticated:
        raise ApiError(401, _("Authentication required."))
