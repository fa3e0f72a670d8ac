"""The local stack keeps photos across restarts: committed writes recorded, replayed on start."""

import json
import urllib.error

import boto3
import pytest

from devstack.local_aws import MotoServer, compact_recording


def clients(url):
    options = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }
    return boto3.client("s3", **options), boto3.client("dynamodb", **options)


@pytest.fixture
def recording(tmp_path):
    return tmp_path / "recording.jsonl"


def test_objects_and_items_survive_a_restart_and_reads_are_not_recorded(recording):
    first = MotoServer(recording=recording).start()
    try:
        s3, dynamodb = clients(first.url)
        s3.create_bucket(Bucket="photos")
        s3.put_object(Bucket="photos", Key="a/original.jpg", Body=b"\xff\xd8jpeg", ContentType="image/jpeg")
        s3.put_object(Bucket="photos", Key="gone.jpg", Body=b"x")
        s3.delete_object(Bucket="photos", Key="gone.jpg")
        dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "PHOTO#1"}, "title": {"S": "kept"}})
        for _ in range(3):  # page views: reads that must not grow the file for ever
            s3.get_object(Bucket="photos", Key="a/original.jpg")
            dynamodb.get_item(TableName="t", Key={"pk": {"S": "PHOTO#1"}})
    finally:
        first.stop()

    entries = [json.loads(line) for line in recording.read_text().splitlines()]
    assert [entry["method"] for entry in entries] == ["PUT", "PUT", "PUT", "DELETE", "POST", "POST"]
    assert all(200 <= entry["status"] < 300 for entry in entries)

    second = MotoServer(recording=recording).start()  # a new port, state replayed
    try:
        s3, dynamodb = clients(second.url)
        stored = s3.get_object(Bucket="photos", Key="a/original.jpg")
        assert stored["Body"].read() == b"\xff\xd8jpeg"
        assert stored["ContentType"] == "image/jpeg"
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="photos")["Contents"]] == ["a/original.jpg"]
        item = dynamodb.get_item(TableName="t", Key={"pk": {"S": "PHOTO#1"}})["Item"]
        assert item["title"] == {"S": "kept"}
    finally:
        second.stop()


def test_a_server_without_recording_starts_empty():
    server = MotoServer().start()
    try:
        s3, _ = clients(server.url)
        assert s3.list_buckets()["Buckets"] == []
    finally:
        server.stop()


def test_compaction_drops_the_reads_of_a_recording_made_by_motos_own_recorder(recording):
    def entry(method, target=None):
        headers = {"X-Amz-Target": f"DynamoDB_20120810.{target}"} if target else {}
        return json.dumps({"method": method, "url": "http://x/", "headers": headers, "body": ""})

    lines = [entry("PUT"), entry("GET"), entry("HEAD"), entry("POST", "Query"), entry("POST", "PutItem")]
    recording.write_text("\n".join(lines) + "\n")
    assert compact_recording(recording) == (2, 3)
    assert [json.loads(line)["method"] for line in recording.read_text().splitlines()] == ["PUT", "POST"]


def test_a_queued_job_survives_a_restart_and_long_polls_are_not_replayed(recording):
    options = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}
    first = MotoServer(recording=recording).start()
    try:
        sqs = boto3.client("sqs", endpoint_url=first.url, **options)
        url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody='{"job": "x"}')
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, VisibilityTimeout=600)  # a worker that died
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)  # an idle worker's long poll
    finally:
        first.stop()

    compact_recording(recording)
    targets = [
        {name.lower(): value for name, value in json.loads(line)["headers"].items()}.get("x-amz-target", "")
        for line in recording.open()
    ]
    assert "AmazonSQS.SendMessage" in targets
    assert not [target for target in targets if target.endswith(("ReceiveMessage", "GetQueueUrl"))]

    second = MotoServer(recording=recording).start()
    try:
        sqs = boto3.client("sqs", endpoint_url=second.url, **options)
        url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
        (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
        assert message["Body"] == '{"job": "x"}'  # not hidden by the dead worker's receive
    finally:
        second.stop()


def test_a_finished_job_is_not_delivered_again_after_restarts(recording):
    options = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}

    def serve():
        return MotoServer(recording=recording, log=recording.with_name("moto.log")).start()

    first = serve()
    try:
        sqs = boto3.client("sqs", endpoint_url=first.url, **options)
        url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        for job in ("done", "done in a batch", "pending"):
            sqs.send_message(QueueUrl=url, MessageBody=job)
        received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10)["Messages"]
        handles = {message["Body"]: message["ReceiptHandle"] for message in received}
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handles["done"])
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": "1", "ReceiptHandle": handles["done in a batch"]}]
        )
    finally:
        first.stop()
    for restart in range(3):
        server = serve()
        try:
            sqs = boto3.client("sqs", endpoint_url=server.url, **options)
            url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
            received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10)
            bodies = [message["Body"] for message in received.get("Messages", [])]
            if restart == 0:
                # The job still pending comes back; the worker finishes it now.
                assert bodies == ["pending"]
                sqs.delete_message(QueueUrl=url, ReceiptHandle=received["Messages"][0]["ReceiptHandle"])
            else:
                assert bodies == []
        finally:
            server.stop()
    assert "failed again" not in recording.with_name("moto.log").read_text()


