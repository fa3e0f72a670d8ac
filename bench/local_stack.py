"""The local stack (devstack/moto_app.py) as the photo count grows: server RSS, per-request time
of an upload's transaction (10 items), a list-page Query and a PUT, disk use and restart time.

    .venv/bin/python bench/local_stack.py              # 100 / 1 000 / 10 000 photos (minutes)
    .venv/bin/python bench/local_stack.py --quick      # 300 photos, CI smoke test
    .venv/bin/python bench/local_stack.py --baseline   # also plain `python -m moto.server` (before)
    .venv/bin/python bench/local_stack.py --sizes 1000 --photo-kb 1024   # bigger bodies

boto3 drives the server directly (the site is not involved). Each photo is what an upload writes:
one TransactWriteItems of 10 items on photoshare's table layout (photo item, list cards, tag and
owner counters) and one object of --photo-kb KB (40 by default; every photo's bytes differ). The
Query is the first page (25 items) of the biggest list on the "lists" index. RSS is the server's
VmRSS at that size (VmHWM: its peak). At each size: the disk the recording and its blob store take
(and that per photo, divided by the photo's own bytes), then a restart: stop, start on the
recording until the server answers (the fill goes on on the new server). Every row prints the
load average (/proc/loadavg) it was measured at. The baseline is moto as we ran it before (its
recorder on, replayed over HTTP); it is stopped at --baseline-max photos, as it grows by GBs.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, median_ms, refuse_if_loaded, table

from devstack.local_app import SNAPSHOT_EVERY
from devstack.local_aws import MotoServer, create_photo_store, free_port
from devstack.s3_bodies import blobs_dir
from devstack.snapshot import snapshot_path

TABLE, BUCKET = "bench-photos", "bench-photos"
PHOTO_BYTES = {"size": 40 * 1024}


def body_of(number):
    """A photo's bytes: random, and different for every photo (the blob store keeps equal bytes once)."""
    return number.to_bytes(8, "big") + os.urandom(PHOTO_BYTES["size"] - 8)


def load():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def disk_mb(recording):
    blobs = blobs_dir(recording)
    stored = sum(path.stat().st_size for path in blobs.iterdir()) if blobs.exists() else 0
    snapshot = snapshot_path(recording)
    stored += snapshot.stat().st_size if snapshot.exists() else 0
    return (recording.stat().st_size + stored) / 2**20


class PlainMoto(MotoServer):
    """moto 5.2.5 as devstack/local_aws.py ran it before: moto.server with moto's recorder."""

    def start(self, timeout=float("inf")):
        env = dict(os.environ, MOTO_ENABLE_RECORDING="1", MOTO_RECORDER_FILEPATH=str(self.recording))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready(timeout, path="/moto-api/data.json")
        if self.recording.exists() and self.recording.stat().st_size:
            self._post("/moto-api/recorder/replay-recording")
        return self


def clients(url):
    import boto3
    from botocore.config import Config

    options = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
        "config": Config(retries={"mode": "standard", "max_attempts": 1}),
    }
    return boto3.client("s3", **options), boto3.client("dynamodb", **options)


def create(s3, dynamodb):
    create_photo_store(s3, dynamodb, bucket=BUCKET, table=TABLE)


def upload_actions(number):
    """An upload's transaction: photo item, 6 cards, 2 tag counters, 1 owner counter (~1.5 KB)."""
    photo_id = f"{number:08d}"
    created = f"2026-12-01T00:00:00.{number:06d}"
    text = {"S": "A photo description, long enough to be like a real one. " * 8}
    photo = {
        "pk": {"S": f"PHOTO#{photo_id}"},
        "sk": {"S": "PHOTO"},
        "title": {"S": f"photo {number}"},
        "description": text,
        "owner": {"N": str(number % 20)},
        "revision": {"N": "1"},
    }
    actions = [
        {"Put": {"TableName": TABLE, "Item": photo, "ConditionExpression": "attribute_not_exists(pk)"}}
    ]
    lists = [
        "ALL",
        "FEED",
        f"USER#{number % 20}",
        f"OWNER#{number % 20}",
        f"TAG#t{number % 7}",
        f"TITLE#{number % 50:02d}",
    ]
    for name in lists:
        card = {
            "pk": {"S": f"PHOTO#{photo_id}"},
            "sk": {"S": f"LIST#{name}"},
            "list_pk": {"S": name},
            "list_sk": {"S": f"{created}#{photo_id}"},
            "title": {"S": f"photo {number}"},
        }
        actions.append({"Put": {"TableName": TABLE, "Item": card}})
    counters = [
        ("TAGS", f"TAG#t{number % 7}"),
        ("TAGS", f"TAG#u{number % 5}"),
        ("OWNERS", f"OWNER#{number % 20}"),
    ]
    for pk, sk in counters:
        actions.append(
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
                    "UpdateExpression": "ADD photo_count :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            }
        )
    return actions


