"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): lock-outs
only the attacker feels.

A successful login gives the browser a signed cookie naming the account (its id and a random
nonce; up to MAX_ACCOUNTS accounts a browser). When a login is tried, the failed-login counter
per account (allauth's ACCOUNT_RATE_LIMITS "login_failed" .../key, the one owner of the rate)
is chosen here:

- a browser presenting a valid cookie for the account the typed login names counts on its own
  key (`login:<name>:device:<nonce>`): failures from elsewhere never lock it out, and its own
  failures lock out that cookie only;
- every other browser counts on the account's shared key (`login:<name>`): guessing from many
  addresses locks out unknown browsers, not the owner's.

The per-IP count (.../ip) is allauth's and applies to every browser alike.

A password reset or change clears every counter of the account (forget_failures): the strangers'
shared keys under each of its names, and the known browsers' keys, whose nonces only their
cookies hold, by a new generation in those keys (the old counts expire unread).
"""

import secrets

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache

from gallery.web.ratelimit import normalized_username

COOKIE = "photoshare_device"
SALT = "photoshare.accounts.devices"
MAX_ACCOUNTS = 5  # accounts a shared browser remembers; the oldest goes first
PATH = "/accounts/"  # only the account pages (the login form) read it
GENERATION = "photoshare:devices:generation:{user_id}"  # in the cache, beside allauth's counters


def _lifetime():
    return settings.PHOTOSHARE_DEVICE_COOKIE_DAYS * 24 * 3600


def _entries(request):
    """{user id: nonce} from the browser's cookie, or {} if it is missing, forged or expired."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return {}
    try:
        entries = signing.loads(value, salt=SALT, max_age=_lifetime())
    except signing.BadSignature:  # SignatureExpired included
        return {}
    if not isinstance(entries, dict):
        return {}
    return {str(k): str(v) for k, v in entries.items()}


def _names_of(user_id, login):
    """Whether the typed `login` (username or address) is the account `user_id`'s."""
    user = get_user_model().objects.filter(pk=user_id).only("username").first()
    if user is None:
        return False
    wanted = normalized_username(login)
    if normalized_username(user.username) == wanted:
        return True
    addresses = EmailAddress.objects.filter(user_id=user_id, verified=True).values_list("email", flat=True)
    return any(normalized_username(address) == wanted for address in addresses)


def login_failures_key(request, login):
    """The failed-login counter key for `login` typed in this browser (module docstring)."""
    key = _shared_key(login)
    for user_id, nonce in _entries(request).items():
        if _names_of(user_id, login):
            return f"{key}:device:{nonce}{cache.get(GENERATION.format(user_id=user_id), '')}"
    return key


def _shared_key(login):
    return f"login:{normalized_username(login)}"


def forget_failures(request, user):
    """After a password reset or change: every failed-login counter of `user` starts afresh, so
    the owner is locked out nowhere (module docstring). allauth's clear() also clears this
    request's per-IP count, as allauth's own reset does."""
    # Lives as long as a cookie: an older generation's counts expired long before.
    cache.set(GENERATION.format(user_id=user.pk), f":{secrets.token_urlsafe(8)}", timeout=_lifetime())
    names = {user.username, *EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True)}
    for name in {_shared_key(name) for name in names}:
        ratelimit.clear(request, action="login_failed", key=name)


def remember(request, response, user):
    """After a successful login: (re)issue the cookie, keeping this account's nonce if it had one
    (its own failure count follows it) and the other accounts the browser knows."""
    entries = _entries(request)
    nonce = entries.pop(str(user.pk), None) or secrets.token_urlsafe(16)
    entries[str(user.pk)] = nonce  # last: the most recent login
    entries = dict(list(entries.items())[-MAX_ACCOUNTS:])
    response.set_cookie(
        COOKIE,
        signing.dumps(entries, salt=SALT),
        max_age=_lifetime(),
        path=PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
