"""Rate limits on uploads, logins and sign-ups (gallery.services.ratelimit), per user, IP and username."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from gallery.services import ratelimit
from gallery.tests.factories import upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "rate"),
    [("30/h", (30, 3600)), ("10/5m", (10, 300)), ("1/s", (1, 1)), (" 7 / 2d ", (7, 172_800))],
)
def test_rates_are_parsed(text, rate):
    assert ratelimit.Rate.parse(text) == ratelimit.Rate(*rate)


@pytest.mark.parametrize("text", ["", "30", "30/w", "x/h", "-1/h"])
def test_a_bad_rate_is_refused(text):
    with pytest.raises(ValueError, match="not a rate"):
        ratelimit.Rate.parse(text)


def test_a_window_opens_again_when_it_ends():
    rate = ratelimit.Rate(2, 60)
    start = 1_000_000 * 60

    hits = [ratelimit.allow("test", "k", rate, now=start + second) for second in (0, 1, 2, 59)]
    after = ratelimit.allow("test", "k", rate, now=start + 60)

    assert hits == [True, True, False, False]
    assert after is True


def test_a_first_batch_of_22_photos_is_stored_whole(aws, logged_in_client, clock):
    responses = []
    for n in range(22):
        responses.append(logged_in_client.post("/upload/", {"title": f"p{n}", "image": upload()}))
        clock.advance(2)

    assert [response.status_code for response in responses] == [302] * 22


def test_the_quota_counts_stored_photos_only_and_says_when_it_reopens(aws, logged_in_client, settings, clock):
    settings.PHOTOSHARE_UPLOAD_QUOTA = "2/d"
    clock.advance(86_400 - 90)  # 90 seconds before the day's window ends

    failed = [
        logged_in_client.post("/upload/", {"title": "bad", "image": upload(data=b"no")}) for _ in range(3)
    ]
    stored = [logged_in_client.post("/upload/", {"title": f"p{n}", "image": upload()}) for n in range(2)]
    refused = logged_in_client.post("/upload/", {"title": "p3", "image": upload()})

    assert [response.status_code for response in failed] == [400] * 3  # gave their places back
    assert [response.status_code for response in stored] == [302, 302]
    assert refused.status_code == 429 and refused["Retry-After"] == "90"
    assert "as many photos as an account may in a day" in refused.content.decode()
    assert len({key.split("/")[1] for key in aws.object_keys()}) == 2
    clock.advance(90)
    assert logged_in_client.post("/upload/", {"title": "p4", "image": upload()}).status_code == 302


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


def test_api_uploads_share_the_quota_with_the_site(aws, user, logged_in_client, settings, clock):
    settings.PHOTOSHARE_UPLOAD_QUOTA = "1/h"
    api = Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})
    clock.advance(3000)

    first = logged_in_client.post("/upload/", {"title": "one", "image": upload()})
    second = api.post("/api/photos/", {"title": "two", "image": upload()})

    assert first.status_code == 302
    assert second.status_code == 429 and second["Retry-After"] == "600"
    assert "as many photos" in second.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_counters_work_on_the_database_cache_the_deployment_uses(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ratelimit_test"},
    }
    call_command("createcachetable", verbosity=0)
    rate = ratelimit.Rate(2, 60)

    hits = [ratelimit.allow("db", "k", rate, now=120.0) for _ in range(3)]

    assert hits == [True, True, False]
