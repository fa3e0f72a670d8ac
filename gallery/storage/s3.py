"""The media bucket: the only module that talks to S3 (through django-storages and its client).

Keys are built here from the photo id, never from anything the uploader sent:

    photos/<id>/original.<ext>   the uploaded bytes, served as an attachment (its owner's only,
                                 unless they share it)
    photos/<id>/shared.<ext>     the full size without metadata that others download (attachment)
    photos/<id>/display.jpg      the size the photo page shows
    photos/<id>/thumb.jpg        the size list pages show
    uploads/<user id>/<id>       a file a browser POSTed straight to S3 (presigned_upload), until
                                 the worker copies it to photos/<id>/ and removes it; the
                                 bucket's lifecycle rule deletes those never completed

Every object's Content-Type comes from its key (the detected format), so what the browser
claimed is never stored. Originals may carry more than an image (a JPEG+HTML polyglot is
still a valid JPEG), so a browser opening one directly downloads it; re-encoded sizes are
inline. Pages never ask S3 whether an object exists: the DynamoDB item names every key.
"""

import logging
import posixpath
import re
import tempfile
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from gallery.domain.errors import Unavailable
from gallery.imaging.process import JPEG_CONTENT_TYPE, SUPPORTED_FORMATS

logger = logging.getLogger(__name__)

PHOTOS_PREFIX = "photos/"
UPLOADS_PREFIX = "uploads/"
_READ_CHUNK = 1024 * 1024
_SPOOL_IN_MEMORY = 4 * 1024 * 1024  # larger uploads spill to a temporary file while processed
_PHOTO_KEY = re.compile(r"^photos/([0-9a-f]{32})/")
CONTENT_TYPES = {extension: content_type for extension, content_type in SUPPORTED_FORMATS.values()}
CONTENT_TYPES.setdefault("jpg", JPEG_CONTENT_TYPE)
# Stored when a key has no known image extension, so nothing can be rendered from it.
FALLBACK_CONTENT_TYPE = "application/octet-stream"
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys
_BLOCK_PUBLIC_ACCESS = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


class MediaUnavailable(Unavailable):
    """S3 could not be reached or refused the request; the caller may retry later."""


class ObjectTooLarge(Exception):
    """An uploaded object holds more than the caller's limit (it was not read further)."""


# --- keys -------------------------------------------------------------------------------------
def original_key(photo_id, extension):
    return f"{PHOTOS_PREFIX}{photo_id}/original.{extension}"


def shared_key(photo_id, extension):
    return f"{PHOTOS_PREFIX}{photo_id}/shared.{extension}"


def display_key(photo_id):
    return f"{PHOTOS_PREFIX}{photo_id}/display.jpg"


def thumbnail_key(photo_id):
    return f"{PHOTOS_PREFIX}{photo_id}/thumb.jpg"


def upload_key(owner_id, upload_id):
    """Where the owner's browser POSTs the file of one upload: the owner is in the key, so a
    presigned POST made for one user can never fill another user's upload."""
    return f"{UPLOADS_PREFIX}{owner_id}/{upload_id}"


def photo_id_of(key):
    """The photo id a key belongs to, or None for a key outside photos/<id>/."""
    match = _PHOTO_KEY.match(key)
    return match.group(1) if match else None


# --- the storage backend (settings.STORAGES["default"]) --------------------------------------
class PhotoStorage(S3Storage):
    """django-storages' S3Storage with the headers photoshare decides from the key."""

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        stem, extension = posixpath.splitext(posixpath.basename(name))
        params["ContentType"] = CONTENT_TYPES.get(extension.lstrip(".").lower(), FALLBACK_CONTENT_TYPE)
        if stem in ("original", "shared") or params["ContentType"] == FALLBACK_CONTENT_TYPE:
            photo_id = posixpath.basename(posixpath.dirname(name))
            # The file name is built from our id, never from the uploader's file name.
            params["ContentDisposition"] = f'attachment; filename="photo-{photo_id}{extension}"'
        else:
            params["ContentDisposition"] = "inline"
        return params


def s3_client():
    """django-storages' own boto3 client (one connection pool for the app and its tools)."""
    return default_storage.connection.meta.client


def bucket_name():
    return default_storage.bucket_name


# --- objects ----------------------------------------------------------------------------------
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
        raise _unavailable("storing", key, error) from error


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
        raise _unavailable("listing", prefix, error) from error
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
            raise _unavailable("deleting", f"{len(batch)} objects", error) from error
        if response.get("Errors"):
            raise MediaUnavailable(
                f"could not delete {len(response['Errors'])} objects: {response['Errors'][:3]}"
            )


