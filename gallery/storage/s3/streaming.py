"""Objects read and written a chunk at a time: what the zips of gallery.services.zips stream.

Reading: GetObject's body, `chunk_size` bytes at a time, opened only when the first chunk is
asked for (a zip of 1 000 photos holds one open body at a time). Writing: a multipart upload fed
by an iterable of chunks, one part (≥ 5 MiB, S3's least but for the last) in memory at a time,
aborted if anything fails so no half object and no parts are left. Archive links: presigned GETs
that name the file the browser saves.
"""

import contextlib

from botocore.exceptions import BotoCoreError, ClientError

from gallery.storage.s3.backend import (
    MediaUnavailable,
    bucket_name,
    patient_s3_client,
    s3_client,
    unavailable,
)

CHUNK_BYTES = 1024 * 1024
PART_BYTES = 8 * 1024 * 1024  # S3 takes parts of 5 MiB to 5 GiB, at most 10 000 of them
ZIP_CONTENT_TYPE = "application/zip"
COMPLETE_READ_TIMEOUT = 600  # seconds: S3 assembles the parts before it answers


class ObjectMissing(MediaUnavailable):
    """An object an item names is not in the bucket (reconcile's "broken photo")."""


def iter_object(key, *, chunk_size=CHUNK_BYTES):
    """The object's bytes, chunk by chunk; GetObject is sent when the first chunk is asked for."""
    try:
        body = s3_client().get_object(Bucket=bucket_name(), Key=key)["Body"]
        with body:
            while chunk := body.read(chunk_size):
                yield chunk
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey"):
            raise ObjectMissing(f"no object at {key}") from error
        raise unavailable("reading", key, error) from error
    except BotoCoreError as error:
        raise unavailable("reading", key, error) from error


def upload_chunks(key, chunks, *, content_type=ZIP_CONTENT_TYPE, part_size=PART_BYTES):
    """Store the concatenation of `chunks` at `key` with a multipart upload, holding one part in
    memory; returns the bytes stored. Any failure aborts the upload (nothing is left) and raises."""
    client, bucket = s3_client(), bucket_name()
    try:
        started = client.create_multipart_upload(Bucket=bucket, Key=key, ContentType=content_type)
        upload_id = started["UploadId"]
    except (ClientError, BotoCoreError) as error:
        raise unavailable("starting an upload of", key, error) from error
    parts, buffer, total = [], bytearray(), 0
    try:

        def send(data):
            number = len(parts) + 1
            etag = client.upload_part(
                Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
            )["ETag"]
            parts.append({"PartNumber": number, "ETag": etag})

        for chunk in chunks:
            buffer += chunk
            total += len(chunk)
            while len(buffer) >= part_size:
                send(bytes(memoryview(buffer)[:part_size]))  # one copy of the part, not two
                del buffer[:part_size]
        if buffer or not parts:
            send(bytes(buffer))
        patient_s3_client(COMPLETE_READ_TIMEOUT).complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    except BaseException as error:
        # If even the abort fails, the bucket's lifecycle rule removes incomplete uploads.
        with contextlib.suppress(ClientError, BotoCoreError):
            client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        if isinstance(error, (ClientError, BotoCoreError)):
            raise unavailable("uploading", key, error) from error
        raise
    return total


def download_url(key, *, filename, expires):
    """A presigned GET of `key` valid for `expires` seconds that saves as `filename` (ASCII)."""
    try:
        return s3_client().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket_name(),
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": ZIP_CONTENT_TYPE,
            },
            ExpiresIn=expires,
        )
    except (ClientError, BotoCoreError) as error:
        raise unavailable("signing", key, error) from error
