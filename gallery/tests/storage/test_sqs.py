"""The job queue (gallery.storage.sqs) on moto's SQS over HTTP: created once with its dead-letter queue,
send/receive/delete, redelivery after the visibility timeout, and errors as JobsUnavailable."""

import json

import pytest
from botocore.config import Config

from gallery.storage import sqs
from gallery.tests.faults import closed_port


@pytest.fixture
def queue(aws):
    return sqs.queue()


def attributes(queue, url):
    return queue.client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_init_made_the_queue_with_a_dead_letter_queue_and_a_long_visibility_timeout(queue, settings):
    main = attributes(queue, queue.url)
    dead_url = queue.client.get_queue_url(QueueName=queue.name + "-dead")["QueueUrl"]

    redrive = json.loads(main["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == attributes(queue, dead_url)["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == settings.PHOTOSHARE_JOB_MAX_RECEIVES
    assert int(main["VisibilityTimeout"]) == settings.PHOTOSHARE_JOB_VISIBILITY_TIMEOUT >= 60
    assert queue.ensure() is False  # a second init finds it


def test_a_job_sent_is_received_once_and_gone_when_deleted(queue):
    queue.send({"job": "process_upload", "photo_id": "a" * 32})

    (job,) = queue.receive(wait_seconds=0)
    assert job.body == {"job": "process_upload", "photo_id": "a" * 32} and job.receive_count == 1
    assert queue.receive(wait_seconds=0) == []  # invisible while a worker has it
    queue.delete(job)
    assert queue.receive(wait_seconds=0) == []


def test_a_job_not_deleted_comes_back_counting_its_deliveries(queue):
    queue.send({"job": "process_upload", "photo_id": "b" * 32})
    (first,) = queue.receive(wait_seconds=0)
    # What the visibility timeout running out does, without waiting for it.
    queue.client.change_message_visibility(
        QueueUrl=queue.url, ReceiptHandle=first.receipt, VisibilityTimeout=0
    )

    (second,) = queue.receive(wait_seconds=0)
    assert second.body == first.body and second.receive_count == 2
    assert not queue.is_last_delivery(second)


def test_a_message_that_is_not_a_json_object_is_not_handed_out(queue):
    queue.client.send_message(QueueUrl=queue.url, MessageBody="not json")
    assert queue.receive(wait_seconds=0) == []


def test_an_unreachable_queue_is_jobs_unavailable(aws, settings):
    settings.SQS_ENDPOINT_URL = f"http://127.0.0.1:{closed_port()}"
    settings.AWS_CLIENT_CONFIG = settings.AWS_CLIENT_CONFIG.merge(
        Config(retries={"mode": "standard", "total_max_attempts": 1})
    )
    with pytest.raises(sqs.JobsUnavailable):
        sqs.queue().send({"job": "x"})
