"""Django's local-memory and Redis caches without memcached's key checks, for the site's own caches
(media URLs, rendered cards, list pages).

Django checks every key of every cache for what memcached would refuse (length, control
characters), one Python step per character: ~4 % of a photo page's server time (cProfile,
bench/list_peers.py), for keys this code builds itself (S3 keys, hashes) and no memcached in use.
Django's documentation names this subclass as the way to drop the check ("Cache key warnings").
"""

from django.core.cache.backends import locmem, redis

BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "photoshare.caches.LocMemCache",
    "django.core.cache.backends.redis.RedisCache": "photoshare.caches.RedisCache",
}


def own_keys(config):
    """A CACHES entry with its backend swapped for the one below that skips the key check."""
    return {**config, "BACKEND": BACKENDS.get(config["BACKEND"], config["BACKEND"])}


class LocMemCache(locmem.LocMemCache):
    def validate_key(self, key):
        pass


class RedisCache(redis.RedisCache):
    def validate_key(self, key):
        pass
