"""photoshare.caches: the site's own caches skip memcached's key checks, and only those."""

import warnings

import pytest
from django.conf import settings
from django.core.cache import CacheKeyWarning, caches

from photoshare.caches import own_keys

LONG_KEY = "photos/" + "a" * 300 + "/display 1600.webp"  # past memcached's 250 characters, a space


@pytest.mark.parametrize("alias", [settings.PHOTOSHARE_MEDIA_URL_CACHE, settings.PHOTOSHARE_CARD_CACHE])
def test_the_sites_caches_keep_any_key_they_are_given_without_a_warning(alias):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        caches[alias].set(LONG_KEY, "kept")
        assert caches[alias].get(LONG_KEY) == "kept"


def test_other_backends_and_the_default_cache_are_left_as_django_makes_them():
    assert own_keys({"BACKEND": "django.core.cache.backends.dummy.DummyCache"})["BACKEND"].startswith(
        "django."
    )
    with pytest.warns(CacheKeyWarning):
        caches["default"].make_and_validate_key(LONG_KEY)
