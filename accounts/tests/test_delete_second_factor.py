""" "Delete my account" with a second factor (accounts.forms.DeleteAccountForm, the one rule of
accounts/factors.py): an authenticator app's code or a recovery code typed in the form, or a
passkey proved through allauth's re-authentication just before (its session record stands in
here; the real passkey in a browser: gallery/tests/test_browser_mfa.py), on the page and through
DELETE /api/me/."""

import json
from unittest import mock

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY, record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from accounts.tests.test_mfa import NOW, totp
from gallery.tests.factories import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the `user` fixture's
PASSKEY_STEP = "/accounts/2fa/webauthn/reauthenticate/?next=%2Faccounts%2Fdelete%2F"


@pytest.fixture(autouse=True)
def fixed_clock():
    with mock.patch("allauth.mfa.totp.internal.auth.time", mock.Mock(time=mock.Mock(return_value=NOW))):
        yield


def add_passkey(user):
    """A passkey as allauth keeps one, with the recovery codes allauth makes beside the first."""
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop"})
    return RecoveryCodes.activate(user)


def add_app(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def proved(client, user, ago=0, type=Authenticator.Type.WEBAUTHN):
    """The record allauth's passkey re-authentication leaves in the session, `ago` seconds old."""
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "mfa", type=type, reauthenticated=True)
    records = request.session[AUTHENTICATION_METHODS_SESSION_KEY]
    records[-1]["at"] -= ago
    request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    request.session.save()


def recovery_code(user):
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(codes).get_unused_codes()[0]


def still_there(user):
    return get_user_model().objects.get(pk=user.pk).is_active


def test_a_passkey_user_confirms_with_the_passkey_then_the_password_deletes(aws, user):
    add_passkey(user)
    browser = client_for(user)
    page = browser.get("/accounts/delete/").content.decode()
    assert "Confirm with a passkey" in page and PASSKEY_STEP.replace("&", "&amp;") in page

    proved(browser, user)
    page = browser.get("/accounts/delete/").content.decode()
    assert "Confirm with a passkey" not in page and 'name="code"' not in page
    response = browser.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302 and not still_there(user)


def test_a_passkey_user_without_the_passkey_or_a_code_is_refused(aws, user):
    add_passkey(user)
    browser = client_for(user)
    response = browser.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 400
    assert "Confirm with your passkey first, or type a code." in response.content.decode()
    assert still_there(user)


def test_a_stale_proof_is_not_enough(aws, user):
    add_passkey(user)
    browser = client_for(user)
    proved(browser, user, ago=account_settings.REAUTHENTICATION_TIMEOUT + 1)

    assert browser.post("/accounts/delete/", {"password": PASSWORD}).status_code == 400
    assert still_there(user)


def test_a_passkey_user_may_type_a_recovery_code_instead(aws, user):
    code = add_passkey(user).get_unused_codes()[0]
    browser = client_for(user)
    assert "A recovery code, instead of the passkey" in browser.get("/accounts/delete/").content.decode()

    response = browser.post("/accounts/delete/", {"password": PASSWORD, "code": code})

    assert response.status_code == 302 and not still_there(user)


def test_the_passkey_does_not_replace_the_password(aws, user):
    add_passkey(user)
    browser = client_for(user)
    proved(browser, user)

    response = browser.post("/accounts/delete/", {"password": "not it"})

    assert response.status_code == 400 and still_there(user)


def test_an_app_user_gives_a_code_and_a_wrong_one_is_refused(aws, user):
    secret = add_app(user)
    browser = client_for(user)
    page = browser.get("/accounts/delete/").content.decode()
    assert "A code from your authenticator app, or a recovery code" in page
    other = "000000" if totp(secret) != "000000" else "111111"

    assert browser.post("/accounts/delete/", {"password": PASSWORD}).status_code == 400
    assert browser.post("/accounts/delete/", {"password": PASSWORD, "code": other}).status_code == 400
    assert still_there(user)
    assert browser.post("/accounts/delete/", {"password": PASSWORD, "code": totp(secret)}).status_code == 302
    assert not still_there(user)


def test_an_app_user_may_give_a_recovery_code(aws, user):
    add_app(user)
    browser = client_for(user)

    response = browser.post("/accounts/delete/", {"password": PASSWORD, "code": recovery_code(user)})

    assert response.status_code == 302 and not still_there(user)


def test_recovery_codes_alone_are_no_second_factor(aws, user):
    RecoveryCodes.activate(user)
    browser = client_for(user)
    assert 'name="code"' not in browser.get("/accounts/delete/").content.decode()

    assert browser.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302


def test_the_page_in_korean(aws, user):
    add_passkey(user)
    page = client_for(user).get("/accounts/delete/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "패스키로 확인하기" in page


def delete_me(client, body):
    return client.delete("/api/me/", json.dumps(body), content_type="application/json")


def test_the_api_takes_the_passkey_proved_in_the_session(aws, user):
    add_passkey(user)
    browser = client_for(user)
    refused = delete_me(browser, {"password": PASSWORD})
    assert refused.status_code == 400
    assert refused.json()["errors"]["__all__"] == ["Confirm with your passkey first, or type a code."]
    assert still_there(user)

    proved(browser, user)

    assert delete_me(browser, {"password": PASSWORD}).status_code == 202 and not still_there(user)


def test_the_api_takes_an_app_code(aws, user):
    secret = add_app(user)
    browser = client_for(user)
    assert delete_me(browser, {"password": PASSWORD}).json()["errors"]["code"]

    assert delete_me(browser, {"password": PASSWORD, "code": totp(secret)}).status_code == 202
