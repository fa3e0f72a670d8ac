"""Media URLs: presigned (SigV4, configured lifetime, reused from the cache) or plain via a CDN."""

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from gallery.templatetags.gallery_tags import media_url
from gallery.tests.publishing import publish

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
    publish(user)
    caches["default"].clear()
    media_url_cache().clear()

    Client().get("/")

    assert not caches["default"]._cache  # nothing else (rate limits, sessions) is crowded out
    assert len(media_url_cache()._cache) == 2  # thumbnail and display size of the one card
