"""accounts.emails, the email use cases: unique addresses (races included), the signed
verification link, and who may get a password reset."""

import pytest
from django.contrib.auth import get_user_model

from accounts import emails as accounts
from accounts.models import AccountEmail

pytestmark = pytest.mark.django_db


def new_user(name):
    return lambda: get_user_model().objects.create_user(username=name, password="a long river stone")


def test_an_address_lost_to_a_concurrent_signup_rolls_the_new_account_back():
    accounts.sign_up(new_user("first"), "shared@example.com")

    with pytest.raises(accounts.AddressTaken):
        # The form saw the address free; another sign-up stored it meanwhile.
        accounts.sign_up(new_user("second"), "Shared@Example.com")

    assert not get_user_model().objects.filter(username="second").exists()
    assert AccountEmail.objects.get().user.username == "first"


def test_addresses_are_one_per_mailbox_whatever_the_case():
    user = accounts.sign_up(new_user("alice"), "  Alice@Example.COM ")

    assert user.email == "alice@example.com"
    assert accounts.address_taken("ALICE@example.com")
    assert not accounts.address_taken("alice@example.com", except_user=user)


def test_only_verified_active_accounts_with_a_password_get_resets():
    verified = accounts.sign_up(new_user("verified"), "v@example.com")
    AccountEmail.objects.filter(user=verified).update(verified_at="2026-12-01T00:00:00Z")
    accounts.sign_up(new_user("unverified"), "u@example.com")
    inactive = accounts.sign_up(new_user("inactive"), "i@example.com")
    AccountEmail.objects.filter(user=inactive).update(verified_at="2026-12-01T00:00:00Z")
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)

    assert accounts.verified_users("V@example.com") == [verified]
    assert accounts.verified_users("u@example.com") == []
    assert accounts.verified_users("i@example.com") == []


def test_changing_the_address_needs_a_new_verification():
    user = accounts.sign_up(new_user("alice"), "a@example.com")
    AccountEmail.objects.filter(user=user).update(verified_at="2026-12-01T00:00:00Z")

    accounts.set_address(user, "b@example.com")

    assert not AccountEmail.objects.get(user=user).verified
