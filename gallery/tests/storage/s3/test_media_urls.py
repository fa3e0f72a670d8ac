"""gallery.storage.s3.media_urls: presigned SigV4 URLs of the configured lifetime, reused from a
cache of their own, or plain via a CDN."""

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from gallery.storage.s3 import media_urls
from gallery.storage.s3.backend import bucket_name
from gallery.tests.publishing import publish
from gallery.web.display import media_url

pytestmark = pytest.mark.django_db


def media_url_cache():
    return caches[django_settings.PHOTOSHARE_MEDIA_URL_CACHE]


def test_pages_use_sigv4_presigned_urls_that_work_and_stay_the_same(aws, user, settings):
    photo = publish(user)
    media_url_cache().clear()

    first = Client().get("/").content.decode()
    second = Client().get("/").content.decode()

    url = re.search(r'src="([^"]+thumb\.jpg[^"]+)"', first).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]  # S3 refuses SigV2 on new buckets
    assert query["X-Amz-Expires"] == [str(settings.AWS_QUERYSTRING_EXPIRE)]
    assert url in second.replace("&amp;", "&")  # reused: the browser can cache the image
    with urllib.request.urlopen(url) as response:  # moto on 127.0.0.1
        assert response.read() == aws.read(photo.thumbnail_key)


def test_a_cdn_domain_gives_plain_urls(aws, settings):
    default = settings.STORAGES["default"]
    options = {**default["OPTIONS"], "querystring_auth": False, "custom_domain": "media.example.com"}
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    media_url_cache().clear()

    assert media_url("photos/abc/thumb.jpg") == "https://media.example.com/photos/abc/thumb.jpg"


def test_media_urls_have_a_cache_of_their_own(aws, user):
    photo = publish(user)
    caches["default"].clear()
    media_url_cache().clear()

    Client().get("/")

    # The default cache may be Redis (the tests' rate limits): ask by key, not by its internals.
    keys = [f"media-url:{bucket_name()}:{key}" for key in photo.object_keys]
    assert caches["default"].get_many(keys) == {}  # nothing else (rate limits, sessions) is crowded out
    assert len(media_url_cache()._cache) == 3  # thumbnail, display size and the one WebP of the one card


def test_a_list_page_asks_the_url_cache_once_for_all_its_cards(aws, user, monkeypatch):
    # With Redis as the URL cache (production), 48 URLs a page must not be 48 round trips.
    for _ in range(3):
        publish(user)
    assert Client().get("/").status_code == 200  # URLs signed, cards rendered and cached
    cache, asked, inside = media_url_cache(), [], []
    for name in ("get", "get_many"):
        monkeypatch.setattr(cache, name, _recording(asked, inside, name, getattr(cache, name)))

    assert Client().get("/").status_code == 200
    assert asked == []  # the whole grid, its URLs in it, from the card cache (gallery.web.cards)

    # The grid evicted, its cards still cached: their URLs in one round trip.
    card_cache = caches[django_settings.PHOTOSHARE_CARD_CACHE]
    cached = card_cache.get
    monkeypatch.setattr(
        card_cache, "get", lambda key, *args, **kw: None if key[:5] == "grid:" else cached(key, *args, **kw)
    )
    assert Client().get("/").status_code == 200
    assert asked == ["get_many"]


def test_a_cached_grid_is_not_served_once_its_urls_are_no_longer_handed_out(aws, user, monkeypatch):
    publish(user)
    now = media_urls.clock()
    monkeypatch.setattr(media_urls, "clock", lambda: now)
    first = Client().get("/").content.decode()
    # Half the URLs' lifetime later they are signed again (a new signature)...
    media_url_cache().clear()
    monkeypatch.setattr(media_urls, "clock", lambda: now + django_settings.AWS_QUERYSTRING_EXPIRE // 2)
    monkeypatch.setattr(media_urls, "default_storage", _Signer(bucket_name()))

    again = Client().get("/").content.decode()

    # ...and the page carries the new ones, not the grid's old ones.
    old = re.search(r'src="([^"]+thumb\.jpg[^"]+)"', first).group(1)
    assert old not in again and 'src="https://signed.again/photos/' in again


class _Signer:
    def __init__(self, bucket_name):
        self.bucket_name = bucket_name

    def url(self, key):
        return f"https://signed.again/{key}"


def _recording(asked, inside, name, method):
    def outermost_call_recorded(*args, **kwargs):
        # LocMemCache.get_many calls get itself: one round trip all the same.
        if not inside:
            asked.append(name)
        inside.append(name)
        try:
            return method(*args, **kwargs)
        finally:
            inside.pop()

    return outermost_call_recorded
