"""The media-serving settings, read in a fresh process from the environment."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

OPTIONS = 'settings.STORAGES["default"]["OPTIONS"]'


def read(expression, **env):
    result = subprocess.run(
        [sys.executable, "-c", f"from photoshare import settings; print({expression})"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "True None 900"),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.com"}, "False media.example.com 900"),
        ({"PHOTOSHARE_PUBLIC_MEDIA": "1"}, "False None 900"),
    ],
)
def test_private_by_default_plain_urls_with_a_cdn_or_public_bucket(env, expected):
    expression = f'{OPTIONS}["querystring_auth"], {OPTIONS}["custom_domain"], {OPTIONS}["querystring_expire"]'

    assert read(expression, AWS_QUERYSTRING_EXPIRE="900", **env) == expected


def test_presigned_urls_are_sigv4():
    assert read(f'{OPTIONS}["client_config"].signature_version') == "s3v4"
