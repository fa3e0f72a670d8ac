"""Production settings: `check --deploy` is clean, and the headers reach the browser.

The test session turns off only the redirect to HTTPS (the test client speaks HTTP); the first
test runs `manage.py check --deploy` in a fresh process with nothing turned off.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks
from django.test import Client

pytestmark = pytest.mark.django_db


def production_env(**overrides):
    # Not the test session's file mail backend either: Django 6.1's check --deploy reports it (mail.E001).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_SECURE", "DJANGO_DEBUG", "PHOTOSHARE_CSP", "EMAIL_"))
    }
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(60)
    env.update(overrides)
    return env


def run_manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def test_check_deploy_passes_with_no_warnings_on_production_defaults():
    result = run_manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    # What is silenced is only models.W036 (allauth's conditional unique constraints, which MySQL/MariaDB
    # cannot create; photoshare/settings.py says why): one a constraint on MariaDB, none elsewhere.
    silenced = [message for message in checks.run_checks(databases=["default"]) if message.is_silenced()]
    assert {message.id for message in silenced} <= {"models.W036"}
    if settings.DATABASES["default"]["ENGINE"].endswith("mysql"):
        assert silenced
    assert f"System check identified no issues ({len(silenced)} silenced)." in result.stdout


def test_check_deploy_would_catch_an_insecure_setting():
    # The check above can fail: turning one protection off is reported.
    result = run_manage(
        production_env(DJANGO_SECURE_COOKIES="0"), "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout


def test_passkeys_from_any_origin_are_refused_outside_a_local_run():
    refused = run_manage(production_env(MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN="1"), "check")
    local = run_manage(production_env(MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN="1", DJANGO_DEBUG="1"), "check")

    assert refused.returncode != 0 and "for a local run (DJANGO_DEBUG=1) only" in refused.stderr
    assert local.returncode == 0, local.stderr


def test_debug_mode_relaxes_https_for_make_run():
    expression = "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS"
    result = subprocess.run(
        [sys.executable, "-c", f"from photoshare import settings as s; print({expression})"],
        env=production_env(DJANGO_DEBUG="1"),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )

    assert result.stdout.split() == ["False", "False", "0"], result.stderr


@pytest.mark.parametrize("switch, enforced, report_only", [("0", "True", "False"), ("1", "False", "True")])
def test_the_report_only_switch_moves_the_policy_to_the_report_only_header(switch, enforced, report_only):
    expression = "s.SECURE_CSP == s._CSP_POLICY, s.SECURE_CSP_REPORT_ONLY == s._CSP_POLICY"
    result = subprocess.run(
        [sys.executable, "-c", f"from photoshare import settings as s; print({expression})"],
        env=production_env(PHOTOSHARE_CSP_REPORT_ONLY=switch),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )

    assert result.stdout.split() == [enforced, report_only], result.stderr


def test_pages_carry_the_security_headers(aws, client):
    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_http_only(aws, user):
    client = Client()
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"login": "alice", "password": "correct horse battery"}, secure=True
    )

    assert response.status_code == 302
    session_cookie, csrf_cookie = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert csrf_cookie["secure"]


def test_http_is_redirected_to_https_behind_the_proxy(aws, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()

    plain = client.get("/photos/", HTTP_HOST="localhost")
    proxied = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    health = client.get("/healthz")

    assert plain.status_code == 301 and plain["Location"] == "https://localhost/photos/"
    assert proxied.status_code == 200
    assert health.status_code == 200  # load balancers check over plain HTTP


def test_mysql_connections_have_explicit_timeouts():
    env = {**os.environ, "DATABASE_URL": "mysql://app:pw@db.example.internal:3306/photoshare"}
    names = "('connect_timeout', 'read_timeout', 'write_timeout')"
    expression = f"[settings.DATABASES['default']['OPTIONS'][name] for name in {names}]"
    result = subprocess.run(
        [sys.executable, "-c", f"from photoshare import settings; print({expression})"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )

    assert result.stdout.strip() == "[5, 60, 60]", result.stderr
