"""gallery.storage.s3.objects and bucket: objects round trip through S3; an unreachable bucket is
MediaUnavailable."""

import io

import pytest

from gallery.storage.s3 import bucket, objects
from gallery.storage.s3.backend import MediaUnavailable
from gallery.storage.s3.keys import thumbnail_key

pytestmark = pytest.mark.django_db


def test_save_list_and_delete_round_trip_through_s3(aws):
    keys = [thumbnail_key(f"{n:032x}") for n in range(3)]
    for key in keys:
        objects.save(key, io.BytesIO(b"data"))

    assert sorted(objects.list_objects()) == keys
    objects.delete_quietly(keys[:1])
    objects.delete_objects(keys[1:])
    assert objects.list_objects() == {}
    objects.delete_quietly(keys[:1])  # already gone: no error, a retry is safe


def test_an_unreachable_bucket_is_media_unavailable(aws, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such-bucket"},
        },
    }
    with pytest.raises(MediaUnavailable):
        bucket.ping()
    with pytest.raises(MediaUnavailable):
        objects.save("photos/x/thumb.jpg", b"x")


@pytest.mark.parametrize("extra", [-1, 0, 1, 2 * objects._READ_CHUNK + 7])
def test_an_object_read_back_is_its_bytes_whether_kept_in_memory_or_spilled_to_disk(aws, extra):
    # Past one chunk the read spills to a temporary file (a worker's peak, issue 26): the same bytes.
    data = bytes(range(256)) * ((objects._READ_CHUNK + extra) // 256) + b"end"
    key = thumbnail_key("f" * 32)
    objects.save(key, io.BytesIO(data))

    with objects.read_object(key, max_bytes=len(data)) as read:
        assert read.read() == data
    with pytest.raises(objects.ObjectTooLarge):
        objects.read_object(key, max_bytes=len(data) - 1)
