"""`gunicorn photoshare.wsgi` serves pages and static files with production settings."""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from devstack.local_aws import free_port


def database_url_of_the_test_database(tmp_path):
    database = connection.settings_dict
    if connection.vendor == "mysql":
        user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        host = f"{database['HOST']}:{database['PORT'] or 3306}"
        return f"mysql://{user}@{host}/{database['NAME']}"
    return f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}"  # the test's SQLite lives in memory


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def gunicorn(aws, transactional_db, tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_DEBUG": "0", "DATABASE_URL": database_url_of_the_test_database(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "photoshare.wsgi", "--bind", f"127.0.0.1:{port}", "-w", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_gunicorn_serves_the_gallery_health_and_hashed_static_files(gunicorn):
    status, _, body = get(gunicorn + "/healthz")
    assert (status, body) == (200, '{"database": "ok", "s3": "ok", "dynamodb": "ok"}')

    status, _, page = get(gunicorn + "/")
    assert status == 200 and "Newest photos" in page

    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, css = get(gunicorn + stylesheet)
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]  # WhiteNoise: hashed names cache for ever
    assert ".grid" in css
