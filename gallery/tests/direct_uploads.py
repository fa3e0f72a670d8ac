"""Direct uploads the way a client makes them: ask the API for a presigned POST, POST the file
to S3 (moto, over real HTTP) with `requests`, complete, run the worker."""

import json

import requests

from gallery.services import worker
from gallery.tests.factories import image_bytes


def start(client, **body):
    return client.post("/api/uploads/", json.dumps(body), content_type="application/json")


def post_to_s3(upload, data, filename="photo.jpg", content_type="image/jpeg"):
    """The client's step 2: the file straight to S3 with the signed fields (no app in between)."""
    return requests.post(
        upload["url"], data=upload["fields"], files={"file": (filename, data, content_type)}, timeout=30
    )


def complete(client, upload_id, **details):
    return client.post(
        f"/api/uploads/{upload_id}/complete/", json.dumps(details), content_type="application/json"
    )


def upload_file(client, data=None, **details):
    """Steps 1-3; returns (upload_id, the complete's response)."""
    upload = start(client, filename="photo.jpg", content_type="image/jpeg", size=1000).json()
    stored = post_to_s3(upload, image_bytes(size=(120, 80)) if data is None else data)
    assert stored.status_code == 204, stored.text
    return upload["upload_id"], complete(client, upload["upload_id"], **{"title": "Harbour", **details})


def run_worker():
    """Run every queued job now; returns how many were done."""
    return worker.work(wait_seconds=0, until_empty=True)
