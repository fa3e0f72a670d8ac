"""The language of a signed-in user's pages: the one saved on their account wins over the
browser's cookie and Accept-Language (which LocaleMiddleware reads for everyone else).

The saved code is copied into the session when the user signs in (and when they switch), so a
page costs no query for it; signing in on another browser brings it along.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from accounts.models import AccountLanguage

SESSION_KEY = "account_language"


def supported(code):
    return code in dict(settings.LANGUAGES)


def remember(request, code):
    """Save `code` as the signed-in user's language (set_language, sign-up)."""
    if supported(code) and request.user.is_authenticated:
        AccountLanguage.remember(request.user, code)
        request.session[SESSION_KEY] = code


@receiver(user_logged_in)
def bring_saved_language(sender, request, user, **kwargs):
    code = AccountLanguage.of(user)
    if request is not None and hasattr(request, "session") and code:
        request.session[SESSION_KEY] = code


class AccountLanguageMiddleware:
    """After AuthenticationMiddleware: activates the account's language for the request, and
    sets the language cookie to it, so the choice stays after logging out on this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a request with a session cookie can be signed in: others never load a session.
        session = getattr(request, "session", None)
        signed = session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES
        code = session.get(SESSION_KEY) if signed else None
        if not (code and supported(code)):
            return self.get_response(request)
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code and not response.cookies.get(
            settings.LANGUAGE_COOKIE_NAME
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
