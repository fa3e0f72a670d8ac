"""devstack/moto_app.py under load: concurrent writers, failed writes, damaged recordings, memory.

Each of these failed with `python -m moto.server` and its recorder (issue 16)."""

import json
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from devstack.local_aws import MotoServer, create_photo_store
from devstack.recording import make_entry
from devstack.tests.test_local_aws import clients

ROOT = Path(__file__).resolve().parents[2]
TABLE, BUCKET = "photos", "photos"
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})


def boto(url):
    import boto3

    options = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
        "config": NO_RETRIES,
    }
    return boto3.client("s3", **options), boto3.client("dynamodb", **options)


def create(url):
    create_photo_store(*clients(url), bucket=BUCKET, table=TABLE)


def state(url):
    """Every item and every object (with its bytes and content type) on the server."""
    s3, dynamodb = clients(url)
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=TABLE):
        items += page["Items"]
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for listed in page.get("Contents", []):
            stored = s3.get_object(Bucket=BUCKET, Key=listed["Key"])
            objects[listed["Key"]] = (stored["Body"].read(), stored["ContentType"])
    key = lambda item: (item["pk"]["S"], item["sk"]["S"])  # noqa: E731
    return sorted(items, key=key), objects


def photo_actions(photo, revision=1, condition="attribute_not_exists(pk)", title="kept"):
    item = {
        "pk": {"S": f"PHOTO#{photo}"},
        "sk": {"S": "PHOTO"},
        "title": {"S": title},
        "revision": {"N": str(revision)},
    }
    put = {"TableName": TABLE, "Item": item, "ConditionExpression": condition}
    if condition.startswith("revision"):
        put["ExpressionAttributeValues"] = {":revision": {"N": str(revision - 1)}}
    actions = [{"Put": put}]
    for name in ("ALL", f"USER#{photo.split('-')[0]}"):
        card = {
            "pk": {"S": f"PHOTO#{photo}"},
            "sk": {"S": f"LIST#{name}"},
            "list_pk": {"S": name},
            "list_sk": {"S": f"{photo}"},
            "title": {"S": title},
        }
        actions.append({"Put": {"TableName": TABLE, "Item": card}})
    actions.append(
        {
            "Update": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "COUNTS"}, "sk": {"S": "ALL"}},
                "UpdateExpression": "ADD photo_count :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    )
    return actions


