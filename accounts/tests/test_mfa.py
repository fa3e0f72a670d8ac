"""Second factors (allauth.mfa) through the site's pages: an authenticator app (TOTP, codes
computed here per RFC 6238 with a fixed clock), recovery codes that work once, the admin only for
staff who passed a second factor in this session (accounts/staff.py), and API tokens that MFA
leaves alone. Passkeys in a real browser: gallery/tests/test_browser_mfa.py."""

import base64
import hashlib
import hmac
import struct
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from accounts.models import ApiToken
from gallery.tests.factories import admin_client_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NOW = 1_800_000_000  # the TOTP clock: every code below is for this moment


def totp(secret, at=NOW, digits=6, period=30):
    """RFC 6238 (HOTP over the 30-second counter, RFC 4226), independent of allauth's."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", at // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}}"


@pytest.fixture(autouse=True)
def fixed_clock():
    # Only allauth's TOTP module reads this clock (the sessions' clocks stay real).
    with mock.patch("allauth.mfa.totp.internal.auth.time", mock.Mock(time=mock.Mock(return_value=NOW))):
        yield


def log_in(client, login="alice", password=PASSWORD):
    return client.post("/accounts/login/", {"login": login, "password": password})


def enable_totp(client, password=PASSWORD):
    """The 2FA page's "activate" (after confirming the password, as allauth asks before any
    change of factors): the secret the page shows, confirmed with a code."""
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked["Location"], {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown for typing into an app, beside the QR code
    answer = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert answer.status_code == 302, answer.content.decode()
    return secret


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_an_authenticator_app_then_the_login_asks_for_its_code(aws, user):
    browser = Client()
    log_in(browser)
    secret = enable_totp(browser)
    browser.post("/accounts/logout/")

    after_password = log_in(browser)
    assert after_password["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_as(browser) is None  # the password alone is not enough
    other_code = "000000" if totp(secret) != "000000" else "111111"
    wrong = browser.post("/accounts/2fa/authenticate/", {"code": other_code})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    assert signed_in_as(browser) is None

    right = browser.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert right.status_code == 302 and signed_in_as(browser) == str(user.pk)


def test_a_code_is_taken_once(aws, user):
    browser = Client()
    log_in(browser)
    secret = enable_totp(browser)
    browser.post("/accounts/logout/")
    log_in(browser)
    browser.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    browser.post("/accounts/logout/")

    log_in(browser)
    replayed = browser.post("/accounts/2fa/authenticate/", {"code": totp(secret)})

    assert replayed.status_code == 200 and signed_in_as(browser) is None


def test_a_recovery_code_works_once(aws, user):
    browser = Client()
    log_in(browser)
    enable_totp(browser)
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES))
    code = codes.get_unused_codes()[0]
    assert code in browser.get("/accounts/2fa/recovery-codes/").content.decode()
    browser.post("/accounts/logout/")

    log_in(browser)
    first = browser.post("/accounts/2fa/authenticate/", {"code": code})
    assert first.status_code == 302 and signed_in_as(browser) == str(user.pk)
    browser.post("/accounts/logout/")
    log_in(browser)
    again = browser.post("/accounts/2fa/authenticate/", {"code": code})

    assert again.status_code == 200 and signed_in_as(browser) is None
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert len(RecoveryCodes(recovery).get_unused_codes()) == 9


def test_the_two_factor_pages_speak_korean(aws, user):
    browser = Client(headers={"accept-language": "ko"})
    log_in(browser)

    browser.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = browser.get("/accounts/2fa/").content.decode()
    activate = browser.get("/accounts/2fa/totp/activate/").content.decode()
    add_passkey = browser.get("/accounts/2fa/webauthn/add/").content.decode()
    login = Client(headers={"accept-language": "ko"}).get("/accounts/login/").content.decode()

    assert "2단계 인증" in page and "인증 앱 설정하기" in page and "패스키 추가" in page
    assert "인증 앱" in activate
    assert "비밀번호 없이 이 패스키로도 로그인하기" in add_passkey
    assert "패스키로 로그인" in login


@pytest.fixture
def root(django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    EmailAddress.objects.create(user=staff, email="root@example.com", verified=True, primary=True)
    return staff


def test_staff_without_a_second_factor_are_sent_to_set_one_up(aws, root):
    browser = Client()
    log_in(browser, "root")

    to_login = browser.get("/admin/")
    to_setup = browser.get(to_login["Location"])

    assert to_login["Location"] == "/admin/login/?next=/admin/"
    assert to_setup["Location"] == "/accounts/2fa/"
    assert "The admin needs a second factor" in browser.get(to_setup["Location"]).content.decode()
    assert browser.get("/admin/auth/user/").status_code == 302  # not let in anywhere


def test_staff_who_just_added_one_prove_it_then_enter(aws, root):
    browser = Client()
    log_in(browser, "root")
    secret = enable_totp(browser)

    prove = browser.get(browser.get("/admin/")["Location"])
    assert prove["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    assert browser.get("/admin/").status_code == 302  # having one is not passing it
    entered = browser.post(prove["Location"], {"code": totp(secret)})

    assert entered["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_staff_who_logged_in_with_their_code_enter(aws, root):
    browser = Client()
    log_in(browser, "root")
    secret = enable_totp(browser)
    browser.post("/accounts/logout/")
    log_in(browser, "root")
    # The activation checked this period's code without spending it; the login spends it.
    browser.post("/accounts/2fa/authenticate/", {"code": totp(secret)})

    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/login/?next=/admin/auth/user/")["Location"] == "/admin/auth/user/"


def test_a_session_forced_in_without_the_factor_is_kept_out(aws, root):
    """A session that never proved the factor (Django's login(), an old session) stays out."""
    admin_client_for(root)  # gives root an authenticator app
    browser = Client()
    browser.force_login(root)

    assert browser.get("/admin/").status_code == 302
    assert browser.get("/admin/login/?next=/admin/")["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_api_tokens_ignore_the_second_factor_and_still_end_with_the_password(aws, user):
    browser = Client()
    log_in(browser)
    enable_totp(browser)
    key = ApiToken.issue(user)

    assert Client().get("/api/photos/", headers={"Authorization": f"Token {key}"}).status_code == 200
    user.set_password("a brand new passphrase")
    user.save()
    assert ApiToken.user_for(key) is None
