"""The schema is usable, not just present: a typed client generated from the served
/api/openapi.json (openapi-python-client, into a temporary directory: never committed) uploads a
photo straight to S3, lists it and puts it in an album, against a live server with the worker
running (scripts/api_client.py, run as its own process: no Django on the client's side)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from accounts.models import ApiToken
from gallery.services import worker
from gallery.tests.factories import image_bytes

ROOT = Path(__file__).resolve().parents[3]
# Its own xdist group: two processes and a worker thread, ~20 s on a loaded machine.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("client")]


@pytest.fixture
def running_worker(aws):
    stop = threading.Event()
    thread = threading.Thread(target=worker.work, kwargs={"should_stop": stop.is_set, "wait_seconds": 1})
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


def script(*arguments, token=""):
    done = subprocess.run(
        [sys.executable, "-m", "scripts.api_client", *map(str, arguments)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PHOTOSHARE_API_TOKEN": token},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_client_generated_from_the_served_schema_uploads_lists_and_makes_an_album(
    aws, running_worker, live_server, user, tmp_path
):
    image = tmp_path / "harbour.jpg"
    image.write_bytes(image_bytes(size=(640, 480)))

    package = script("generate", f"{live_server.url}/api/openapi.json", tmp_path / "client").strip()
    assert Path(package, "api", "uploads", "start_upload.py").exists()
    seen = json.loads(script("walk", tmp_path / "client", live_server.url, image, token=ApiToken.issue(user)))

    assert seen["status"] == "ready" and seen["size"] == [640, 480]
    assert seen["listed"] == [seen["photo"]]
    assert seen["album_photos"] == [seen["photo"]]
