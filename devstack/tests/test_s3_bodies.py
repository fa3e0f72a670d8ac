"""S3 bodies at camera-roll scale: kept once in a blob store beside the recording, which names
them; a restart points keys at them without reading a byte; older recordings still replay."""

import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import requests
from botocore.exceptions import BotoCoreError, ClientError

from devstack.local_aws import MotoServer
from devstack.s3_bodies import BODY_FIELD, blobs_dir
from devstack.tests.test_local_stack import boto, kill_while_writing

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "photos"


def post_upload(s3, key, content):
    """A browser's direct upload: the presigned POST form with the file."""
    post = s3.generate_presigned_post(Bucket=BUCKET, Key=key)
    fields = {**post["fields"], "Content-Type": "image/jpeg"}
    files = {"file": ("photo.jpg", content, "image/jpeg")}
    return requests.post(post["url"], data=fields, files=files, timeout=60)


def disk_bytes(recording):
    blobs = sum(path.stat().st_size for path in blobs_dir(recording).iterdir())
    return recording.stat().st_size + blobs


def entries(recording):
    return [json.loads(line) for line in recording.read_text().splitlines()]


def objects(url):
    """{key: (bytes, content type, ETag)} of every object in the bucket."""
    s3, _ = boto(url)
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for listed in page.get("Contents", []):
            stored = s3.get_object(Bucket=BUCKET, Key=listed["Key"])
            found[listed["Key"]] = (stored["Body"].read(), stored["ContentType"], stored["ETag"])
    return found


def test_n_uploads_cost_about_their_own_bytes_on_disk_and_a_copy_costs_none(tmp_path):
    recording, count, size = tmp_path / "recording.jsonl", 12, 256 * 1024
    server = MotoServer(recording=recording).start()
    try:
        s3, _ = boto(server.url)
        s3.create_bucket(Bucket=BUCKET)
        for number in range(count):
            s3.put_object(Bucket=BUCKET, Key=f"{number}.jpg", Body=os.urandom(size), ContentType="image/jpeg")
        uploaded = disk_bytes(recording)
        # What a direct upload does next: the object copied to its final key, the upload deleted.
        s3.copy_object(Bucket=BUCKET, Key="original.jpg", CopySource={"Bucket": BUCKET, "Key": "0.jpg"})
        s3.delete_object(Bucket=BUCKET, Key="0.jpg")
    finally:
        server.stop()
    # The bodies once (not base64 in the log: 1.33x, nor twice), plus a little metadata a write.
    assert count * size <= uploaded <= count * size * 1.05
    assert disk_bytes(recording) - uploaded < size / 10
    assert recording.stat().st_size < count * size / 20


def test_a_restart_gives_back_every_body_byte_identical_without_reading_one(tmp_path):
    recording = tmp_path / "recording.jsonl"
    server = MotoServer(recording=recording).start()
    try:
        s3, _ = boto(server.url)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="a/original.jpg", Body=os.urandom(300_000), ContentType="image/jpeg")
        s3.put_object(Bucket=BUCKET, Key="empty.txt", Body=b"", ContentType="text/plain")
        s3.put_object(Bucket=BUCKET, Key="overwritten.png", Body=b"first", ContentType="image/png")
        s3.put_object(Bucket=BUCKET, Key="overwritten.png", Body=b"second", ContentType="image/png")
        s3.put_object(Bucket=BUCKET, Key="deleted.jpg", Body=os.urandom(1000))
        s3.delete_object(Bucket=BUCKET, Key="deleted.jpg")
        # A browser's direct upload (presigned POST form), then the worker's copy to its final key.
        upload = os.urandom(200_000)
        assert post_upload(s3, "uploads/u.jpg", upload).status_code == 204
        # A file whose bytes are also a field of the form: only the file's are cut out.
        assert post_upload(s3, "uploads/tiny", b"image/jpeg").status_code == 204
        s3.copy_object(
            Bucket=BUCKET, Key="b/original.jpg", CopySource={"Bucket": BUCKET, "Key": "uploads/u.jpg"},
            MetadataDirective="REPLACE", ContentType="image/jpeg",
        )  # fmt: skip
        s3.delete_object(Bucket=BUCKET, Key="uploads/u.jpg")
        before = objects(server.url)
    finally:
        server.stop()
    assert before["b/original.jpg"][0] == upload
    assert all(len(json.dumps(entry)) < 4000 for entry in entries(recording))  # no body inline

    # The replay in a process of its own, counting the bytes the blob store reads and writes.
    replay = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from devstack import s3_bodies
