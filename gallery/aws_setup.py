"""Creating the S3 bucket for `manage.py init_aws`; the table is created by gallery.metadata."""

from botocore.exceptions import ClientError
from django.core.files.storage import default_storage


def ensure_bucket():
    """Create the media bucket if it does not exist. Returns (bucket name, created)."""
    client = default_storage.connection.meta.client
    bucket = default_storage.bucket_name
    try:
        client.head_bucket(Bucket=bucket)
        return bucket, False
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
    region = client.meta.region_name
    options = {}
    if region != "us-east-1":  # us-east-1 rejects an explicit location constraint
        options["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(Bucket=bucket, **options)
    client.get_waiter("bucket_exists").wait(Bucket=bucket)
    client.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    return bucket, True
