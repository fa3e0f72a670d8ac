"""Uploads straight from the browser to S3: the presigned POST of one file, and where it goes."""

from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from gallery.storage.s3.backend import bucket_name, s3_client, unavailable
from gallery.storage.s3.keys import UPLOADS_PREFIX


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
        raise unavailable("signing an upload to", key, error) from error


def upload_origin():
    """scheme://host[:port] that browsers POST direct uploads to (for the CSP's connect-src)."""
    parts = urlsplit(presigned_upload(f"{UPLOADS_PREFIX}csp-probe", max_bytes=1, expires_in=60)["url"])
    return f"{parts.scheme}://{parts.netloc}"
