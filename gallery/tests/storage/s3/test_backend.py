"""gallery.storage.s3.backend: each object's headers come from its key, never from the browser."""

import subprocess
import sys

import pytest
from boto3.s3.transfer import TransferConfig
from django.core.files.storage import default_storage, storages

from gallery.storage.s3 import objects

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "content_type", "disposition"),
    [
        (f"photos/{'c' * 32}/original.png", "image/png", f'attachment; filename="photo-{"c" * 32}.png"'),
        (f"photos/{'c' * 32}/original.heic", "image/heic", f'attachment; filename="photo-{"c" * 32}.heic"'),
        (f"photos/{'c' * 32}/display.jpg", "image/jpeg", "inline"),
        (f"photos/{'c' * 32}/thumb.jpg", "image/jpeg", "inline"),
        (f"photos/{'c' * 32}/c700-3fa9c2d1.webp", "image/webp", "inline"),
        (
            f"photos/{'c' * 32}/notes.html",
            "application/octet-stream",
            f'attachment; filename="photo-{"c" * 32}.html"',
        ),
    ],
)
def test_object_headers_come_from_the_key(aws, key, content_type, disposition):
    objects.save(key, b"bytes")

    head = aws.head(key)
    assert (head["ContentType"], head["ContentDisposition"]) == (content_type, disposition)


def test_sizes_are_kept_by_browsers_and_files_to_download_are_not(aws):
    size, original = f"photos/{'c' * 32}/w800.webp", f"photos/{'c' * 32}/original.jpg"
    for key in (size, original):
        objects.save(key, b"bytes")

    assert aws.head(size)["CacheControl"] == "max-age=31536000, immutable"
    assert "CacheControl" not in aws.head(original)


def test_a_worker_starts_without_cryptography_and_passkeys_still_get_it():
    """django-storages' module would load cryptography (~7.5 MB) for CloudFront signing the site
    never uses: a process that sets Django up and imports the worker has not loaded it, and
    whatever asks for it later (fido2, for passkeys) gets the real one."""
    child = """
import sys
import django
django.setup()
import gallery.management.commands.worker, gallery.services.worker
from gallery.storage.s3.backend import PhotoStorage
loaded_at_start = "cryptography" in sys.modules
from cryptography.hazmat.primitives import hashes
print(loaded_at_start, hashes.SHA256().name, PhotoStorage.__mro__[1].__module__)
"""
    assert run(child).split() == ["False", "sha256", "storages.backends.s3"]


def test_a_deployment_that_signs_cloudfront_urls_gets_cryptography_at_once():
    child = """
import sys
import django
from django.conf import settings
settings.AWS_CLOUDFRONT_KEY = "a PEM key"
django.setup()
import gallery.storage.s3.backend
print("cryptography" in sys.modules)
"""
    assert run(child).split() == ["True"]


def run(child):
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize(
    "threshold", [64 * 1024 * 1024, 1024], ids=["one PutObject", "django-storages' transfer"]
)
def test_an_object_is_stored_alike_below_and_past_the_multipart_threshold(aws, threshold, monkeypatch):
    """Below the threshold (every object this site writes) the backend sends PutObject itself;
    past it, django-storages' upload_fileobj: the same bytes and headers either way."""
    monkeypatch.setattr(storages["default"], "transfer_config", TransferConfig(multipart_threshold=threshold))
    body = bytes(range(256)) * 16  # 4 KB: past the small threshold
    display, original = f"photos/{'c' * 32}/display.jpg", f"photos/{'c' * 32}/original.png"
    for key in (display, original):
        objects.save(key, body)

    for key in (display, original):
        assert aws.s3.get_object(Bucket=default_storage.bucket_name, Key=key)["Body"].read() == body
    assert (aws.head(display)["ContentType"], aws.head(display)["CacheControl"]) == (
        "image/jpeg",
        "max-age=31536000, immutable",
    )
    assert aws.head(original)["ContentDisposition"] == f'attachment; filename="photo-{"c" * 32}.png"'
