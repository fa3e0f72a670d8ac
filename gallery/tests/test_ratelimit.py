"""Rate limits on uploads, logins and sign-ups (gallery.ratelimit), per user, IP and username."""

import pytest
from django.core.management import call_command
from django.test import Client

from gallery import ratelimit
from gallery.models import ApiToken
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


def test_uploads_past_the_rate_get_429_and_store_nothing(aws, logged_in_client, settings):
    settings.PHOTOSHARE_UPLOAD_RATE = "2/h"

    responses = [logged_in_client.post("/upload/", {"title": f"p{n}", "image": upload()}) for n in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert "Too many attempts" in responses[2].content.decode()
    assert responses[2]["Retry-After"]
    assert len({key.split("/")[1] for key in aws.object_keys()}) == 2  # two photos stored
    assert logged_in_client.get("/upload/").status_code == 200  # only POSTs count


def test_the_upload_limit_is_per_user_and_per_address(aws, settings, django_user_model):
    settings.PHOTOSHARE_UPLOAD_RATE = "1/h"
    alice, bob, carol = (
        django_user_model.objects.create_user(username=name, password="x")
        for name in ("alice", "bob", "carol")
    )
    clients = {}
    for user, address in ((alice, "10.0.0.1"), (bob, "10.0.0.2"), (carol, "10.0.0.1")):
        clients[user.username] = Client(REMOTE_ADDR=address)
        clients[user.username].force_login(user)

    def post(name):
        return clients[name].post("/upload/", {"title": name, "image": upload()}).status_code

    assert post("alice") == 302
    assert post("alice") == 429  # same user
    assert post("bob") == 302  # another user at another address
    assert post("carol") == 429  # another user at alice's address


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


def test_api_uploads_share_the_upload_limit(aws, user, settings):
    settings.PHOTOSHARE_UPLOAD_RATE = "1/h"
    api = Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})

    first = api.post("/api/photos/", {"title": "one", "image": upload()})
    second = api.post("/api/photos/", {"title": "two", "image": upload()})

    assert first.status_code == 201
    assert second.status_code == 429 and second["Retry-After"]
    assert "Too many attempts" in second.json()["error"]


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
