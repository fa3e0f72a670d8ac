"""The limits of requests (gallery.web.ratelimit): uploads, logins, sign-ups per IP and username,
and who the client is."""

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


@pytest.mark.parametrize("look_alike", ["\uff41lice", "\U0001d41alice", "ALICE", " alice "])
def test_look_alike_usernames_share_the_login_counter(aws, user, settings, look_alike):
    settings.PHOTOSHARE_LOGIN_RATE = "2/5m"
    clients = [Client(REMOTE_ADDR=f"10.0.5.{n}") for n in range(3)]

    clients[0].post("/accounts/login/", {"username": "alice", "password": "guess"})
    clients[1].post("/accounts/login/", {"username": look_alike, "password": "guess"})
    third = clients[2].post("/accounts/login/", {"username": look_alike, "password": "correct horse battery"})

    assert third.status_code == 429


def test_logins_past_the_rate_get_429_even_with_the_right_password(aws, user, settings):
    settings.PHOTOSHARE_LOGIN_RATE = "3/5m"
    client = Client(REMOTE_ADDR="10.0.0.9")

    wrong = [client.post("/accounts/login/", {"username": "alice", "password": "guess"}) for _ in range(3)]
    right = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})

    assert [response.status_code for response in wrong] == [200, 200, 200]
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_guessing_one_username_from_many_addresses_is_limited(aws, user, settings):
    settings.PHOTOSHARE_LOGIN_RATE = "3/5m"

    statuses = [
        Client(REMOTE_ADDR=f"10.0.1.{n}")
        .post("/accounts/login/", {"username": "Alice", "password": "guess"})
        .status_code
        for n in range(4)
    ]
    other_user = Client(REMOTE_ADDR="10.0.2.1").post("/accounts/login/", {"username": "bob", "password": "x"})

    assert statuses == [200, 200, 200, 429]
    assert other_user.status_code == 200


def test_the_admin_login_shares_the_login_limit(aws, settings, django_user_model):
    settings.PHOTOSHARE_LOGIN_RATE = "2/5m"
    django_user_model.objects.create_superuser(username="root", password="s3cret-admin-pass")
    client = Client(REMOTE_ADDR="10.0.4.1")

    site = client.post("/accounts/login/", {"username": "root", "password": "guess"})
    admin = client.post("/admin/login/", {"username": "root", "password": "guess"})
    blocked = client.post("/admin/login/", {"username": "root", "password": "s3cret-admin-pass"})

    assert (site.status_code, admin.status_code, blocked.status_code) == (200, 200, 429)
    assert "_auth_user_id" not in client.session


def test_signups_are_limited_per_address(aws, settings):
    settings.PHOTOSHARE_SIGNUP_RATE = "1/h"
    client = Client(REMOTE_ADDR="10.0.3.1")
    form = {"password1": "a long passphrase 42", "password2": "a long passphrase 42"}

    first = client.post("/accounts/signup/", {"username": "first", "email": "first@example.com", **form})
    second = Client(REMOTE_ADDR="10.0.3.1").post(
        "/accounts/signup/", {"username": "second", "email": "second@example.com", **form}
    )

    assert first.status_code == 302 and second.status_code == 429


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


def test_password_resets_count_per_address_in_its_canonical_form(aws, settings):
    """One spelling per mailbox (accounts.emails.canonical_address): another case or spaces do
    not open a second counter for the same address."""
    settings.PHOTOSHARE_PASSWORD_RESET_RATE = "1/h"
    first = Client(REMOTE_ADDR="198.51.100.1").post(
        "/accounts/password_reset/", {"email": "alice@example.com"}
    )
    again = Client(REMOTE_ADDR="198.51.100.2").post(
        "/accounts/password_reset/", {"email": " ALICE@Example.COM "}
    )
    other = Client(REMOTE_ADDR="198.51.100.3").post("/accounts/password_reset/", {"email": "bob@example.com"})

    assert (first.status_code, again.status_code, other.status_code) == (302, 429, 302)
