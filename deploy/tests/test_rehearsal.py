"""deploy/userdata.sh run for real on this machine, twice: a rehearsal of the first boot on EC2.

Stand-ins only for what cannot exist here (rehearsal/harness.py lists every difference): dnf,
systemd and cfn-signal, and moto for AWS, including the instance metadata service that hands out
the role's credentials. The virtualenv, gunicorn, nginx and MariaDB are real. Then a photo is
uploaded through nginx, and a second run must leave everything as the first left it.

Needs root, nginx, python3.11 with venv and headers, MariaDB on 127.0.0.1:3306 (an account that may
create users: PHOTOSHARE_REHEARSAL_DB_USER/_PASSWORD, which .ci/run sets; root by default) and PyPI (or the
machine's pip mirror); skips with the reason when one is missing. About a minute (a minute and a
half while pip's cache is cold). PHOTOSHARE_REHEARSAL_KEEP=1 keeps the stage in /tmp to look at.
"""

import json
import os
import pwd
import re
import shutil
import subprocess

import pytest

from deploy.tests.rehearsal.harness import (
    APP_USER,
    MAX_UPLOAD_BYTES,
    PUBLIC_IP,
    REGION,
    STACK,
    Rehearsal,
    host_lock,
    missing_requirements,
)
from deploy.tests.rehearsal.site import Site
from gallery.tests.factories import image_bytes

pytestmark = pytest.mark.rehearsal

HEALTHY = {"database": "ok", "s3": "ok", "dynamodb": "ok"}


@pytest.fixture
def rehearsal():
    missing = missing_requirements()
    if missing:
        pytest.skip("the rehearsal needs what this machine lacks: " + "; ".join(missing))
    with host_lock():
        stage = Rehearsal()
        try:
            stage.set_up()
            yield stage
        finally:
            stage.clean_up()


def test_userdata_serves_photoshare_and_a_second_run_changes_nothing(rehearsal):
    first = rehearsal.run()
    assert first.returncode == 0, rehearsal.diagnostics()
    assert_deployed(rehearsal)
    site = Site(rehearsal.port, PUBLIC_IP)
    assert_healthy(site)
    assert_nginx_serves_static_files_itself(rehearsal, site)
    assert site.announce_body("/upload/", MAX_UPLOAD_BYTES + 2 * 1024 * 1024).status == 413
    sign_up(site)
    first_photo = upload(site, "Harbour at dusk")
    before = rehearsal.snapshot()

    second = rehearsal.run()

    assert second.returncode == 0, rehearsal.diagnostics()
    assert "is already built" in second.output
    assert rehearsal.snapshot() == before
    assert_deployed(rehearsal)
    assert_healthy(site)
    assert "Harbour at dusk" in site.get(first_photo).text
    assert "Boats" in site.get(upload(site, "Boats")).text
    assert_no_secret_in_any_log(rehearsal)
    assert_manage_wrapper_works(rehearsal)
    print(f"rehearsal: first run {first.seconds:.0f}s, second run {second.seconds:.0f}s")


def assert_deployed(rehearsal):
    log = rehearsal.path("var/log/photoshare-userdata.log").read_text().strip().splitlines()
    assert "photoshare-deploy: SUCCESS: release" in log[-1], rehearsal.diagnostics()

    env_file = rehearsal.path("etc/photoshare/env")
    info = env_file.stat()
    assert oct(info.st_mode & 0o777) == "0o600"
    account = pwd.getpwnam(APP_USER)
    assert (info.st_uid, info.st_gid) == (account.pw_uid, account.pw_gid)
    settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert settings["DATABASE_URL"].startswith(f"'mysql://{rehearsal.db_name}:")  # the app's account
    assert "AWS_ACCESS_KEY_ID" not in settings  # credentials come from the instance metadata only
    # nginx's limit is Django's DATA_UPLOAD_MAX_MEMORY_SIZE for the stack's MaxUploadBytes.
    nginx_conf = rehearsal.path("etc/nginx/nginx.conf").read_text()
    assert f"client_max_body_size {MAX_UPLOAD_BYTES + 1024 * 1024};" in nginx_conf

    for unit in ("photoshare.service", "nginx.service"):
        assert rehearsal.systemctl("is-active", unit).returncode == 0, rehearsal.diagnostics()
        assert rehearsal.systemctl("is-enabled", unit).returncode == 0
    gunicorn = rehearsal.main_pid("photoshare.service")
    assert os.stat(f"/proc/{gunicorn}").st_uid == account.pw_uid  # gunicorn runs as the app user

    packages = rehearsal.path("var/log/dnf-rehearsal.log").read_text().splitlines()
    assert packages and all(line.startswith("install -y") for line in packages)
    signals = rehearsal.path("var/log/cfn-signal-rehearsal.log").read_text().splitlines()
    assert signals == [f"success=true stack={STACK} resource=WebServer region={REGION}"]


def assert_healthy(site):
    response = site.get("/healthz")
    assert (response.status, json.loads(response.body)) == (200, HEALTHY)


def assert_nginx_serves_static_files_itself(rehearsal, site):
    page = site.get("/")
    assert page.status == 200, page.text[:1000]
    path = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)
    response = site.get(path)
    assert response.status == 200
    assert "max-age=315360000" in response.headers["cache-control"]
    gunicorn_log = rehearsal.path("var/log/photoshare/app.log").read_text()  # what CloudWatch gets
    assert "GET /healthz" in gunicorn_log and path not in gunicorn_log, "static file served by gunicorn"


def sign_up(site):
    password = "rehearsal-Passw0rd-" + os.urandom(4).hex()
    response = site.post_form(
        "/accounts/signup/",
        {
            "username": "rehearsal",
            "email": "rehearsal@example.com",
            "password1": password,
            "password2": password,
        },
    )
    assert (response.status, response.headers.get("location")) == (302, "/upload/"), response.text[:2000]


def upload(site, title):
    """Upload a photo through nginx; returns the photo's page."""
    fields = {"title": title, "description": "Boats coming home.", "tags": "sea boats"}
    files = {"image": ("harbour.jpg", "image/jpeg", image_bytes(size=(1600, 1200)))}
    response = site.post_form("/upload/", fields, files)
    assert response.status == 302, response.text[:2000]
    location = response.headers["location"]
    assert re.fullmatch(r"/photos/[0-9a-f]{32}/", location)
    return location


def assert_no_secret_in_any_log(rehearsal):
    for name, text in rehearsal.logs().items():
        for secret in (rehearsal.secret_key, rehearsal.db_password):
            assert secret not in text, f"a secret appears in {name}"
    for path in ("var/lib/cloud/instance/scripts/part-001", "etc/nginx/nginx.conf"):
        assert rehearsal.db_password not in rehearsal.path(path).read_text()


def assert_manage_wrapper_works(rehearsal):
    """photoshare-manage, the operator's way to manage.py, is written by the script: run it here."""
    wrapper = rehearsal.path("usr/local/bin/photoshare-manage")
    result = subprocess.run(
        [str(wrapper), "check_aws"], env=rehearsal.environment(), capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout.split()) == (
        0,
        ["database:", "ok", "s3:", "ok", "dynamodb:", "ok"],
    )
    if shutil.which("shellcheck"):
        result = subprocess.run(
            ["shellcheck", "--severity=style", str(wrapper)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout
