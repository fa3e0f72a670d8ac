"""Addresses people trust (issue 22): an unconfirmed address blocks nobody, sign-up and reset
answer alike whether or not an account exists (the mail says what happened), a reset to an
unconfirmed address explains itself."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a long river stone"


def sign_up(username, email, client=None):
    client = client or Client()
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data)


def confirm(message, client=None):
    client = client or Client()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    return client.post(link, follow=True)


def reset(email):
    return Client().post("/accounts/password/reset/", {"email": email})


def test_a_squatters_unconfirmed_address_stops_neither_the_owners_signup_nor_reset(mailoutbox):
    """The finding: "squatter" signing up with Victim@Example.com (never confirmed) made the
    victim's own sign-up fail, and the victim could not reset either."""
    sign_up("squatter", "Victim@Example.com")
    mailoutbox.clear()
    cache.clear()  # minutes later: allauth mails an address one link every 3 minutes at most

    response = sign_up("victim", "victim@example.com")

    assert response["Location"] == "/accounts/confirm-email/"
    victim = get_user_model().objects.get(username="victim")
    (confirmation,) = mailoutbox
    assert confirmation.to == ["victim@example.com"] and "victim" in confirmation.body
    confirm(confirmation)
    assert EmailAddress.objects.get(user=victim).verified
    # Confirmed by its owner, the address is nobody else's: the squatter's copy is gone.
    squatter = get_user_model().objects.get(username="squatter")
    assert not EmailAddress.objects.filter(user=squatter).exists() and squatter.email == ""

    mailoutbox.clear()
    reset("VICTIM@example.com")
    (message,) = mailoutbox
    assert message.to == ["victim@example.com"] and "/accounts/password/reset/key/" in message.body
    assert "victim" in message.body and "squatter" not in message.body


def test_signup_answers_alike_whether_or_not_the_address_has_an_account(user, mailoutbox):
    fresh = sign_up("newcomer", "new@example.com")
    mailoutbox.clear()

    taken = sign_up("prober", "ALICE@example.com")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert not get_user_model().objects.filter(username="prober").exists()
    (message,) = mailoutbox  # the owner learns someone tried
    assert message.to == ["alice@example.com"]
    assert "already" in message.body and "/accounts/password/reset/" in message.body


def test_reset_answers_alike_and_the_mail_says_what_happened(user, mailoutbox):
    sign_up("unconfirmed", "typo@example.com")
    mailoutbox.clear()

    answers = [reset(address) for address in ("alice@example.com", "typo@example.com", "nobody@example.com")]

    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/accounts/password/reset/done/")
    }
    confirmed, unconfirmed, unknown = mailoutbox
    assert confirmed.to == ["alice@example.com"] and "/accounts/password/reset/key/" in confirmed.body
    # Not silence: the mail explains why there is no link, and what to do.
    assert unconfirmed.to == ["typo@example.com"] and "/password/reset/key/" not in unconfirmed.body
    assert "never confirmed" in unconfirmed.body and "/accounts/signup/" in unconfirmed.body
    assert unknown.to == ["nobody@example.com"] and "/accounts/password/reset/key/" not in unknown.body


def test_reset_mail_to_an_unconfirmed_address_in_korean(mailoutbox):
    sign_up("minji", "minji@example.com", Client(HTTP_ACCEPT_LANGUAGE="ko"))
    mailoutbox.clear()

    reset("minji@example.com")

    (message,) = mailoutbox
    assert "확인" in message.subject and "never confirmed" not in message.body


def test_password_reset_requests_are_limited_per_address_whatever_its_case(settings, mailoutbox):
    """From three addresses (so the per-IP limit is never reached): allauth's per-address count
    holds across the spellings a mailbox receives alike."""
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "100/h/ip,2/h/key"}
    spellings = ["bob@example.com", "Bob@Example.com", "BOB@EXAMPLE.COM"]

    responses = [
        Client(REMOTE_ADDR=f"203.0.113.{number}").post("/accounts/password/reset/", {"email": address})
        for number, address in enumerate(spellings, start=1)
    ]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert responses[-1]["Retry-After"]
