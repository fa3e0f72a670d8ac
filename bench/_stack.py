"""The whole site for a benchmark: its own moto server, a throwaway SQLite accounts database, and
gunicorn with bench.server_settings (production settings + timing headers + /hello/)."""

import http.client
import http.cookies
import os
import secrets
import tempfile
import urllib.parse
import uuid
from pathlib import Path

import _common  # noqa: F401 - puts the project on sys.path

from devstack.gunicorn_site import GunicornSite
from devstack.local_aws import MotoServer

USERNAME, PASSWORD = "bench", secrets.token_urlsafe(16)


class Stack:
    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="photoshare-bench-"))
        self.moto = MotoServer(log=self.directory / "moto.log")
        self.site = None

    def __enter__(self):
        self.moto.start()
        os.environ.update(
            DJANGO_SETTINGS_MODULE="bench.server_settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_DEBUG="0",
            DATABASE_URL=f"sqlite:///{self.directory / 'accounts.sqlite3'}",
            AWS_S3_ENDPOINT_URL=self.moto.url,
            DYNAMODB_ENDPOINT_URL=self.moto.url,
            SQS_ENDPOINT_URL=self.moto.url,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY=secrets.token_hex(16),  # moto accepts anything
            AWS_STORAGE_BUCKET_NAME="photoshare-bench",
            DYNAMODB_TABLE_NAME="photoshare-bench",
            LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.core.management import call_command

        from devstack import prepared
        from gallery.tests.factories import confirmed_user

        # The checkout's staticfiles/ and a migrated database, each made once for its inputs
        # (devstack/prepared.py): a test run and every bench after it share them.
        prepared.migrated_sqlite()
        prepared.collect_static()
        call_command("init_aws", verbosity=0)
        # Logging in needs a confirmed address (django-allauth), as the site's own users have.
        self.user = confirmed_user(USERNAME, PASSWORD)
        return self

    def serve(self, workers=2):
        """(Re)start gunicorn; a fresh start gives fresh workers (and fresh peak-memory marks)."""
        if self.site:
            self.site.stop()
        self.site = GunicornSite(dict(os.environ), workers=workers, log=self.directory / "gunicorn.log")
        self.site.start()
        return self.site

    def __exit__(self, *exc_info):
        if self.site:
            self.site.stop()
        self.moto.stop()


class Client:
    """Just enough of a browser: cookies, a login, form posts and multipart uploads."""

    def __init__(self, site):
        self.port = site.port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, content

    def login(self):
        self.request("GET", "/accounts/login/")
        form = {"login": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            urllib.parse.urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 302, f"login failed: {response.status}"
        return self

    def upload(self, data, filename, content_type, title="Bench photo", tags="bench"):
        boundary = uuid.uuid4().hex
        fields = {
            "title": title,
            "description": "",
            "tags": tags,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST", "/upload/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def server_timing(response):
    """{'total': ms, 'thumbnail': ms, ...} from the Server-Timing header of bench.instrument."""
    phases = {}
    for entry in (response.getheader("Server-Timing") or "").split(","):
        name, _, duration = entry.strip().partition(";dur=")
        if name:
            phases[name] = float(duration)
    return phases


def backend_calls(response):
    calls = {}
    for entry in (response.getheader("X-Backend-Calls") or "").split(","):
        name, _, count = entry.strip().partition("=")
        if name:
            calls[name] = int(count)
    return calls
