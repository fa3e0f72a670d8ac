"""The limits of requests: uploads (gallery.web.ratelimit), logins and sign-ups (allauth's, as
accounts.adapter and the settings set them up), and who the client is (password resets:
accounts/tests/test_addresses.py)."""

import pytest
from django.test import Client

from gallery.tests.factories import upload
from gallery.web import ratelimit

pytestmark = pytest.mark.django_db


def test_the_burst_guard_is_per_address_and_counts_every_post(aws, settings, django_user_model, clock):
    settings.PHOTOSHARE_UPLOAD_BURST_RATE = "2/10m"
    alice, bob = (django_user_model.objects.create_user(username=n, password="x") for n in ("alice", "bob"))
    same, other = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    same.force_login(alice)
    other.force_login(bob)
    clock.advance(60)

    statuses = [
        same.post("/upload/", {"title": "x", "image": upload(data=b"no")}).status_code for _ in range(3)
    ]
    blocked = same.post("/upload/", {"title": "x", "image": upload()})

    assert statuses == [400, 400, 429] and blocked.status_code == 429
    assert blocked["Retry-After"] == "540"  # the 10-minute window opened 60 s ago
    assert other.post("/upload/", {"title": "bob", "image": upload()}).status_code == 302


TOO_MANY = "Too many failed login attempts. Try again later."


def login(client, username, password):
    return client.post("/accounts/login/", {"login": username, "password": password})


@pytest.mark.parametrize("look_alike", ["\uff41lice", "\U0001d41alice", "ALICE", " alice "])
def test_look_alike_usernames_share_the_login_counter(aws, user, settings, look_alike):
    """allauth's failed-login count per account, keyed on the username as Django's login form
    reads it (accounts.adapter)."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,2/5m/key"}
    clients = [Client(REMOTE_ADDR=f"10.0.5.{n}") for n in range(3)]

    login(clients[0], "alice", "guess")
    login(clients[1], look_alike, "guess")
    third = login(clients[2], look_alike, "correct horse battery")

    assert TOO_MANY in third.content.decode()
    assert "_auth_user_id" not in clients[2].session


def test_failed_logins_past_the_rate_refuse_even_the_right_password(aws, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,100/5m/key"}
    client = Client(REMOTE_ADDR="10.0.0.9")

    wrong = [login(client, "alice", "guess") for _ in range(3)]
    right = login(client, "alice", "correct horse battery")

    assert [TOO_MANY in response.content.decode() for response in wrong] == [False, False, False]
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert login(Client(REMOTE_ADDR="10.0.0.10"), "alice", "correct horse battery").status_code == 302


def test_guessing_one_username_from_many_addresses_is_limited(aws, user, bob, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/5m/ip,3/5m/key"}

    answers = [login(Client(REMOTE_ADDR=f"10.0.1.{n}"), "Alice", "guess") for n in range(4)]
    other_user = login(Client(REMOTE_ADDR="10.0.2.1"), "bob", "another long phrase")

    assert [TOO_MANY in answer.content.decode() for answer in answers] == [False, False, False, True]
    assert other_user.status_code == 302


def test_the_login_limits_follow_the_photoshare_settings(settings):
    """PHOTOSHARE_LOGIN_RATE and the others set allauth's limits (README's table)."""
    assert {
        "login_failed": f"{settings.PHOTOSHARE_LOGIN_RATE}/ip,{settings.PHOTOSHARE_LOGIN_RATE}/key",
        "signup": f"{settings.PHOTOSHARE_SIGNUP_RATE}/ip",
        "reset_password": (
            f"{settings.PHOTOSHARE_PASSWORD_RESET_RATE}/ip,{settings.PHOTOSHARE_PASSWORD_RESET_RATE}/key"
        ),
    } == settings.ACCOUNT_RATE_LIMITS


def test_signups_are_limited_per_address(aws, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/h/ip"}
    form = {"password1": "a long passphrase 42", "password2": "a long passphrase 42"}

    first = Client(REMOTE_ADDR="10.0.3.1").post(
        "/accounts/signup/", {"username": "first", "email": "first@example.com", **form}
    )
    second = Client(REMOTE_ADDR="10.0.3.1").post(
        "/accounts/signup/", {"username": "second", "email": "second@example.com", **form}
    )
    elsewhere = Client(REMOTE_ADDR="10.0.3.2").post(
        "/accounts/signup/", {"username": "third", "email": "third@example.com", **form}
    )

    assert (first.status_code, second.status_code, elsewhere.status_code) == (302, 429, 302)
    assert second["Retry-After"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's and ignored
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # nginx appended the real address last
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (1, "", "10.0.0.1"),  # header missing: fall back to the connection
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(rf, settings, proxies, forwarded, expected):
    settings.PHOTOSHARE_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert ratelimit.client_ip(request) == expected
