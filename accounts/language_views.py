"""Choosing the language: Django's set_language, which also saves a signed-in user's choice on
their account, and the JavaScript catalog (gettext() in static/js)."""

import time

from django.http import Http404
from django.utils import translation
from django.utils.http import http_date
from django.views import i18n
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from accounts import languages

# Our strings only (locale/, LOCALE_PATHS), not every installed app's (the admin's are many).
_catalog = i18n.JavaScriptCatalog.as_view(domain="djangojs", packages=["gallery"])
_STARTED = http_date(time.time())  # catalogs change only with a deploy (a restart)


@require_POST
def set_language(request):
    """Django's view (the cookie, the redirect to `next`); a signed-in user's choice is saved."""
    response = i18n.set_language(request)
    languages.remember(request, request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER))
    return response


@cache_control(public=True, max_age=86400)
def javascript_catalog(request, language):
    """The catalog of `language`, named in the URL (base.html asks for the page's language): its
    content depends on the URL alone, so browsers and proxies may keep it."""
    if not languages.supported(language):
        raise Http404
    with translation.override(language):
        response = _catalog(request)
    response["Last-Modified"] = _STARTED
    response["Content-Language"] = language
    return response
