"""The counting of rate limits (gallery.services.ratelimit): rates, windows, the upload quota."""

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