def add_photo(s3, dynamodb, number):
    """(transaction seconds, PUT seconds)."""
    started = time.perf_counter()
    dynamodb.transact_write_items(TransactItems=upload_actions(number))
    middle = time.perf_counter()
    s3.put_object(
        Bucket=BUCKET, Key=f"photos/{number:08d}/original.jpg", Body=body_of(number), ContentType="image/jpeg"
    )
    return middle - started, time.perf_counter() - middle


def query_seconds(dynamodb):
    started = time.perf_counter()
    page = dynamodb.query(
        TableName=TABLE,
        IndexName="lists",
        KeyConditionExpression="list_pk = :list",
        ExpressionAttributeValues={":list": {"S": "ALL"}},
        ScanIndexForward=False,
        Limit=25,
    )
    assert page["Items"], "the list is empty"
    return time.perf_counter() - started


def status_mb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def restart(server_class, recording):
    """(server, seconds): a new server on the recording, answering."""
    started = time.perf_counter()
    server = server_class(port=free_port(), recording=recording).start()
    return server, time.perf_counter() - started


def seed(server, recording, first, end):
    """Photos first..end-1 written straight into the recording (no request: 10 000 photos in
    seconds, not the image pipeline nor HTTP), as the server records an upload: its transaction's
    entry and its PUT's naming a blob. The entries of photo `first`, sent for real, are the
    templates. The server is stopped meanwhile and started again (it replays what was seeded);
    returns the new server."""
    import base64
    import hashlib
    import json

    from devstack.s3_bodies import BlobStore

    s3, dynamodb = clients(server.url)
    add_photo(s3, dynamodb, first)
    server.stop()
    transaction, put = [json.loads(line) for line in recording.read_text().splitlines()[-2:]]
    drop = ("x-amz-checksum", "content-md5", "x-amz-sdk-checksum")
    put["headers"] = {k: v for k, v in put["headers"].items() if not k.lower().startswith(drop)}
    store = BlobStore(blobs_dir(recording))
    lines = []
    for number in range(first + 1, end):
        body = json.dumps({"TransactItems": upload_actions(number)}).encode()
        lines.append(json.dumps({**transaction, "body": base64.b64encode(body).decode()}))
        data = body_of(number)
        etag = hashlib.md5(data).hexdigest()  # noqa: S324 - S3's ETag
        s3_body = {"sha256": store.put(data), "size": len(data), "etag": etag, "offset": 0}
        url = put["url"].replace(f"{first:08d}", f"{number:08d}")
        lines.append(json.dumps({**put, "url": url, "s3_body": s3_body}))
    with recording.open("a") as out:
        out.write("".join(line + "\n" for line in lines))
    return server.__class__(port=free_port(), recording=recording).start()


