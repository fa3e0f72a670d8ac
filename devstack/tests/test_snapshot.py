"""Restarts load a snapshot of moto's state and replay only the recording's tail (devstack/snapshot.py)."""

import threading

import boto3
import pytest
from botocore.exceptions import BotoCoreError, ClientError

from devstack.local_aws import MotoServer, compact_recording
from devstack.snapshot import snapshot_path
from devstack.tests.test_local_stack import BUCKET, boto, create, kill_while_writing, photo_actions, state

SQS = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}


@pytest.fixture
def recording(tmp_path):
    return tmp_path / "recording.jsonl"


def serve(recording):
    return MotoServer(recording=recording, log=recording.with_name("moto.log")).start()


def last_start(recording):
    """The summary line the last start wrote to its log."""
    lines = recording.with_name("moto.log").read_text().splitlines()
    return [line for line in lines if "recorded writes" in line][-1]


def fill(url, photos):
    s3, dynamodb = boto(url)
    for photo in photos:
        s3.put_object(
            Bucket=BUCKET, Key=f"{photo}/thumbnail.jpg", Body=photo.encode(), ContentType="image/jpeg"
        )
        dynamodb.transact_write_items(TransactItems=photo_actions(photo))


def test_a_clean_stop_leaves_a_snapshot_and_the_next_start_replays_nothing(recording):
    server = serve(recording)
    try:
        create(server.url)
        fill(server.url, [f"0-{index}" for index in range(20)])
        before = state(server.url)
    finally:
        server.stop()
    assert snapshot_path(recording).exists()

    for _ in range(2):
        again = serve(recording)
        try:
            assert "loaded; replayed 0 recorded writes" in last_start(recording)
            assert state(again.url) == before
        finally:
            again.stop()


def test_a_kill_9_after_a_snapshot_replays_the_tail_and_loses_nothing_answered(recording):
    server = serve(recording)
    try:
        create(server.url)
        fill(server.url, [f"9-{index}" for index in range(10)])
        sqs = boto3.client("sqs", endpoint_url=server.url, **SQS)
        queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        for job in ("finished after the snapshot", "pending"):
            sqs.send_message(QueueUrl=queue, MessageBody=job)
    finally:
        server.stop()  # the snapshot: 10 photos, 2 jobs

    server = serve(recording)
    sqs = boto3.client("sqs", endpoint_url=server.url, **SQS)
    queue = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
    received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1, MaxNumberOfMessages=10)["Messages"]
    handles = {message["Body"]: message["ReceiptHandle"] for message in received}
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=handles["finished after the snapshot"])
    answered, in_flight, stop = {}, {}, threading.Event()

    def writer(number):
        s3, _ = boto(server.url)
        for index in range(10_000):
            # New keys, and the snapshot's photos' objects deleted.
            key = f"{number}/{index}" if index % 4 else f"9-{(number + 4 * index) % 10}/thumbnail.jpg"
            operation = "put" if index % 4 else "delete"
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

    kill_while_writing(server, writer, answered, stop, enough=80)

    again = serve(recording)
    try:
        summary = last_start(recording)
        assert "loaded; replayed" in summary and "after byte" in summary, summary
        s3, _ = boto(again.url)
        stored = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            stored |= {listed["Key"] for listed in page.get("Contents", [])}
        sqs = boto3.client("sqs", endpoint_url=again.url, **SQS)
        received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1, MaxNumberOfMessages=10)
        # The job finished after the snapshot is not delivered again; the pending one comes back.
        assert [message["Body"] for message in received["Messages"]] == ["pending"]
    finally:
        again.stop()
    unsure = {key for key, _ in in_flight.values()}
    for key, operation in answered.items():
        if key not in unsure:
            assert (key in stored) == (operation == "put"), (key, operation)


@pytest.mark.parametrize("spoil", ["recording rewritten", "snapshot cut short"])
def test_a_snapshot_that_does_not_match_its_recording_is_not_used(recording, spoil):
    server = serve(recording)
    try:
        create(server.url)
        fill(server.url, [f"0-{index}" for index in range(5)])
        before = state(server.url)
    finally:
        server.stop()
    if spoil == "recording rewritten":
        compact_recording(recording)  # same entries, a new file: the snapshot's offset names nothing
        expected = "snapshot of another recording"
    else:
        data = snapshot_path(recording).read_bytes()
        snapshot_path(recording).write_bytes(data[: len(data) // 2])
        expected = "snapshot unreadable"

    again = serve(recording)
    try:
        summary = last_start(recording)
        assert summary.startswith(expected) and "replayed 0 " not in summary, summary
        assert state(again.url) == before  # the whole recording replayed
    finally:
        again.stop()
    third = serve(recording)  # the start above wrote a snapshot of its own
    try:
        assert "loaded; replayed 0 recorded writes" in last_start(recording)
        assert state(third.url) == before
    finally:
        third.stop()
