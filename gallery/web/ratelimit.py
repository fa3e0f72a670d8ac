"""The request side of the rate limits (the counting is gallery.services.ratelimit): who is
asking (`client_ip`, the keys of a request) and every limit a view applies, named once here:
the views and the API apply these, never a scope and a setting of their own.

    upload burst    per IP, every upload POST counted (failed ones too): stops floods
    comments        per user and per IP, every comment written or edited (site and API)
    reports         per user, every report sent to staff

The account pages' limits (failed logins per IP and per username, sign-ups per IP, password
resets per IP and per address) are django-allauth's, ACCOUNT_RATE_LIMITS in settings; its
adapter (accounts.adapter) takes the client's IP and the username's form from here.
"""

import functools
import logging
import unicodedata
from dataclasses import dataclass

from django.conf import settings

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


def ip_keys(request):
    return [f"ip:{client_ip(request)}"]


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


# The same for the site's form, the API's upload and a direct upload's start; the quota of stored
# photos is counted where a photo is stored (gallery.services.ratelimit.upload_quota).
UPLOAD_BURST = RequestLimit("upload-burst", "PHOTOSHARE_UPLOAD_BURST_RATE", ip_keys)


def user_and_ip_keys(request):
    user = getattr(request, "api_user", None) or request.user
    return [f"user:{user.pk}", *ip_keys(request)]


def user_keys(request):
    user = getattr(request, "api_user", None) or request.user
    return [f"user:{user.pk}"]


# Comments written or edited, on the photo page and through the API alike.
COMMENT_RATE = RequestLimit("comments", "PHOTOSHARE_COMMENT_RATE", user_and_ip_keys)
# Reports to staff: one per user per few minutes is plenty; more is a flood of the queue.
REPORT_RATE = RequestLimit("reports", "PHOTOSHARE_REPORT_RATE", user_keys)
