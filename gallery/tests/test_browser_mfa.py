"""Second factors in a real browser (Debian's chromium through Playwright, the site on gunicorn
at http://localhost, a secure context WebAuthn accepts): a passkey made on the 2FA page with
Chromium's virtual authenticator (DevTools protocol), then logging in with it alone and using it
as the second step after the password; an authenticator app (TOTP codes computed here, RFC 6238)
and a recovery code that works once. The pages pass axe-core at 390 and 1280 px."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from gallery.tests.factories import confirmed_user
from gallery.tests.test_browser import (  # noqa: F401 - fixtures
    DESKTOP,
    PASSWORD,
    PHONE,
    accessibility_problems,
    browser,
    site,
    watch_for_problems,
)

pytestmark = pytest.mark.browser


def new_tab(browser, site):  # noqa: F811
    # localhost, not 127.0.0.1: WebAuthn refuses an IP address as the relying party's id.
    base = site.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=base, viewport=DESKTOP)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.problems = watch_for_problems(tab)
    return tab


def virtual_authenticator(tab):
    """A platform authenticator (like a laptop's fingerprint reader) that holds passkeys and
    verifies its user, through Chromium's DevTools protocol."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator


def log_in_with_password(tab, username):
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", username)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("main").get_by_role("button", name="Log in", exact=True).click()


def confirm_password(tab):
    """allauth asks for the password again before any change of factors."""
    tab.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("main").get_by_role("button", name=re.compile("Confirm")).click()


def log_out(tab):
    tab.locator(".site-header").get_by_role("button", name="Log out").click()
    tab.wait_for_url(re.compile(r"/$"))
    assert tab.locator(".who").count() == 0


def assert_signed_in_as(tab, username):
    tab.wait_for_url(re.compile(r"/$"))
    expect(tab.locator(".who")).to_contain_text(username)


def axe_at_both_widths(tab):
    found = {}
    for viewport in (DESKTOP, PHONE):
        tab.set_viewport_size(viewport)
        found[viewport["width"]] = accessibility_problems(tab)
    tab.set_viewport_size(DESKTOP)
    return {width: problems for width, problems in found.items() if problems}


def add_a_passkey(tab, check=False):
    """The 2FA page's "Add a passkey" named "Laptop" (after the password, as allauth asks);
    `check`: its pages pass axe at both widths and the passwordless box is ticked."""
    tab.goto("/accounts/2fa/")
    if check:
        assert axe_at_both_widths(tab) == {}
    tab.locator("main").get_by_role("link", name="Add a passkey").click()
    confirm_password(tab)
    tab.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    if check:
        assert axe_at_both_widths(tab) == {}
        expect(tab.get_by_label("Also log in with it, without the password")).to_be_checked()
    tab.get_by_label("Name").fill("Laptop")
    tab.locator("#mfa_webauthn_add").click()
    tab.wait_for_url(lambda url: "/webauthn/add/" not in url)


def test_a_passkey_is_added_then_logs_in_alone_and_as_the_second_step(browser, site):  # noqa: F811
    user = confirmed_user("mina", PASSWORD)
    tab = new_tab(browser, site)
    cdp, authenticator = virtual_authenticator(tab)
    log_in_with_password(tab, "mina")
    assert_signed_in_as(tab, "mina")

    add_a_passkey(tab, check=True)

    passkey = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Laptop" and passkey.wrap().is_passwordless
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(stored) == 1 and stored[0]["isResidentCredential"]
    tab.goto("/accounts/2fa/webauthn/")
    expect(tab.locator("main")).to_contain_text("Laptop")
    assert axe_at_both_widths(tab) == {}

    # Log out, then in with the passkey alone: no username, no password.
    log_out(tab)
    tab.goto("/accounts/login/")
    assert axe_at_both_widths(tab) == {}
    tab.get_by_role("button", name="Log in with a passkey").click()
    assert_signed_in_as(tab, "mina")

    # Log out, then in with the password: the passkey is asked for as the second step.
    log_out(tab)
    log_in_with_password(tab, "mina")
    tab.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert tab.locator(".who").count() == 0
    assert axe_at_both_widths(tab) == {}
    tab.get_by_role("button", name="Use a security key").click()
    assert_signed_in_as(tab, "mina")
    assert tab.problems == []


def totp(secret, at):
    """RFC 6238: HOTP (RFC 4226) over the 30-second counter."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06}"


def current_code(secret):
    """This period's code, with at least 5 s of it left (the server checks it against its own
    clock: the browser round trip must end in the same period)."""
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.5)
    return totp(secret, time.time())


def test_an_authenticator_app_and_a_recovery_code_that_works_once(browser, site):  # noqa: F811
    confirmed_user("jun", PASSWORD)
    tab = new_tab(browser, site)
    log_in_with_password(tab, "jun")
    assert_signed_in_as(tab, "jun")

    tab.goto("/accounts/2fa/")
    tab.locator("main").get_by_role("link", name="Set up an authenticator app").click()
    confirm_password(tab)
    tab.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert axe_at_both_widths(tab) == {}
    secret = tab.locator("#authenticator_secret").input_value()
    tab.fill("input[name=code]", current_code(secret))
    tab.locator("main").get_by_role("button", name="Activate").click()
    tab.wait_for_url(lambda url: "/totp/activate/" not in url)

    tab.goto("/accounts/2fa/recovery-codes/")
    assert axe_at_both_widths(tab) == {}
    codes = re.findall(r"\b\d{8}\b", tab.locator("main textarea").input_value())
    assert len(codes) == 10

    log_out(tab)
    log_in_with_password(tab, "jun")
    tab.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    tab.fill("input[name=code]", current_code(secret))
    tab.locator("main").get_by_role("button", name="Sign In").click()
    assert_signed_in_as(tab, "jun")

    def second_step_with(code):
        log_out(tab)
        log_in_with_password(tab, "jun")
        tab.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        tab.fill("input[name=code]", code)
        tab.locator("main").get_by_role("button", name="Sign In").click()

    second_step_with(codes[0])
    assert_signed_in_as(tab, "jun")
    second_step_with(codes[0])  # spent: refused
    expect(tab.locator("main")).to_contain_text("Incorrect code.")
    assert tab.locator(".who").count() == 0


def test_a_passkey_only_user_deletes_their_account_with_the_passkey(browser, site):  # noqa: F811
    """ "Delete my account" asks for the passkey (allauth's WebAuthn re-authentication), then the
    password; a recovery code is offered instead, never required."""
    user = confirmed_user("hana", PASSWORD)
    tab = new_tab(browser, site)
    virtual_authenticator(tab)
    log_in_with_password(tab, "hana")
    assert_signed_in_as(tab, "hana")
    add_a_passkey(tab)

    tab.goto("/accounts/delete/")
    assert axe_at_both_widths(tab) == {}
    main = tab.locator("main")
    # The recovery codes allauth made beside the passkey may stand in; no app code is asked.
    expect(main.get_by_label("A recovery code, instead of the passkey")).not_to_have_attribute("required", "")
    main.get_by_role("link", name="Confirm with a passkey").click()
    tab.wait_for_url(re.compile(r"/accounts/2fa/webauthn/reauthenticate/"))
    assert axe_at_both_widths(tab) == {}
    main.get_by_role("button", name="Use a security key").click()
    tab.wait_for_url(re.compile(r"/accounts/delete/$"))
    expect(main).to_contain_text("You confirmed your second factor a moment ago")
    assert axe_at_both_widths(tab) == {}
    tab.fill("input[name=password]", PASSWORD)
    main.get_by_role("button", name="Delete my account for good").click()

    tab.wait_for_url(re.compile(r"/$"))
    expect(tab.locator("body")).to_contain_text("Your account is being deleted.")
    assert tab.locator(".who").count() == 0
    user.refresh_from_db()
    assert not user.is_active
    assert tab.problems == []
