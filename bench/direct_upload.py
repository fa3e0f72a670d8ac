"""Direct uploads end to end: how long a photo takes from the complete (202) to "ready", and how
long the request the app still serves takes, against the inline upload of the same file.

    .venv/bin/python bench/direct_upload.py --photos 10 [--force]
    .venv/bin/python bench/direct_upload.py --quick      (1 photo of 2 MP: CI's smoke run, no figure)

Starts its own stack (bench/_stack.py: moto, SQLite, gunicorn) and one `manage.py worker`. Each
12 MP JPEG is: POST /api/uploads/ (timed), the file POSTed to moto's S3 with the signed fields (the
client's step, timed apart), POST .../complete/ (timed), then GET /api/photos/<id>/ every 50 ms
until ready. The same files then go through POST /upload/ (the inline path) for comparison.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from _common import machine, photo_like, refuse_if_loaded, table
from _stack import Client, Stack

POLL_SECONDS = 0.05
ROOT = Path(__file__).resolve().parent.parent


def jpeg(size, seed):
    buffer = io.BytesIO()
    photo_like(size, seed=seed).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def api(client, method, path, body=None):
    headers = {"X-CSRFToken": client.cookies["csrftoken"], "Content-Type": "application/json"}
    response, content = client.request(method, path, json.dumps(body) if body is not None else None, headers)
    return response.status, json.loads(content or b"{}")


def direct(client, data, title):
    started = time.perf_counter()
    status, upload = api(client, "POST", "/api/uploads/", {"filename": "p.jpg", "size": len(data)})
    assert status == 201, upload
    signed = time.perf_counter()
    stored = requests.post(upload["url"], data=upload["fields"], files={"file": ("p.jpg", data)}, timeout=60)
    assert stored.status_code == 204, stored.text
    posted = time.perf_counter()
    status, photo = api(client, "POST", f"/api/uploads/{upload['upload_id']}/complete/", {"title": title})
    assert status == 202, photo
    completed = time.perf_counter()
    while photo["status"] == "processing":
        time.sleep(POLL_SECONDS)
        _, photo = api(client, "GET", f"/api/photos/{upload['upload_id']}/")
    assert photo["status"] == "ready", photo
    ready = time.perf_counter()
    return {
        "sign": (signed - started) * 1000,
        "s3 post": (posted - signed) * 1000,
        "complete": (completed - posted) * 1000,
        "complete to ready": (ready - completed) * 1000,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="1 photo of 2 MP (CI's smoke run)")
    parser.add_argument("--force", action="store_true", help="run above load 1.5 (figures no record)")
    arguments = parser.parse_args(argv)
    print(f"Command: bench/direct_upload.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    print(f"Machine: {machine()}")
    refuse_if_loaded(arguments.quick or arguments.force)
    size = (1600, 1200) if arguments.quick else (4000, 3000)
    if arguments.quick:
        arguments.photos = 1
    files = [jpeg(size, seed) for seed in range(arguments.photos)]
    with Stack() as stack:
        # Production settings (bench.instrument's timing hooks are not needed here), over plain HTTP.
        os.environ.update(
            DJANGO_SETTINGS_MODULE="photoshare.settings",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
        )
        site = stack.serve(workers=2)
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "worker"],
            # An idle long poll of 1 s, not 20: SIGTERM ends the worker after its current poll (a
            # job still wakes a waiting poll at once, so "complete to ready" is the same).
            env=dict(os.environ, PHOTOSHARE_JOBS_WAIT_SECONDS="1"),
            stdout=subprocess.DEVNULL,
        )
        try:
            client = Client(site).login()
            runs = [direct(client, data, f"Direct {number}") for number, data in enumerate(files)]
            inline = []
            for number, data in enumerate(files):
                started = time.perf_counter()
                response, _ = client.upload(data, "p.jpg", "image/jpeg", title=f"Inline {number}")
                assert response.status == 302, response.status
                inline.append((time.perf_counter() - started) * 1000)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    rows = [(phase, f"{statistics.median(run[phase] for run in runs):.0f}") for phase in runs[0]]
    rows.append(("inline POST /upload/ (same files, for comparison)", f"{statistics.median(inline):.0f}"))
    megapixels = size[0] * size[1] / 1e6
    described = f"{megapixels:.0f} MP JPEG ({len(files[0]) / 1e6:.1f} MB)"
    print(f"\n{arguments.photos} photos, {described}, medians in ms:\n")
    print(table(["step", "ms"], rows))
    print(f"\nslowest complete to ready: {max(run['complete to ready'] for run in runs):.0f} ms")


if __name__ == "__main__":
    main()