moved = []
for name in ("read", "put"):
    def counted(self, *args, _real=getattr(s3_bodies.BlobStore, name)):
        data = _real(self, *args)
        moved.append(len(data) if isinstance(data, bytes) else len(args[0]))
        return data
    setattr(s3_bodies.BlobStore, name, counted)
from devstack.moto_app import build_app
app, summary = build_app({str(recording)!r})
print(sum(moved), summary)
"""
    done = subprocess.run([sys.executable, "-c", replay], capture_output=True, text=True, check=True)
    assert done.stdout.split()[0] == "0", done.stdout  # not a byte of a body read or written
    assert "unreferenced blobs removed" in done.stdout  # the overwritten and deleted bodies

    for _ in range(2):  # after the compaction as before it
        again = MotoServer(recording=recording).start()
        try:
            assert objects(again.url) == before
        finally:
            again.stop()


def test_a_kill_9_during_puts_loses_nothing_answered_and_names_no_missing_blob(tmp_path):
    recording = tmp_path / "recording.jsonl"
    server = MotoServer(recording=recording).start()
    s3, _ = boto(server.url)
    s3.create_bucket(Bucket=BUCKET)
    answered, stop = {}, threading.Event()

    def writer(number):
        s3, _ = boto(server.url)
        for index in range(10_000):
            key, body = f"{number}/{index % 25}", os.urandom(50_000 + index)  # keys overwritten too
            try:
                s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="image/jpeg")
            except (BotoCoreError, ClientError):  # killed under this request: it may go either way
                answered.pop(key, None)
                return
            answered[key] = body
            if stop.is_set():
                return

    kill_while_writing(server, writer, answered, stop, enough=60)

    for entry in entries(recording):
        if BODY_FIELD in entry:
            blob = blobs_dir(recording) / entry[BODY_FIELD]["sha256"]
            assert blob.stat().st_size == entry[BODY_FIELD]["size"]
    again = MotoServer(recording=recording).start()
    try:
        s3, _ = boto(again.url)
        for key, body in answered.items():
            stored = s3.get_object(Bucket=BUCKET, Key=key)
            assert (stored["Body"].read(), stored["ContentType"]) == (body, "image/jpeg"), key
    finally:
        again.stop()


def inline_bodies(recording):
    """The recording as devstack wrote it before the blob store: every body inline, base64."""
    lines = []
    for entry in entries(recording):
        body = entry.pop(BODY_FIELD, None)
        if body:
            rest = base64.b64decode(entry["body"])
            offset = body["offset"] or 0
            blob = (blobs_dir(recording) / body["sha256"]).read_bytes() if body["offset"] is not None else b""
            entry["body"] = base64.b64encode(rest[:offset] + blob + rest[offset:]).decode()
        lines.append(json.dumps(entry))
    recording.write_text("\n".join(lines) + "\n")
    for blob in blobs_dir(recording).iterdir():
        blob.unlink()
    blobs_dir(recording).rmdir()


def test_a_recording_with_inline_bodies_replays_and_is_rewritten_with_its_bodies_in_blobs(tmp_path):
    recording = tmp_path / "recording.jsonl"
    server = MotoServer(recording=recording).start()
    try:
        s3, _ = boto(server.url)
        s3.create_bucket(Bucket=BUCKET)
        for number in range(3):
            body = os.urandom(100_000)
            s3.put_object(Bucket=BUCKET, Key=f"{number}.jpg", Body=body, ContentType="image/jpeg")
        assert post_upload(s3, "uploads/u.jpg", os.urandom(100_000)).status_code == 204
        s3.copy_object(Bucket=BUCKET, Key="copy.jpg", CopySource={"Bucket": BUCKET, "Key": "0.jpg"})
        before = objects(server.url)
    finally:
        server.stop()
    inline_bodies(recording)
    assert recording.stat().st_size > 500_000 and not blobs_dir(recording).exists()

    log = tmp_path / "moto.log"
    for _ in range(2):  # the first start moves the bodies out, the second replays the new form
        again = MotoServer(recording=recording, log=log).start()
        try:
            assert objects(again.url) == before
        finally:
            again.stop()
        assert recording.stat().st_size < 50_000
    assert "5 inline bodies moved" in log.read_text()
    assert len(list(blobs_dir(recording).iterdir())) == 4  # the copy's bytes are the original's
