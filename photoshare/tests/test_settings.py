import os
import subprocess
import sys

import boto3
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django_ses import SESBackend


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


def test_mail_goes_to_the_ses_endpoint_the_environment_names(moto_server, monkeypatch, settings):
    """django-ses finds SES as every boto3 client does: AWS_ENDPOINT_URL when set (the deploy
    rehearsal's moto, which its users read their mail from), SES of the region otherwise."""
    settings.MAILERS = {"default": {"BACKEND": "django_ses.SESBackend"}}
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SES", raising=False)
    backend = SESBackend()
    backend.open()
    real_ses = f"https://email.{settings.AWS_SES_REGION_NAME}.amazonaws.com"
    assert backend.connection.meta.endpoint_url == real_ses

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    ses = boto3.client("ses", region_name=settings.AWS_SES_REGION_NAME)
    ses.verify_email_identity(EmailAddress="no-reply@photos.example.com")
    sent = len(moto_server.sent_mail())

    mail.send_mail("Hello", "A link", "no-reply@photos.example.com", ["bob@example.com"])

    (message,) = moto_server.sent_mail()[sent:]
    assert set(message["destinations"]) == {"bob@example.com"} and "A link" in message["raw"]
