import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_accounts_database_is_the_one_database_url_names():
    """In CI DATABASE_URL is a MariaDB URL: this proves the suite ran on MySQL, not SQLite."""
    expected_vendor = "mysql" if os.environ.get("DATABASE_URL", "").startswith("mysql") else "sqlite"

    assert connection.vendor == expected_vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()" if connection.vendor == "mysql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    assert version


def test_aws_endpoints_come_from_the_environment():
    s3_endpoint = settings.STORAGES["default"]["OPTIONS"]["endpoint_url"]
    assert s3_endpoint == os.environ["AWS_S3_ENDPOINT_URL"]
    assert os.environ["DYNAMODB_ENDPOINT_URL"] == settings.DYNAMODB_ENDPOINT_URL


def _settings_in_a_fresh_process(env, expression):
    return subprocess.run(
        [sys.executable, "-c", f"from photoshare import settings; print({expression})"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_there_is_no_default_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}

    result = _settings_in_a_fresh_process(env, "settings.SECRET_KEY")

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_unset_endpoints_mean_real_aws():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("AWS_S3_ENDPOINT_URL", "DYNAMODB_ENDPOINT_URL")
    }

    result = _settings_in_a_fresh_process(
        env, "settings.DYNAMODB_ENDPOINT_URL, settings.STORAGES['default']['OPTIONS']['endpoint_url']"
    )

    assert result.stdout.strip() == "None None"


def test_mysql_url_gets_utf8mb4():
    env = {**os.environ, "DATABASE_URL": "mysql://app:pw@db.example.internal:3306/photoshare"}

    result = _settings_in_a_fresh_process(env, "settings.DATABASES['default']['OPTIONS']['charset']")

    assert result.stdout.strip() == "utf8mb4"
