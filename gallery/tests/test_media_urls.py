"""Presigned URLs are signed once and reused for half their lifetime; they still open the object."""

import re
import time
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from gallery.media_urls import PresignedUrlCache, media_urls
from gallery.tests.factories import image_bytes, upload


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def signed():
    """default_storage.url, recording each key it signs."""
    keys = []

    def sign(key):
        keys.append(key)
        return default_storage.url(key)

    sign.keys = keys
    return sign


def test_a_reused_url_still_opens_the_private_object(aws):
    data = image_bytes()
    default_storage.save("photos/a/thumb.jpg", ContentFile(data))

    first, second = media_urls().url("photos/a/thumb.jpg"), media_urls().url("photos/a/thumb.jpg")

    assert first == second
    assert "Signature=" in first  # presigned: the bucket is private
    with urllib.request.urlopen(first, timeout=5) as response:
        assert response.read() == data


def test_urls_are_signed_again_after_half_their_lifetime(aws, signed):
    clock = Clock()
    cache = PresignedUrlCache(signed, max_age=1800, max_entries=10, clock=clock)

    cache.url("photos/a/thumb.jpg")
    clock.now += 1799
    cache.url("photos/a/thumb.jpg")
    assert signed.keys == ["photos/a/thumb.jpg"]

    clock.now += 1
    cache.url("photos/a/thumb.jpg")
    assert signed.keys == ["photos/a/thumb.jpg"] * 2


def test_the_least_recently_used_url_goes_first_when_full(aws, signed):
    cache = PresignedUrlCache(signed, max_age=1800, max_entries=2, clock=Clock())

    for key in ("a", "b", "a", "c", "a", "b"):
        cache.url(f"photos/{key}/thumb.jpg")

    # "b" was dropped for "c" (a was used more recently), then signed again.
    assert [key.split("/")[1] for key in signed.keys] == ["a", "b", "c", "b"]


def test_size_zero_signs_every_time(aws, signed):
    cache = PresignedUrlCache(signed, max_age=1800, max_entries=0, clock=Clock())

    cache.url("photos/a/thumb.jpg")
    cache.url("photos/a/thumb.jpg")

    assert len(signed.keys) == 2


@pytest.mark.django_db
def test_the_gallery_hands_out_the_same_thumbnail_urls_on_every_view(aws, logged_in_client, settings):
    # Same URL, so the browser's cache serves the thumbnails on the next view.
    for title in ("One", "Two"):
        data = {"title": title, "tags": "", "description": "", "image": upload()}
        assert logged_in_client.post("/upload/", data).status_code == 302

    first = re.findall(r'<img src="([^"]+)"', logged_in_client.get("/").content.decode())
    time.sleep(1.1)  # a fresh signature would now carry another expiry time
    second = re.findall(r'<img src="([^"]+)"', logged_in_client.get("/").content.decode())

    assert len(first) == 2
    assert first == second


@pytest.mark.django_db
def test_the_setting_turns_reuse_off(aws, settings):
    settings.PHOTOSHARE_PRESIGNED_URL_CACHE_SIZE = 0

    assert media_urls().max_entries == 0
