"""Objects of the bucket: save, copy, read, measure, list and delete them."""

import logging
import tempfile

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

from gallery.storage.s3.backend import MediaUnavailable, ObjectTooLarge, bucket_name, s3_client, unavailable
from gallery.storage.s3.keys import PHOTOS_PREFIX

logger = logging.getLogger(__name__)

_READ_CHUNK = 1024 * 1024
# Uploads past one chunk spill to a temporary file while processed: in memory the file would sit
# beside every decode of it (a worker's peak, issue 26: a 12 MP HEIC of 3.3 MB, -3.5 MB).
_SPOOL_IN_MEMORY = _READ_CHUNK
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys


def save(key, content):
    """Store `content` (bytes or an open file) under `key`, Content-Type from the key."""
    if isinstance(content, bytes):
        content = ContentFile(content)
    else:
        content.seek(0)
        content = File(content)
    try:
        default_storage.save(key, content)
    except (ClientError, BotoCoreError) as error:
        raise unavailable("storing", key, error) from error


def delete_quietly(keys):
    """Delete each key; a failure is logged and the object left for `manage.py reconcile`.
    Deleting a missing object is not an error, so a retry is always safe."""
    for key in keys:
        try:
            default_storage.delete(key)
        except Exception:
            logger.exception("could not remove %s; it is left for reconciliation", key)


def list_objects(prefix=PHOTOS_PREFIX):
    """{key: last modified} of every object under `prefix` (ListObjectsV2, page by page)."""
    objects = {}
    try:
        pages = s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket_name(), Prefix=prefix)
        for page in pages:
            for entry in page.get("Contents", []):
                objects[entry["Key"]] = entry["LastModified"]
    except (ClientError, BotoCoreError) as error:
        raise unavailable("listing", prefix, error) from error
    return objects


def delete_objects(keys):
    """Delete many keys, 1000 per DeleteObjects request; raises MediaUnavailable if any fails."""
    keys = sorted(keys)
    for start in range(0, len(keys), _DELETE_BATCH):
        batch = keys[start : start + _DELETE_BATCH]
        try:
            response = s3_client().delete_objects(
                Bucket=bucket_name(), Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
        except (ClientError, BotoCoreError) as error:
            raise unavailable("deleting", f"{len(batch)} objects", error) from error
        if response.get("Errors"):
            raise MediaUnavailable(
                f"could not delete {len(response['Errors'])} objects: {response['Errors'][:3]}"
            )


def object_size(key):
    """The size in bytes of the object at `key`, or None if there is none (HeadObject)."""
    try:
        return s3_client().head_object(Bucket=bucket_name(), Key=key)["ContentLength"]
    except (ClientError, BotoCoreError) as error:
        return _none_if_missing(key, error)


def read_object(key, *, max_bytes):
    """The object's bytes in a temporary file (at its start), or None if there is no object.
    Raises ObjectTooLarge, without reading on, once more than `max_bytes` arrived."""
    try:
        body = s3_client().get_object(Bucket=bucket_name(), Key=key)["Body"]
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 (returned open)
        with body:
            while chunk := body.read(_READ_CHUNK):
                spool.write(chunk)
                if spool.tell() > max_bytes:
                    spool.close()
                    raise ObjectTooLarge(key)
    except (ClientError, BotoCoreError) as error:
        return _none_if_missing(key, error)
    spool.seek(0)
    return spool


def _none_if_missing(key, error):
    """None when S3 says there is no such object; any other boto error is MediaUnavailable."""
    if isinstance(error, ClientError) and error.response["Error"]["Code"] in ("404", "NoSuchKey"):
        return None
    raise unavailable("reading", key, error) from error


def copy(source, destination):
    """Copy an object inside the bucket (no bytes through us), with the headers PhotoStorage
    gives `destination`: what the uploader's browser sent as Content-Type is not kept."""
    headers = default_storage.get_object_parameters(destination)
    try:
        s3_client().copy_object(
            Bucket=bucket_name(),
            Key=destination,
            CopySource={"Bucket": bucket_name(), "Key": source},
            MetadataDirective="REPLACE",
            **headers,
        )
    except (ClientError, BotoCoreError) as error:
        raise unavailable("copying", f"{source} to {destination}", error) from error
