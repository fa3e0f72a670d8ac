"""The one rule of a second factor (accounts/factors.py) on each path: an authenticator app or a
passkey is one, recovery codes alone are not; the admin's gate and "Delete my account" agree."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts import factors
from gallery.tests.factories import client_for, confirmed_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def passkey(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop"})


def app(user):
    TOTP.activate(user, generate_totp_secret())


def codes(user):
    RecoveryCodes.activate(user)


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((), False),
        ((codes,), False),
        ((app,), True),
        ((passkey,), True),
        ((app, codes), True),
        ((passkey, codes), True),
        ((app, passkey, codes), True),
    ],
)
def test_what_counts_as_a_second_factor(kinds, expected):
    user = confirmed_user("dana", PASSWORD)
    for add in kinds:
        add(user)
    assert factors.has_second_factor(user) is expected


@pytest.mark.parametrize(("kinds", "expected"), [((codes,), False), ((app,), True), ((passkey, codes), True)])
def test_the_admin_and_the_delete_form_apply_the_same_rule(aws, django_user_model, kinds, expected):
    staff = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    for add in kinds:
        add(staff)
    browser = client_for(staff)

    sent_to_set_up = browser.get("/admin/login/?next=/admin/")["Location"] == "/accounts/2fa/"
    page = browser.get("/accounts/delete/").content.decode()
    asks_a_factor = 'name="code"' in page or "Confirm with a passkey" in page

    assert sent_to_set_up is not expected
    assert asks_a_factor is expected