# --- direct uploads ---------------------------------------------------------------------------
def presigned_upload(key, *, max_bytes, expires_in):
    """{"url", "fields"} of an S3 presigned POST that stores one file of 1..max_bytes bytes at
    exactly `key`, valid for `expires_in` seconds. S3 checks the signed policy: another key, a
    larger file or a late POST is refused by S3 itself (EntityTooLarge, AccessDenied)."""
    try:
        return s3_client().generate_presigned_post(
            Bucket=bucket_name(),
            Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
    except (ClientError, BotoCoreError) as error:
        raise _unavailable("signing an upload to", key, error) from error


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
    raise _unavailable("reading", key, error) from error


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
        raise _unavailable("copying", f"{source} to {destination}", error) from error


# --- URLs -------------------------------------------------------------------------------------
def url(key):
    """URL of a stored object: presigned for a private bucket, plain for a public one or a CDN.

    A URL is reused for half the presigned lifetime (a cache of its own): signing then costs
    nothing on most page views, and the browser's cache works because the URL stays the
    same. Every URL handed out is valid for at least half of AWS_QUERYSTRING_EXPIRE.
    (Plain URLs are cached too: django-storages builds them through botocore, ~0.1 ms each.)
    """
    return urls([key])[key]


def urls(keys):
    """{key: url(key)} for many objects with one cache round trip (a list page's 48 URLs)."""
    cache = caches[settings.PHOTOSHARE_MEDIA_URL_CACHE]
    prefix = f"media-url:{default_storage.bucket_name}:"
    found = cache.get_many([prefix + key for key in keys])
    result, signed = {}, {}
    for key in keys:
        cached = found.get(prefix + key)
        if cached is None:
            cached = signed[prefix + key] = default_storage.url(key)
        result[key] = cached
    if signed:
        cache.set_many(signed, timeout=settings.AWS_QUERYSTRING_EXPIRE // 2)
    return result


def origin():
    """scheme://host[:port] of the media URLs (for the CSP), or None if they are relative."""
    parts = urlsplit(default_storage.url(f"{PHOTOS_PREFIX}csp-probe"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# --- the bucket (manage.py init_aws, /healthz) ---------------------------------------------
def upload_origin():
    """scheme://host[:port] that browsers POST direct uploads to (for the CSP's connect-src)."""
    parts = urlsplit(presigned_upload(f"{UPLOADS_PREFIX}csp-probe", max_bytes=1, expires_in=60)["url"])
    return f"{parts.scheme}://{parts.netloc}"


def ensure_bucket(*, upload_rules=False):
    """Create the media bucket if it does not exist, then apply Block Public Access on every run
    (each step is idempotent, so a first run that stopped half way is completed by the next), and
    the lifecycle and CORS rules of direct uploads on a new bucket; with `upload_rules` on an
    existing one too (the local stack's, made before they existed). In AWS, CloudFormation owns
    the bucket and its rules. Returns (bucket name, created)."""
    client, bucket = s3_client(), bucket_name()
    created = False
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
        created = _create_bucket(client, bucket)
    client.get_waiter("bucket_exists").wait(Bucket=bucket)
    if _public_access_block(client, bucket) != _BLOCK_PUBLIC_ACCESS:
        # Only when not already on: on AWS CloudFormation sets it, and the app's role may read it
        # but not change it (a compromised app must not be able to turn it off).
        client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=_BLOCK_PUBLIC_ACCESS)
    if created or upload_rules:
        configure_uploads()
    return bucket, created


def _public_access_block(client, bucket):
    try:
        return client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        return {}


def _create_bucket(client, bucket):
    """True if this call created it; False if another process did meanwhile."""
    region = client.meta.region_name
    options = {}
    if region != "us-east-1":  # us-east-1 rejects an explicit location constraint
        options["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        client.create_bucket(Bucket=bucket, **options)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
        return False
    return True


def configure_uploads():
    """The bucket rules direct uploads need, as deploy/cloudformation.yaml states them:
    abandoned uploads (never completed) expire after PHOTOSHARE_UPLOAD_RETENTION_DAYS, and the
    site's pages (PHOTOSHARE_UPLOAD_ORIGINS) may POST files to the bucket from the browser."""
    client, bucket = s3_client(), bucket_name()
    rules = [
        {
            "ID": "abort-incomplete-multipart-uploads",
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        },
        {
            "ID": "expire-abandoned-uploads",
            "Status": "Enabled",
            "Filter": {"Prefix": UPLOADS_PREFIX},
            "Expiration": {"Days": settings.PHOTOSHARE_UPLOAD_RETENTION_DAYS},
        },
    ]
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    cors = {
        "AllowedMethods": ["POST"],
        "AllowedOrigins": list(settings.PHOTOSHARE_UPLOAD_ORIGINS),
        "MaxAgeSeconds": 3600,
    }
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [cors]})


def ping():
    """Raise MediaUnavailable unless the bucket answers (HeadBucket: cheap, needs s3:ListBucket)."""
    try:
        s3_client().head_bucket(Bucket=bucket_name())
    except (ClientError, BotoCoreError) as error:
        raise _unavailable("reaching", bucket_name(), error) from error


def _unavailable(doing, what, error):
    """MediaUnavailable for a boto error, logged here once with its detail."""
    logger.warning("S3 unavailable while %s %s: %s", doing, what, error, exc_info=error)
    return MediaUnavailable(f"S3 unavailable while {doing} {what}")
