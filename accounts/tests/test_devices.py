"""Lock-outs only the attacker feels (accounts/devices.py, docs/security.md): a browser that
logged in as a user before carries a signed device cookie, and failures for that username from
elsewhere do not lock it out; unknown browsers share one counter per username; each known
browser has its own."""

import pytest
from django.core import signing
from django.test import Client

from accounts import devices

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
TOO_MANY = "Too many failed login attempts. Try again later."


def login(client, username, password):
    return client.post("/accounts/login/", {"login": username, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def known_browser(username="alice", address="10.9.0.1"):
    """A browser that logged in once as `username` and logged out again."""
    browser = Client(REMOTE_ADDR=address)
    assert login(browser, username, PASSWORD).status_code == 302
    browser.post("/accounts/logout/")
    assert not logged_in(browser)
    return browser


def test_the_real_user_gets_in_from_a_known_browser_after_ten_wrong_passwords_elsewhere(aws, user, settings):
    """The finding: ten wrong passwords for alice from anywhere locked the real alice out."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,10/5m/key"}
    hers = known_browser()

    for n in range(10):
        login(Client(REMOTE_ADDR=f"10.8.0.{n}"), "alice", "guess")
    stranger = Client(REMOTE_ADDR="10.8.1.1")
    refused = login(stranger, "alice", PASSWORD)
    back = login(hers, "alice", PASSWORD)

    assert TOO_MANY in refused.content.decode() and not logged_in(stranger)  # an unknown browser
    assert back.status_code == 302 and logged_in(hers)


def test_a_known_browser_has_its_own_count_of_failures(aws, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,3/5m/key"}
    hers, other = known_browser(), known_browser(address="10.9.0.2")

    answers = [login(hers, "alice", "guess") for _ in range(4)]

    assert [TOO_MANY in answer.content.decode() for answer in answers] == [False, False, False, True]
    assert TOO_MANY in login(hers, "alice", PASSWORD).content.decode()  # this cookie is locked out
    assert login(other, "alice", PASSWORD).status_code == 302  # the other browser is not
    assert login(Client(REMOTE_ADDR="10.8.2.1"), "alice", PASSWORD).status_code == 302  # nor strangers


def test_the_cookie_names_its_user_only(aws, user, bob, settings):
    """alice's browser is unknown to bob's counter: it shares the strangers' lock-out for bob."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,2/5m/key"}
    hers = known_browser()
    for n in range(2):
        login(Client(REMOTE_ADDR=f"10.8.3.{n}"), "bob", "guess")

    assert TOO_MANY in login(hers, "bob", "another long phrase").content.decode()


def test_the_cookie_knows_the_user_by_any_login(aws, user, settings):
    """Logged in with the username, the browser is known when it types the address too."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,2/5m/key"}
    hers = known_browser()
    for n in range(2):
        login(Client(REMOTE_ADDR=f"10.8.4.{n}"), user.email, "guess")

    assert login(hers, user.email.upper(), PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "forged",
    [
        "not signed at all",
        signing.dumps({"1": "nonce"}, salt="another purpose"),
        signing.dumps({"1": "nonce"}, key="a key that is not ours", salt=devices.SALT),
    ],
    # Names that do not change with the signing time: every xdist worker collects the same tests.
    ids=["unsigned", "signed for another purpose", "signed with another key"],
)
def test_a_forged_or_foreign_cookie_counts_as_a_stranger(aws, user, settings, forged):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,2/5m/key"}
    for n in range(2):
        login(Client(REMOTE_ADDR=f"10.8.5.{n}"), "alice", "guess")
    browser = Client(REMOTE_ADDR="10.9.0.3")
    browser.cookies[devices.COOKIE] = forged

    assert TOO_MANY in login(browser, "alice", PASSWORD).content.decode()


def test_an_expired_cookie_counts_as_a_stranger(aws, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,2/5m/key"}
    hers = known_browser()
    for n in range(2):
        login(Client(REMOTE_ADDR=f"10.8.6.{n}"), "alice", "guess")
    settings.PHOTOSHARE_DEVICE_COOKIE_DAYS = 0  # every cookie is older than its life

    assert TOO_MANY in login(hers, "alice", PASSWORD).content.decode()


def test_the_per_address_limit_still_holds_for_a_known_browser(aws, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/5m/ip,100/5m/key"}
    hers = known_browser(address="10.9.0.9")
    for _ in range(2):
        login(Client(REMOTE_ADDR="10.9.0.9"), "alice", "guess")

    assert TOO_MANY in login(hers, "alice", PASSWORD).content.decode()


def test_the_cookie_is_signed_http_only_and_remembers_a_few_accounts(aws, user, bob, settings):
    browser = Client(REMOTE_ADDR="10.9.0.4")
    login(browser, "alice", PASSWORD)
    browser.post("/accounts/logout/")
    answer = login(browser, "bob", "another long phrase")

    cookie = answer.cookies[devices.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/accounts/"
    assert set(signing.loads(cookie.value, salt=devices.SALT)) == {str(user.pk), str(bob.pk)}


def lock_out_everywhere(user, hers):
    """Three wrong passwords from her own browser and three from strangers under each name."""
    for _ in range(3):
        login(hers, "alice", "guess")
    for n, name in enumerate(["alice", "alice", "alice", user.email, user.email, user.email]):
        login(Client(REMOTE_ADDR=f"10.8.7.{n}"), name, "guess")
    assert TOO_MANY in login(hers, "alice", PASSWORD).content.decode()
    assert TOO_MANY in login(Client(REMOTE_ADDR="10.8.8.1"), "alice", PASSWORD).content.decode()
    assert TOO_MANY in login(Client(REMOTE_ADDR="10.8.8.2"), user.email, PASSWORD).content.decode()


def nobody_is_locked_out(user, hers, other, password):
    assert login(hers, "alice", password).status_code == 302
    assert login(other, "alice", password).status_code == 302
    assert login(Client(REMOTE_ADDR="10.8.9.1"), "alice", password).status_code == 302
    assert login(Client(REMOTE_ADDR="10.8.9.2"), user.email, password).status_code == 302


def test_a_password_reset_clears_every_failure_counter_of_the_account(aws, user, settings, mailoutbox):
    """Not only the counter of the browser that finished the reset: the owner's other browsers
    and strangers start afresh too."""
    from accounts.tests.test_views import link_in

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,3/5m/key"}
    hers, other = known_browser(), known_browser(address="10.9.0.2")
    lock_out_everywhere(user, hers)

    resetting = Client(REMOTE_ADDR="10.9.0.5")
    resetting.post("/accounts/password/reset/", {"email": user.email})
    form = resetting.get(link_in(mailoutbox[-1]), follow=True)
    new = "another river stone"
    assert resetting.post(form.redirect_chain[-1][0], {"password1": new, "password2": new}).status_code == 302

    nobody_is_locked_out(user, hers, other, new)


def test_a_password_change_clears_every_failure_counter_of_the_account(aws, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,3/5m/key"}
    hers, other = known_browser(), known_browser(address="10.9.0.2")
    changing = known_browser(address="10.9.0.6")
    assert login(changing, "alice", PASSWORD).status_code == 302
    lock_out_everywhere(user, hers)

    new = "another river stone"
    data = {"oldpassword": PASSWORD, "password1": new, "password2": new}
    assert changing.post("/accounts/password/change/", data).status_code == 302

    nobody_is_locked_out(user, hers, other, new)