def writer(url, number, photos, outcome):
    """Uploads (object, then transaction), a duplicate upload that must fail, an edit with a stale
    revision that must fail, an edit that succeeds, a deletion; records what it was told."""
    s3, dynamodb = boto(url)
    rng = random.Random(number)  # noqa: S311 - test data
    for index in range(photos):
        photo = f"{number}-{index}"
        body = rng.randbytes(rng.choice([100, 5000, 70_000]))
        s3.put_object(Bucket=BUCKET, Key=f"{photo}/thumbnail.jpg", Body=body, ContentType="image/jpeg")
        dynamodb.transact_write_items(TransactItems=photo_actions(photo))
        outcome["stored"].append(photo)
        for actions in (
            photo_actions(photo, title="duplicate"),  # the photo exists: cancelled
            photo_actions(photo, revision=5, condition="revision = :revision", title="stale edit"),
        ):
            with pytest.raises(ClientError) as failed:
                dynamodb.transact_write_items(TransactItems=actions)
            assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
            outcome["failed"].append(photo)
        if index % 3 == 1:
            edit = photo_actions(photo, revision=2, condition="revision = :revision", title="edited")
            dynamodb.transact_write_items(TransactItems=edit[:1])
            outcome["edited"].append(photo)
        if index % 3 == 2:
            dynamodb.transact_write_items(
                TransactItems=[
                    {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": f"PHOTO#{photo}"}, "sk": {"S": sk}}}}
                    for sk in ("PHOTO", "LIST#ALL", f"LIST#USER#{number}")
                ]
            )
            s3.delete_object(Bucket=BUCKET, Key=f"{photo}/thumbnail.jpg")
            outcome["deleted"].append(photo)
            # An edit of the deleted photo, told it failed, must never come back.
            late = photo_actions(photo, revision=2, condition="revision = :revision", title="after delete")
            with pytest.raises(ClientError):
                dynamodb.transact_write_items(TransactItems=late[:1])


def test_concurrent_writers_then_a_restart_give_back_exactly_what_committed(tmp_path):
    recording = tmp_path / "recording.jsonl"
    writers, photos = 6, 9
    outcome = {"stored": [], "failed": [], "edited": [], "deleted": []}
    first = MotoServer(recording=recording, log=tmp_path / "moto.log").start()
    try:
        create(first.url)
        with ThreadPoolExecutor(writers) as pool:
            for future in [pool.submit(writer, first.url, n, photos, outcome) for n in range(writers)]:
                future.result()
        before = state(first.url)
    finally:
        first.stop()

    items, objects = before
    by_key = {(item["pk"]["S"], item["sk"]["S"]): item for item in items}
    expected_photos = set(outcome["stored"]) - set(outcome["deleted"])
    assert {pk.removeprefix("PHOTO#") for pk, sk in by_key if sk == "PHOTO"} == expected_photos
    assert {key.split("/")[0] for key in objects} == expected_photos
    # Atomic under concurrency: no cancelled transaction undid another writer's photo or count.
    assert by_key[("COUNTS", "ALL")]["photo_count"] == {"N": str(writers * photos)}
    for photo in expected_photos:
        title = "edited" if photo in outcome["edited"] else "kept"
        assert by_key[(f"PHOTO#{photo}", "PHOTO")]["title"] == {"S": title}
        assert by_key[(f"PHOTO#{photo}", "LIST#ALL")]["title"] == {"S": "kept"}

    lines = recording.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # one entry a line: no "Extra data"
    assert all(200 <= entry["status"] < 300 for entry in entries)  # only what committed

    second = MotoServer(recording=recording, log=tmp_path / "moto.log").start()
    try:
        assert state(second.url) == before
    finally:
        second.stop()
    assert "failed again" not in (tmp_path / "moto.log").read_text()


def test_a_damaged_recording_keeps_every_whole_entry_and_sets_the_rest_aside(tmp_path):
    recording = tmp_path / "recording.jsonl"
    first = MotoServer(recording=recording).start()
    try:
        create(first.url)
        s3, _ = clients(first.url)
        for name in ("a", "b", "c"):
            s3.put_object(Bucket=BUCKET, Key=name, Body=name.encode())
    finally:
        first.stop()
    lines = recording.read_text().splitlines()
    assert len(lines) == 5
    # What moto's recorder left after concurrent requests (two entries on one line), then a
    # write cut short by a crash, then the last entry.
    damaged = [*lines[:2], lines[2] + lines[3], lines[4][: len(lines[4]) // 2], lines[4]]
    recording.write_text("\n".join(damaged) + "\n")

    log = tmp_path / "moto.log"
    second = MotoServer(recording=recording, log=log).start()
    try:
        s3, _ = clients(second.url)
        assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == ["a", "b", "c"]
        s3.put_object(Bucket=BUCKET, Key="d", Body=b"d")
    finally:
        second.stop()
    assert "line 4 is not a whole recorded request" in log.read_text()
    assert (tmp_path / "recording.jsonl.damaged").read_text() == lines[4][: len(lines[4]) // 2] + "\n"
    assert len(recording.read_text().splitlines()) == 6  # compacted, one entry a line, d appended

    third = MotoServer(recording=recording).start()
    try:
        s3, _ = clients(third.url)
        assert len(s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == 4
    finally:
        third.stop()


def test_a_torn_last_line_does_not_swallow_the_next_entry(tmp_path):
    from devstack.recording import Recorder, read_recording

    recording = tmp_path / "recording.jsonl"
    recording.write_text('{"method": "PUT", "url": "/a"}\n{"method": "PU')
    recorder = Recorder(recording)
    recorder.append(make_entry("PUT", "/b", {}, b"", 200))
    recorder.close()
    entries, damaged = read_recording(recording, warn=lambda message: None)
    assert [entry["url"] for entry in entries] == ["/a", "/b"] and damaged == 1


def test_queries_on_the_index_page_like_moto_in_both_directions(tmp_path):
    server = MotoServer().start()
    try:
        create(server.url)
        _, dynamodb = clients(server.url)
        names = [f"{n:03d}" for n in range(40)]
        random.Random(3).shuffle(names)  # noqa: S311 - test data
        for name in names:
            dynamodb.put_item(
                TableName=TABLE,
                Item={
                    "pk": {"S": f"PHOTO#{name}"},
                    "sk": {"S": "LIST#ALL"},
                    "list_pk": {"S": "ALL"},
                    "list_sk": {"S": name[:2]},
                },
            )
        dynamodb.delete_item(TableName=TABLE, Key={"pk": {"S": "PHOTO#007"}, "sk": {"S": "LIST#ALL"}})
        dynamodb.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "PHOTO#008"}, "sk": {"S": "LIST#ALL"}},
            UpdateExpression="SET list_pk = :other",
            ExpressionAttributeValues={":other": {"S": "X"}},
        )
        card = lambda pk, sk: {"pk": {"S": pk}, "sk": {"S": "LIST#ALL"}, "list_pk": {"S": "ALL"},  # noqa: E731
                               "list_sk": {"S": sk}}  # fmt: skip
        dynamodb.put_item(TableName=TABLE, Item=card("PHOTO#009", "99"))  # moves 009 to the end
        with pytest.raises(ClientError):  # cancelled: neither its new card nor its change is listed
            dynamodb.transact_write_items(TransactItems=[
                {"Put": {"TableName": TABLE, "Item": card("PHOTO#new", "50")}},
                {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "PHOTO#010"}, "sk": {"S": "LIST#ALL"}},
                            "UpdateExpression": "SET list_sk = :sk",
                            "ExpressionAttributeValues": {":sk": {"S": "98"}}}},
                {"Put": {"TableName": TABLE, "Item": card("PHOTO#011", "01"),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ])  # fmt: skip
        expected = sorted(
            ("99" if name == "009" else name[:2], f"PHOTO#{name}")
            for name in names
            if name not in ("007", "008")
        )
        for forward in (True, False):
            seen, start = [], None
            while True:
                query = {
                    "TableName": TABLE,
                    "IndexName": "lists",
                    "Limit": 7,
                    "ScanIndexForward": forward,
                    "KeyConditionExpression": "list_pk = :l",
                    "ExpressionAttributeValues": {":l": {"S": "ALL"}},
                }
                if start:
                    query["ExclusiveStartKey"] = start
                page = dynamodb.query(**query)
                seen += [(item["list_sk"]["S"], item["pk"]["S"]) for item in page["Items"]]
                start = page.get("LastEvaluatedKey")
                if not start:
                    break
            assert seen == (expected if forward else expected[::-1])
        other = dynamodb.query(
            TableName=TABLE,
            IndexName="lists",
            KeyConditionExpression="list_pk = :l",
            ExpressionAttributeValues={":l": {"S": "X"}},
        )["Items"]
        assert [item["pk"]["S"] for item in other] == ["PHOTO#008"]
    finally:
        server.stop()


def vm_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_stays_flat_over_hundreds_of_transactions(tmp_path):
    """moto.server: +0.5 GB after 100 such transactions, 3.5 GB after 300 (bench/local_stack.py)."""
    server = MotoServer().start()
    try:
        create(server.url)
        _, dynamodb = clients(server.url)
        text = {"S": "x" * 1400}

        def transaction(number):
            dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": TABLE,
                            "Item": {"pk": {"S": f"PHOTO#{number}"}, "sk": {"S": f"S{n}"}, "text": text},
                        }
                    }
                    for n in range(10)
                ]
            )

        for number in range(60):
            transaction(number)
        settled = vm_rss_mb(server.process.pid)
        for number in range(60, 260):
            transaction(number)
        assert vm_rss_mb(server.process.pid) - settled < 60  # 2 000 items of 1.5 KB: a few MB
    finally:
        server.stop()


