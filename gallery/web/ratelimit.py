"""The request side of the rate limits (the counting is gallery.services.ratelimit): who is
asking (`client_ip`, the keys of a request) and every limit a view applies, named once here:
the views and the API apply these, never a scope and a setting of their own.

    login           per IP and per username (as Django's login form normalises it, case-folded)
    signup          per IP
    password reset  per IP and per address (in accounts.emails' canonical form)
    verify resend   per user and IP
    upload burst    per IP, every upload POST counted (failed ones too): stops floods
"""

import functools
import logging
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from accounts.emails import canonical_address
from gallery.services.ratelimit import Rate, TooManyRequests, check

logger = logging.getLogger(__name__)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    Only the last PHOTOSHARE_TRUSTED_PROXY_COUNT entries were written by proxies we run; anything
    before them came from the client and could be forged.
    """
    proxies = settings.PHOTOSHARE_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def normalized_username(username):
    """The username as Django's login form reads it (NFKC), case-folded: full-width and
    mathematical-bold look-alikes ("\uff41lice", "\U0001d41alice") and "ALICE" share alice's
    counter, whichever of them the accounts database lets log in."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def login_keys(request):
    username = normalized_username(request.POST.get("username", ""))
    return [f"ip:{client_ip(request)}", f"username:{username}" if username else None]


def ip_keys(request):
    return [f"ip:{client_ip(request)}"]


def password_reset_keys(request):
    address = canonical_address(request.POST.get("email", ""))
    return [f"ip:{client_ip(request)}", f"email:{address}" if address else None]


def user_keys(request):
    """The signed-in user (API token or session) and the IP: for per-account actions."""
    user = getattr(request, "api_user", None) or getattr(request, "user", None)
    user_key = f"user:{user.pk}" if user is not None and user.is_authenticated else None
    return [user_key, f"ip:{client_ip(request)}"]


@dataclass(frozen=True)
class RequestLimit:
    """A rate (the setting `rate_setting` names) counted per the keys `keys(request)` gives."""

    scope: str
    rate_setting: str
    keys: object

    def check(self, request):
        """Count this request; TooManyRequests (a 429) once any of its keys is over the rate."""
        try:
            check(self.scope, self.keys(request), Rate.setting(self.rate_setting))
        except TooManyRequests:
            logger.warning("rate limit %s exceeded by %s", self.scope, client_ip(request))
            raise

    def on_posts(self, view):
        """View decorator: POSTs are counted (and refused over the rate); other methods pass."""

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                self.check(request)
            return view(request, *args, **kwargs)

        return wrapper


LOGIN = RequestLimit("login", "PHOTOSHARE_LOGIN_RATE", login_keys)
SIGNUP = RequestLimit("signup", "PHOTOSHARE_SIGNUP_RATE", ip_keys)
PASSWORD_RESET = RequestLimit("password-reset", "PHOTOSHARE_PASSWORD_RESET_RATE", password_reset_keys)
VERIFY_RESEND = RequestLimit("verify-resend", "PHOTOSHARE_PASSWORD_RESET_RATE", user_keys)
# The same for the site's form, the API's upload and a direct upload's start; the quota of stored
# photos is counted where a photo is stored (gallery.services.ratelimit.upload_quota).
UPLOAD_BURST = RequestLimit("upload-burst", "PHOTOSHARE_UPLOAD_BURST_RATE", ip_keys)
