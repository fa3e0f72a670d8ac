"""Rate limits under concurrent requests: the counters must be atomic (Redis INCR, as the test
settings and production use), or concurrent hits read the same count and all pass."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from gallery.tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)  # the clients' threads read the accounts


def test_forty_bad_logins_at_once_against_a_limit_of_ten_let_at_most_ten_through(settings, user):
    # A window of 1000 days: the run cannot cross a window boundary, which would open a new one.
    settings.PHOTOSHARE_LOGIN_RATE = "10/1000d"

    def bad_login():
        return Client().post("/accounts/login/", {"username": "alice", "password": "wrong guess"})

    responses = at_once([bad_login] * 40)

    statuses = [getattr(response, "status_code", response) for response in responses]
    assert set(statuses) <= {200, 429}, statuses  # 200: the form again, "wrong password"
    # Each request counts against two keys (the address and the username) and passes only if both
    # counts are within the limit; concurrent requests take their places in the two counts in
    # different orders, so fewer than ten may pass, never more.
    assert 1 <= statuses.count(200) <= 10


def test_the_suite_counts_in_redis():
    """What makes the test above meaningful: a cache shared by processes, with atomic INCR."""
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
