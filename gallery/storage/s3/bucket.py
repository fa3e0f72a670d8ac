"""The media bucket itself: created and configured by `manage.py init_aws` (CloudFormation owns
it in AWS), and its health ping (/healthz)."""

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from gallery.domain import archives
from gallery.storage.s3.backend import bucket_name, s3_client, unavailable
from gallery.storage.s3.keys import ARCHIVES_PREFIX, UPLOADS_PREFIX

_BLOCK_PUBLIC_ACCESS = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


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
        {
            "ID": "expire-archives",
            "Status": "Enabled",
            "Filter": {"Prefix": ARCHIVES_PREFIX},
            "Expiration": {"Days": archives.retention_days()},
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
        raise unavailable("reaching", bucket_name(), error) from error
