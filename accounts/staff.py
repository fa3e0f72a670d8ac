"""Staff enter the admin with a second factor: the one rule (accounts.admin_site applies it to
every admin page, accounts.views.admin_login sends staff where they can satisfy it)."""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

# Recovery codes alone are no second factor: they exist to stand in for one.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user):
    return is_mfa_enabled(user, SECOND_FACTORS)


def passed_second_factor(request):
    """Whether this session proved a second factor (allauth records "mfa" for a code or a
    recovery code after the password, a passkey login, or a re-authentication)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def may_enter_admin(request):
    user = request.user
    return user.is_active and user.is_staff and has_second_factor(user) and passed_second_factor(request)


def second_factor_url(request):
    """Where a staff member who has a second factor proves it in this session (allauth's
    re-authentication with a code, else with a passkey)."""
    methods = get_account_adapter(request).get_reauthentication_methods(request.user)
    return next(method["url"] for method in methods if method["id"].startswith("mfa_reauthenticate"))
