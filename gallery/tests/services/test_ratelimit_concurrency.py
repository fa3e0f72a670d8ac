"""Rate limits under concurrent requests: the counters must be atomic (Redis INCR, as the test
settings and production use), or concurrent hits read the same count and all pass."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from gallery.tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)  # the clients' threads read the accounts


def test_forty_bad_logins_at_once_against_a_limit_of_ten_let_at_most_ten_through(settings, user):
    # A window of 1000 days: the run cannot cross a window boundary, which would open a new one.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/1000d/ip,10/1000d/key"}

    def bad_login():
        return Client().post("/accounts/login/", {"login": "alice", "password": "wrong guess"})

    responses = at_once([bad_login] * 40)

    # The form again: "not correct" once the password was checked, "too many" once refused;
    # past allauth's 30 login POSTs a minute per IP, a 429 before any form.
    statuses = [getattr(response, "status_code", response) for response in responses]
    assert set(statuses) <= {200, 429}, statuses
    pages = [response.content.decode() for response in responses if response.status_code == 200]
    tried = [page for page in pages if "not correct" in page]
    assert all("not correct" in page or "Too many failed login attempts" in page for page in pages)
    # Each request counts against two keys (the address and the username) and passes only if both
    # counts are within the limit; concurrent requests take their places in the two counts in
    # different orders (allauth takes a cache lock per key), so fewer than ten may pass, never more.
    assert 1 <= len(tried) <= 10


def test_the_suite_counts_in_redis():
    """What makes the test above meaningful: a cache shared by processes, with atomic INCR."""
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_a_clear_in_one_worker_leaves_the_counts_of_the_others():
    """The workers share that Redis, each under its own key prefix: a test's cache.clear() deletes
    its own keys (conftest.py), not Django's FLUSHDB, which once emptied another worker's
    password-reset count between two of its requests."""
    location = django_settings.CACHES["default"]["LOCATION"]
    other_worker = RedisCache(location, {"KEY_PREFIX": f"another-worker-{uuid.uuid4().hex}"})
    other_worker.set("hits", 2)
    cache.set("hits", 1)
    try:
        cache.clear()

        assert cache.get("hits") is None and other_worker.get("hits") == 2
    finally:
        other_worker.clear()