def run(kind, server_class, sizes, samples, workdir, deadline=None, seeded=True):
    recording = Path(workdir) / f"{kind.split()[0]}.jsonl"
    server = server_class(port=free_port(), recording=recording).start()
    rows, restarts, count = [], [], 0
    try:
        s3, dynamodb = clients(server.url)
        create(s3, dynamodb)
        for size in sizes:
            fill_started, filled_from = time.perf_counter(), count
            if seeded and server_class is MotoServer and count < size - samples:
                server = seed(server, recording, count, size - samples)
                s3, dynamodb = clients(server.url)
                count = size - samples
            while count < size - samples:
                add_photo(s3, dynamodb, count)
                count += 1
                if deadline and time.monotonic() > deadline:
                    rows.append([kind, f"stopped at {count}", "", "", "", "", "", "", load()])
                    return rows, restarts
            fill = time.perf_counter() - fill_started
            transactions, puts, queries = [], [], []
            for _ in range(samples):
                transaction, put = add_photo(s3, dynamodb, count)
                count += 1
                transactions.append(transaction)
                puts.append(put)
                queries.append(query_seconds(dynamodb))
            pid = server.process.pid
            rows.append(
                [
                    kind,
                    f"{count:,}".replace(",", " "),
                    f"{status_mb(pid, 'VmRSS'):.0f}",
                    f"{status_mb(pid, 'VmHWM'):.0f}",
                    f"{median_ms(transactions):.1f}",
                    f"{median_ms(queries):.1f}",
                    f"{median_ms(puts):.1f}",
                    f"{fill / max(1, count - samples - filled_from) * 1000:.1f}",
                    load(),
                ]
            )
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
            # A clean stop (a snapshot: the start loads it and replays nothing), then a crash
            # (kill -9) after the most writes a start may have to replay: SNAPSHOT_EVERY - 2 (at the last
            # size only: it adds photos).
            server.stop()
            disk = disk_mb(recording)
            server, seconds = restart(server_class, recording)
            s3, dynamodb = clients(server.url)
            query_seconds(dynamodb)
            per_photo = disk * 2**20 / count
            rss = status_mb(server.process.pid, "VmRSS")
            killed_seconds = ""
            if server_class is MotoServer and size == sizes[-1]:
                for _ in range(SNAPSHOT_EVERY // 2 - 1):
                    add_photo(s3, dynamodb, count)
                    count += 1
                server.process.kill()
                server.process.wait()
                server, killed = restart(server_class, recording)
                s3, dynamodb = clients(server.url)
                killed_seconds = f"{killed:.2f}"
            restarts.append(
                [
                    kind,
                    f"{size:,}".replace(",", " "),
                    f"{disk:.1f}",
                    f"{per_photo / 1024:.1f}",
                    f"{per_photo / PHOTO_BYTES['size']:.2f}",
                    f"{seconds:.2f}",
                    killed_seconds,
                    f"{rss:.0f}",
                    load(),
                ]
            )
            print(" | ".join(restarts[-1]), file=sys.stderr, flush=True)
    finally:
        server.stop()
    return rows, restarts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 photos, for CI (smoke run)")
    parser.add_argument("--baseline", action="store_true", help="also plain moto.server (before the fix)")
    parser.add_argument("--baseline-max", type=int, default=300, help="photos for the baseline (default 300)")
    parser.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",")], help="e.g. 100,1000")
    parser.add_argument(
        "--requests", action="store_true", help="fill through requests, not seeded into the recording"
    )
    parser.add_argument("--photo-kb", type=int, default=40, help="each photo's object, KB (default 40)")
    parser.add_argument("--force", action="store_true", help="run above load 1.5 (figures no record)")
    args = parser.parse_args(argv)
    PHOTO_BYTES["size"] = args.photo_kb * 1024
    # --quick: CI's smoke run, one size (the one scripts/tests checks the disk ratio at), few samples.
    sizes = args.sizes or ([300] if args.quick else [100, 1000, 10000])
    samples = 3 if args.quick else 15
    print(f"Machine: {machine()}", flush=True)
    refuse_if_loaded(args.quick or args.force)
    rows, restarts = [], []
    with tempfile.TemporaryDirectory(prefix="bench-local-stack-") as workdir:
        kinds = [("devstack moto (after)", MotoServer, sizes)]
        if args.baseline:
            limit = [size for size in sizes if size <= args.baseline_max] or [args.baseline_max]
            kinds.insert(0, ("moto.server (before)", PlainMoto, limit))
        for kind, server_class, kind_sizes in kinds:
            deadline = time.monotonic() + 1800
            kind_rows, kind_restarts = run(
                kind, server_class, kind_sizes, samples, workdir, deadline, seeded=not args.requests
            )
            rows += kind_rows
            restarts += kind_restarts
    headers = [
        "server",
        "photos",
        "RSS MB",
        "peak RSS MB",
        "transaction (10 items) ms",
        "Query (25) ms",
        f"PUT {args.photo_kb} KB ms",
        "fill ms/photo",
        "load",
    ]
    print()
    print(table(headers, rows))
    print()
    headers = ["server", "photos", "disk MB", "disk KB/photo", "disk / photo bytes", "restart s"]
    headers.append(f"restart after kill -9, {SNAPSHOT_EVERY - 2} writes after the snapshot, s")
    print(table([*headers, "RSS after restart MB", "load"], restarts))
    print(f"\nmedians of {samples} requests at each size, one boto3 client, 127.0.0.1")


if __name__ == "__main__":
    import signal

    # A killed run (timeout, CI) still stops its servers and removes its files.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    main()
