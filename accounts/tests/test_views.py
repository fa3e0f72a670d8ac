"""Accounts through the site (accounts.views): sign-up with email, the mailed confirmation
link, the account page, password reset and change, login, logout (API tokens: test_token_views)."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import emails as accounts
from accounts.models import AccountEmail

pytestmark = pytest.mark.django_db

PASSWORD = "a long river stone"


def test_signup_creates_the_account_logs_in_and_opens_the_upload_form(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "bob", "email": "bob@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [("/upload/", 302)]
    assert get_user_model().objects.filter(username="bob").exists()
    assert response.context["user"].username == "bob"
    assert "Welcome, bob!" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [("12345678", "This password is entirely numeric."), ("abc", "This password is too short.")],
)
def test_signup_applies_djangos_password_validators(client, password, message):
    response = client.post(
        "/accounts/signup/",
        {"username": "bob", "email": "bob@example.com", "password1": password, "password2": password},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="bob").exists()


def test_signup_rejects_a_taken_username(client, user):
    response = client.post(
        "/accounts/signup/",
        {"username": "alice", "email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert "A user with that username already exists." in response.content.decode()


def test_login_and_logout(client, user):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}, follow=True
    )
    assert response.context["user"].is_authenticated

    assert client.get("/accounts/logout/").status_code == 405  # logging out takes a POST
    response = client.post("/accounts/logout/", follow=True)

    assert not response.context["user"].is_authenticated


def test_wrong_password_shows_an_error(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    assert "Please enter a correct username and password." in response.content.decode()


def test_admin_lists_users_for_staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "a long river stone")
    client.force_login(admin)

    response = client.get("/admin/auth/user/")

    assert response.status_code == 200
    assert "root" in response.content.decode()


def test_the_old_api_token_page_sends_to_the_tokens_page(logged_in_client):
    response = logged_in_client.get("/accounts/api-token/")

    assert (response.status_code, response["Location"]) == (301, "/accounts/tokens/")


def sign_up(client, username="bob", email="bob@example.com"):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_signup_needs_an_email_address_no_other_account_has(client, user):
    AccountEmail.objects.create(user=user, address="alice@example.com")

    missing = client.post(
        "/accounts/signup/", {"username": "bob", "password1": PASSWORD, "password2": PASSWORD}
    )
    taken = sign_up(Client(), email="  ALICE@Example.com ")

    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    assert taken.status_code == 400
    assert "Another account already uses this email address." in taken.content.decode()
    assert not get_user_model().objects.filter(username="bob").exists()


def test_the_mailed_link_confirms_the_address(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert AccountEmail.objects.get(user__username="bob").address == "bob@example.com"
    assert not AccountEmail.objects.get(user__username="bob").verified
    (message,) = mailoutbox
    assert message.to == ["bob@example.com"] and "Confirm your email" in message.subject

    confirmed = Client().get(link_in(message), follow=True)

    assert "bob@example.com is confirmed." in confirmed.content.decode()
    assert AccountEmail.objects.get(user__username="bob").verified


def test_a_forged_expired_or_outdated_link_confirms_nothing(client, mailoutbox):
    sign_up(client)
    link = link_in(mailoutbox[0])
    user = get_user_model().objects.get(username="bob")

    forged = Client().get(link[:-3] + "xyz/")
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 4 * 86400):
        expired = Client().get(link)
    accounts.set_address(user, "bob@elsewhere.example")  # the link was for the old address
    outdated = Client().get(link)

    assert [forged.status_code, expired.status_code, outdated.status_code] == [400, 400, 400]
    assert "This link does not work" in outdated.content.decode()
    assert not AccountEmail.objects.get(user=user).verified


def test_the_account_page_changes_the_address_and_asks_to_confirm_it_again(client, mailoutbox):
    sign_up(client)
    Client().get(link_in(mailoutbox[0]))

    page = client.get("/accounts/").content.decode()
    assert "bob@example.com" in page and "confirmed" in page
    response = client.post("/accounts/", {"email": "Bob@New.example"}, follow=True)

    assert "Your address is changed." in response.content.decode()
    account_email = AccountEmail.objects.get(user__username="bob")
    assert (account_email.address, account_email.verified) == ("bob@new.example", False)
    assert mailoutbox[-1].to == ["bob@new.example"]
    client.post("/accounts/email/resend/")
    assert len(mailoutbox) == 3


def test_a_mail_service_that_fails_does_not_fail_the_signup(client, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "accounts.tests.test_views.RefusingBackend"}}

    response = sign_up(client)

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="bob").exists()
    page = client.get("/upload/").content.decode()
    assert "We could not send the confirmation mail" in page
    assert "could not send the verification link" in caplog.text


class RefusingBackend:
    def __init__(self, **options):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_password_reset_mails_only_confirmed_addresses_and_the_link_works(client, mailoutbox):
    sign_up(client, "bob", "bob@example.com")
    sign_up(Client(), "carol", "carol@example.com")
    Client().get(link_in(mailoutbox[0]))  # bob confirms; carol does not
    mailoutbox.clear()

    for address in ("BOB@example.com", "carol@example.com", "nobody@example.com"):
        response = Client().post("/accounts/password_reset/", {"email": address})
        assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"

    (message,) = mailoutbox
    assert message.to == ["bob@example.com"]
    visitor = Client()  # the link's token moves into this browser's session
    form = visitor.get(link_in(message), follow=True)
    new_password = {"new_password1": "another river stone", "new_password2": "another river stone"}
    done = visitor.post(form.redirect_chain[-1][0], new_password)
    assert done.status_code == 302
    assert Client().login(username="bob", password="another river stone")


def test_password_reset_requests_are_rate_limited(client, settings, mailoutbox):
    settings.PHOTOSHARE_PASSWORD_RESET_RATE = "2/h"
    responses = [Client().post("/accounts/password_reset/", {"email": "bob@example.com"}) for _ in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 429]


def test_password_change_through_djangos_views(logged_in_client, user):
    response = logged_in_client.post(
        "/accounts/password_change/",
        {"old_password": "correct horse battery", "new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )

    assert "Your password is changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_requests_for_one_address_count_together_whatever_its_case(settings, mailoutbox):
    """From three addresses (so the IP's own limit is never reached): the address's limit holds
    across spellings a mailbox receives alike."""
    settings.PHOTOSHARE_PASSWORD_RESET_RATE = "2/h"
    spellings = ["bob@example.com", "Bob@Example.com", "BOB@EXAMPLE.COM"]

    responses = [
        Client(REMOTE_ADDR=f"203.0.113.{number}").post("/accounts/password_reset/", {"email": address})
        for number, address in enumerate(spellings, start=1)
    ]

    assert [response.status_code for response in responses] == [302, 302, 429]
