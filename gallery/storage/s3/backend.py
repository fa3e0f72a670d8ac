"""The storage backend (settings.STORAGES["default"]), its boto3 client, and S3's errors."""

import logging
import posixpath
import sys

from botocore.config import Config as BotocoreConfig
from django.conf import settings
from django.core.files.storage import default_storage
from storages.utils import ReadBytesWrapper, clean_name, is_seekable

from gallery.domain.errors import TooLarge, Unavailable
from gallery.storage import clients
from gallery.storage.s3.keys import CONTENT_TYPES, FALLBACK_CONTENT_TYPE

logger = logging.getLogger(__name__)


SIZE_CACHE_CONTROL = "max-age=31536000, immutable"


class MediaUnavailable(Unavailable):
    """S3 could not be reached or refused the request; the caller may retry later."""


class ObjectTooLarge(TooLarge):
    """An uploaded object holds more than the caller's limit (it was not read further)."""


def _s3_storage_class():
    """django-storages' S3Storage. Its module imports cryptography as it loads, for CloudFront-signed
    URLs, which this site never configures (no AWS_CLOUDFRONT_KEY): ~7.5 MB of every process (the
    Rust bindings), the largest import a worker never uses (issue 26: its peak memory). So that one
    import, made while Django sets up, sees no cryptography unless it is loaded already; whatever
    imports cryptography later gets it as usual (passkeys: fido2). A deployment that did set
    AWS_CLOUDFRONT_KEY gets the signer django-storages makes with it."""
    loaded = "cryptography" in sys.modules or "storages.backends.s3" in sys.modules
    if loaded or getattr(settings, "AWS_CLOUDFRONT_KEY", None):
        from storages.backends.s3 import S3Storage
    else:
        sys.modules["cryptography"] = None  # an ImportError for this import alone
        try:
            from storages.backends.s3 import S3Storage
        finally:
            del sys.modules["cryptography"]
    return S3Storage


class PhotoStorage(_s3_storage_class()):
    """django-storages' S3Storage with the headers photoshare decides from the key."""

    @property
    def connection(self):
        """django-storages' per-thread S3 resource, made from the process's one session
        (gallery.storage.clients): not a session of its own per thread."""
        connection = getattr(self._connections, "connection", None)
        if connection is None and self.session_profile:
            return super().connection
        if connection is None:
            with clients.SESSION_LOCK:
                connection = clients.shared_session().resource(
                    "s3",
                    region_name=self.region_name,
                    use_ssl=self.use_ssl,
                    endpoint_url=self.endpoint_url,
                    config=self.client_config,
                    verify=self.verify,
                    # django-storages' own settings, else boto3's chain (None), as it would.
                    aws_access_key_id=self.access_key,
                    aws_secret_access_key=self.secret_key,
                    aws_session_token=self.security_token,
                )
            self._connections.connection = connection
        return connection

    def _save(self, name, content):
        """The PutObject that django-storages' own `_save` makes for an object below its transfer
        config's multipart threshold (every object this site writes), sent straight from the
        client: its `upload_fileobj` wraps that one request in s3transfer's transfer manager and a
        boto3 Object resource built for the call: twice the client's CPU of a 30 KB write (8.9 ms
        against 4.1, bench/s3_writes.py), and every size of every photo is one. Same key, body and
        headers; a larger or compressed object is django-storages'."""
        size = getattr(content, "size", None)
        if self.gzip or size is None or size >= self.transfer_config.multipart_threshold:
            return super()._save(name, content)
        cleaned_name = clean_name(name)
        key = self._normalize_name(cleaned_name)
        parameters = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0)
        self.connection.meta.client.put_object(
            Bucket=self.bucket_name, Key=key, Body=ReadBytesWrapper(content), **parameters
        )
        return cleaned_name

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
            # A size is never rewritten with other pixels under its key (a rotation makes new
            # keys, gallery.storage.s3.keys.rendition_key): browsers keep it (Lighthouse's cache audit).
            params["CacheControl"] = SIZE_CACHE_CONTROL
        return params


def s3_client():
    """django-storages' own boto3 client (one connection pool for the app and its tools)."""
    return default_storage.connection.meta.client


def patient_s3_client(read_timeout):
    """A client like s3_client() that waits `read_timeout` seconds for an answer: completing a
    multipart upload of GBs takes longer than AWS_READ_TIMEOUT (S3 keeps the connection alive
    with whitespace meanwhile; moto, locally, does not). Made per call: a few per archive."""
    storage = default_storage
    return storage._create_session().client(
        "s3",
        region_name=storage.region_name,
        use_ssl=storage.use_ssl,
        endpoint_url=storage.endpoint_url,
        config=storage.client_config.merge(BotocoreConfig(read_timeout=read_timeout)),
        verify=storage.verify,
    )


def bucket_name():
    return default_storage.bucket_name


def unavailable(doing, what, error):
    """MediaUnavailable for a boto error, logged here once with its detail."""
    logger.warning("S3 unavailable while %s %s: %s", doing, what, error, exc_info=error)
    return MediaUnavailable(f"S3 unavailable while {doing} {what}")