def test_a_second_server_on_a_recording_in_use_refuses_and_leaves_it_alone(recording):
    first = MotoServer(recording=recording).start()
    try:
        s3, _ = clients(first.url)
        s3.create_bucket(Bucket="photos")
        recording.write_text(recording.read_text() + '{"method": "GET", "url": "/read"}\n')  # compactable
        before = recording.read_bytes(), recording.stat().st_ino
        with pytest.raises(RuntimeError, match="exited"):
            MotoServer(recording=recording).start()
        assert (recording.read_bytes(), recording.stat().st_ino) == before
        s3.put_object(Bucket="photos", Key="after", Body=b"kept")
    finally:
        first.stop()
    again = MotoServer(recording=recording).start()
    try:
        s3, _ = clients(again.url)
        assert s3.get_object(Bucket="photos", Key="after")["Body"].read() == b"kept"
    finally:
        again.stop()


def test_a_multipart_upload_survives_a_restart(recording):
    """The worker's zip archives are multipart uploads: the replay sends their parts under the
    UploadId the new server gives (a recorded one would be unknown to it: the server died)."""
    first = MotoServer(recording=recording).start()
    try:
        s3, _ = clients(first.url)
        s3.create_bucket(Bucket="photos")
        upload = s3.create_multipart_upload(Bucket="photos", Key="archives/a.zip")["UploadId"]
        parts = [
            {"PartNumber": number, "ETag": s3.upload_part(
                Bucket="photos", Key="archives/a.zip", UploadId=upload, PartNumber=number, Body=body
            )["ETag"]}
            for number, body in ((1, b"a" * 5 * 2**20), (2, b"end"))
        ]  # fmt: skip
        s3.complete_multipart_upload(
            Bucket="photos", Key="archives/a.zip", UploadId=upload, MultipartUpload={"Parts": parts}
        )
        s3.put_object(Bucket="photos", Key="after.txt", Body=b"after")
    finally:
        first.stop()

    second = MotoServer(recording=recording).start()
    try:
        s3, _ = clients(second.url)
        archive = s3.get_object(Bucket="photos", Key="archives/a.zip")["Body"].read()
        assert archive == b"a" * 5 * 2**20 + b"end"
        assert s3.get_object(Bucket="photos", Key="after.txt")["Body"].read() == b"after"
    finally:
        second.stop()


def test_a_restored_checkpoint_is_the_state_it_kept_and_nothing_written_since():
    server = MotoServer().start()
    try:
        s3, dynamodb = clients(server.url)
        assert not server.restore("setup")  # nothing kept under that key yet: nothing changed
        s3.create_bucket(Bucket="photos")
        dynamodb.create_table(
            TableName="items",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        server.checkpoint("setup")
        s3.put_object(Bucket="photos", Key="a.jpg", Body=b"photo")
        s3.create_bucket(Bucket="other")
        dynamodb.put_item(TableName="items", Item={"id": {"S": "1"}})

        assert server.restore("setup")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["photos"]
        assert s3.list_objects_v2(Bucket="photos").get("Contents", []) == []
        assert dynamodb.scan(TableName="items")["Items"] == []
        s3.put_object(Bucket="photos", Key="b.jpg", Body=b"photo")  # and it takes writes again
        assert [item["Key"] for item in s3.list_objects_v2(Bucket="photos")["Contents"]] == ["b.jpg"]
    finally:
        server.stop()


def test_a_recording_server_refuses_checkpoints(recording):
    server = MotoServer(recording=recording).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            server.checkpoint("setup")
        assert refused.value.code == 403
    finally:
        server.stop()
