"""Second factors (allauth.mfa): the one rule of whether a user has one and whether this session
proved it. The admin's gate (accounts/staff.py) and "Delete my account" (accounts.forms) both
ask here."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

# Recovery codes alone are no second factor: allauth makes them beside an authenticator app or a
# passkey, to stand in for one that is lost.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user):
    """Whether the user set up an authenticator app or a passkey."""
    return is_mfa_enabled(user, SECOND_FACTORS)


def has_passkey(user):
    return is_mfa_enabled(user, [Authenticator.Type.WEBAUTHN])


def has_totp(user):
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def has_codes(user):
    """Whether a typed code can prove the factor: an authenticator app's, or a recovery code."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES])


def passed_second_factor(request, within=None):
    """Whether this session proved a second factor (allauth records "mfa" for a code or a
    recovery code after the password, a passkey login, or a re-authentication), and, given
    `within` seconds, did so that recently."""
    records = get_authentication_records(request, request.user)
    proofs = [record for record in records if record.get("method") == "mfa"]
    if within is None:
        return bool(proofs)
    return any(time.time() - record["at"] < within for record in proofs)


def recently_passed_second_factor(request):
    """A proof fresh enough to stand for a confirmation: as recent as allauth asks of a
    re-authentication before a change of factors (ACCOUNT_REAUTHENTICATION_TIMEOUT)."""
    return passed_second_factor(request, within=account_settings.REAUTHENTICATION_TIMEOUT)
