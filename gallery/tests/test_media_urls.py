"""Media URLs: presigned (SigV4, configured lifetime, reused from the cache) or plain via a CDN."""

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from gallery.templatetags.gallery_tags import media_url
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def test_pages_use_sigv4_presigned_urls_that_work_and_stay_the_same(aws, user, settings):
    photo = publish(user)
    cache.clear()

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
    cache.clear()

    assert media_url("photos/abc/thumb.jpg") == "https://media.example.com/photos/abc/thumb.jpg"