def test_a_cancelled_transaction_copies_the_items_it_names_not_the_table():
    """In-process (a child Python): moto's whole-table deepcopy must not run during a transaction."""
    code = """
import copy, sys
sys.path.insert(0, sys.argv[1])
from devstack.moto_app import build_app
app, _ = build_app()
from moto.core.common_models import BaseModel
from moto.dynamodb.models.table import Table, Item
from werkzeug.test import Client
client = Client(app)
def call(target, body):
    headers = {"X-Amz-Target": "DynamoDB_20120810." + target,
               "Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, x"}
    return client.post("/", json=body, headers=headers)
call("CreateTable", {"TableName": "t", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
for n in range(50):
    call("PutItem", {"TableName": "t", "Item": {"pk": {"S": str(n)}, "v": {"S": "old"}}})
def no_table_copies(self, memo):
    raise AssertionError("the whole table was copied")
Table.__deepcopy__ = no_table_copies
answer = call("TransactWriteItems", {"TransactItems": [
    {"Update": {"TableName": "t", "Key": {"pk": {"S": "1"}}, "UpdateExpression": "SET v = :n",
                "ExpressionAttributeValues": {":n": {"S": "new"}}}},
    {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}}}},
    {"Delete": {"TableName": "t", "Key": {"pk": {"S": "2"}}}},
    {"Put": {"TableName": "t", "Item": {"pk": {"S": "3"}},
             "ConditionExpression": "attribute_not_exists(pk)"}}]})
assert answer.status_code == 400 and b"TransactionCanceled" in answer.data, answer.data
import json
got = lambda key: json.loads(call("GetItem", {"TableName": "t", "Key": {"pk": {"S": key}}}).data).get("Item")
assert got("1")["v"] == {"S": "old"} and got("new") is None and got("2") is not None and got("3") is not None
assert json.loads(call("Scan", {"TableName": "t"}).data)["Count"] == 50
assert Table.instances_tracked == [] and Item.instances_tracked == []
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr[-3000:]


def test_requests_run_one_at_a_time():
    """The lock: a slow request holds back the others (moto's own threads run them side by side)."""
    from devstack.local_app import LocalApp

    running, overlaps = [], []

    def app(environ, start_response):
        running.append(1)
        if len(running) > 1:
            overlaps.append(1)
        time.sleep(0.01)
        running.pop()
        start_response("200 OK", [])
        return [b""]

    local = LocalApp(app)
    threads = [
        threading.Thread(target=local, args=({"PATH_INFO": "/", "REQUEST_METHOD": "GET"}, lambda *a: None))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_an_sqs_long_poll_does_not_hold_up_other_requests(tmp_path):
    """The worker long-polls the queue for up to 20 s; S3 and DynamoDB must answer meanwhile."""
    import boto3

    server = MotoServer(recording=tmp_path / "recording.jsonl").start()
    try:
        sqs = boto3.client(
            "sqs",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(read_timeout=30, retries={"total_max_attempts": 1}),
        )
        queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        poll = threading.Thread(target=sqs.receive_message, kwargs={"QueueUrl": queue, "WaitTimeSeconds": 8})
        poll.start()
        try:
            while not poll.is_alive():
                pass
            s3, dynamodb = boto(server.url)
            s3.create_bucket(Bucket="during-the-poll")
            dynamodb.list_tables()
            # Both answered while the poll (an empty queue) was still waiting.
            assert poll.is_alive()
            assert "during-the-poll" in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
        finally:
            poll.join(timeout=30)
    finally:
        server.stop()


def kill_while_writing(server, writer, answered, stop, enough):
    """Four threads run writer(number) until `enough` writes are answered, then the server gets
    SIGKILL (no cleanup runs) and `stop` is set; returns once the writers have returned."""
    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    while len(answered) < enough:
        time.sleep(0.05)
    server.process.kill()
    stop.set()
    for thread in threads:
        thread.join()
    server.process.wait()


def test_a_kill_9_of_the_server_loses_no_answered_write_and_brings_back_no_answered_delete(tmp_path):
    """Writers put and delete objects until the server is killed (SIGKILL: no cleanup runs). After a
    restart every key is as the last answered request left it; only a request in flight at the kill
    (unanswered) may have gone either way."""
    recording = tmp_path / "recording.jsonl"
    server = MotoServer(recording=recording).start()
    s3, _ = boto(server.url)
    s3.create_bucket(Bucket=BUCKET)
    answered, in_flight, stop = {}, {}, threading.Event()

    def writer(number):
        s3, _ = boto(server.url)
        for index in range(10_000):
            key = f"{number}/{index}"
            # Every key is put; two in three are deleted again.
            for operation in ("put", "delete") if index % 3 else ("put",):
                in_flight[number] = (key, operation)
                try:
                    if operation == "put":
                        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
                    else:
                        s3.delete_object(Bucket=BUCKET, Key=key)
                except (BotoCoreError, ClientError):  # the server was killed under this request
                    return
                answered[key] = operation
                if stop.is_set():
                    return

    kill_while_writing(server, writer, answered, stop, enough=120)

    again = MotoServer(recording=recording).start()
    try:
        s3, _ = boto(again.url)
        stored = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            stored |= {listed["Key"] for listed in page.get("Contents", [])}
    finally:
        again.stop()
    unsure = {key for key, _ in in_flight.values()}
    for key, operation in answered.items():
        if key not in unsure:
            assert (key in stored) == (operation == "put"), (key, operation)
