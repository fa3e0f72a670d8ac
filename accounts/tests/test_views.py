"""Accounts through the site, django-allauth's pages as configured here: sign-up with a mailed
confirmation, login with username or address, logout, password reset and change, the address
page (API tokens: test_token_views; unconfirmed addresses and enumeration: test_addresses)."""

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from gallery.tests.factories import admin_client_for

pytestmark = pytest.mark.django_db

PASSWORD = "a long river stone"


def sign_up(client, username="bob", email="bob@example.com", **extra):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        **extra,
    )


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def confirm(message, client=None):
    """Follows the mailed link as its reader does: the page, then its button (a POST)."""
    client = client or Client()
    link = link_in(message)
    assert client.get(link).status_code == 200
    return client.post(link, follow=True)


def test_signup_mails_a_link_and_the_confirmed_account_opens_the_upload_form(client, mailoutbox):
    response = sign_up(client)

    assert (response.status_code, response["Location"]) == (302, "/accounts/confirm-email/")
    assert (
        "We have sent an email to you for verification" in client.get(response["Location"]).content.decode()
    )
    assert not client.get("/upload/").wsgi_request.user.is_authenticated  # not before confirming
    (message,) = mailoutbox
    assert message.to == ["bob@example.com"]

    confirmed = confirm(message, client)

    assert confirmed.redirect_chain[-1][0] == "/upload/"
    assert confirmed.context["user"].username == "bob"
    assert EmailAddress.objects.get(user__username="bob", email="bob@example.com").verified


@pytest.mark.parametrize(
    ("password", "message"),
    [("12345678", "This password is entirely numeric."), ("abc", "This password is too short.")],
)
def test_signup_applies_djangos_password_validators(client, password, message):
    response = client.post(
        "/accounts/signup/",
        {"username": "bob", "email": "bob@example.com", "password1": password, "password2": password},
    )

    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="bob").exists()


def test_signup_needs_an_address_and_a_free_username(client, user):
    missing = client.post(
        "/accounts/signup/", {"username": "bob", "password1": PASSWORD, "password2": PASSWORD}
    )
    # Usernames are public (every gallery page shows them): telling one is taken tells nothing new.
    taken = sign_up(Client(), username="alice", email="new@example.com")

    assert "This field is required." in missing.content.decode()
    assert "A user with that username already exists." in taken.content.decode()
    assert get_user_model().objects.filter(username="bob").count() == 0


def test_login_with_username_or_address_and_logout(user):
    for login in ("alice", "Alice@Example.com"):
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": login, "password": "correct horse battery"}, follow=True
        )
        assert response.context["user"].is_authenticated, login

        page = client.get("/accounts/logout/")  # asks; only the POST logs out
        assert page.status_code == 200 and page.wsgi_request.user.is_authenticated
        response = client.post("/accounts/logout/", follow=True)
        assert not response.context["user"].is_authenticated


def test_wrong_password_shows_an_error(client, user):
    response = client.post("/accounts/login/", {"login": "alice", "password": "wrong"})

    assert "The username and/or password you specified are not correct." in response.content.decode()


def test_an_unconfirmed_account_cannot_log_in_and_gets_a_new_link(client, mailoutbox):
    sign_up(Client())
    mailoutbox.clear()

    response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})

    assert response["Location"] == "/accounts/confirm-email/"
    assert not client.get("/upload/").wsgi_request.user.is_authenticated
    assert mailoutbox == []  # allauth's cooldown: one link per address every 3 minutes
    cache.clear()  # (the counters live in the cache: the minutes have passed)
    client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})
    (message,) = mailoutbox
    assert message.to == ["bob@example.com"]


def test_a_forged_or_expired_link_confirms_nothing(client, mailoutbox):
    sign_up(client)
    link = link_in(mailoutbox[0])

    forged = Client().post(link[:-3] + "xyz/")
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 4 * 86400):
        expired = Client().post(link)  # PHOTOSHARE_EMAIL_VERIFY_DAYS is 3

    for response in (forged, expired):
        assert response.status_code == 404 or "expired or is invalid" in response.content.decode()
    assert not EmailAddress.objects.get(user__username="bob").verified


def test_the_old_account_page_and_reset_address_go_to_allauths(logged_in_client):
    assert logged_in_client.get("/accounts/")["Location"] == "/accounts/email/"
    assert logged_in_client.get("/accounts/password_reset/")["Location"] == "/accounts/password/reset/"
    assert logged_in_client.get("/accounts/api-token/")["Location"] == "/accounts/tokens/"


def test_changing_the_address_confirms_the_new_one_and_tells_the_old_one(logged_in_client, user, mailoutbox):
    response = logged_in_client.post("/accounts/email/", {"action_add": "", "email": "Alice@New.example"})

    assert response.status_code == 302
    (confirmation,) = mailoutbox
    assert confirmation.to == ["alice@new.example"]
    # Until then the confirmed address stays the account's.
    assert EmailAddress.objects.get(user=user, primary=True).email == "alice@example.com"

    confirm(confirmation, logged_in_client)

    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("alice@new.example", True, True)
    ]
    notice = mailoutbox[-1]
    assert notice.to == ["alice@example.com"] and "alice@new.example" in notice.body


def test_a_mail_service_that_fails_does_not_fail_the_signup(client, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "accounts.tests.test_views.RefusingBackend"}}

    response = sign_up(client, follow=True)

    assert response.status_code == 200
    assert get_user_model().objects.filter(username="bob").exists()
    assert "We could not send the mail" in response.content.decode()
    assert "could not send account/email/email_confirmation_signup" in caplog.text


class RefusingBackend:
    def __init__(self, **options):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_password_reset_link_works_and_logs_other_browsers_out_of_nothing_but_tokens(user, mailoutbox):
    response = Client().post("/accounts/password/reset/", {"email": "ALICE@example.com"})

    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = mailoutbox
    assert message.to == ["alice@example.com"]
    visitor = Client()  # the link's key moves into this browser's session
    form = visitor.get(link_in(message), follow=True)
    new_password = {"password1": "another river stone", "password2": "another river stone"}
    done = visitor.post(form.redirect_chain[-1][0], new_password)
    assert done.status_code == 302
    assert Client().login(username="alice", password="another river stone")


def test_password_change(logged_in_client, user, mailoutbox):
    elsewhere = Client()
    login = elsewhere.post("/accounts/login/", {"login": "alice", "password": "correct horse battery"})
    assert login.status_code == 302
    response = logged_in_client.post(
        "/accounts/password/change/",
        {"oldpassword": "correct horse battery", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )

    assert "Password successfully changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert response.context["user"].is_authenticated  # this browser stays in
    assert not elsewhere.get("/accounts/email/").wsgi_request.user.is_authenticated  # the others not
    assert mailoutbox[-1].to == ["alice@example.com"]  # and the owner is told


def test_the_admin_lists_users_for_staff(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client = admin_client_for(admin)

    response = client.get("/admin/auth/user/")

    assert response.status_code == 200
    assert "root" in response.content.decode()
