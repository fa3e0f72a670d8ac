"""The job queue: the only module that talks to SQS (moto's SQS locally).

One queue carries the work done after a request has answered (today: making a directly
uploaded photo's sizes, gallery.services.photos.process_upload), and a dead-letter queue keeps the
messages that failed PHOTOSHARE_JOB_MAX_RECEIVES times, for an operator to read (its redrive
policy). A message stays invisible for PHOTOSHARE_JOB_VISIBILITY_TIMEOUT seconds after a
worker received it, longer than the longest job; a worker that dies mid-job gives it back when
that runs out. Jobs must therefore be idempotent: any message may be delivered twice.

Like gallery.storage.dynamodb.connection: settings read once, the boto3 client made per thread by
gallery.storage.clients, boto errors turned into JobsUnavailable here.
"""

import contextlib
import functools
import json
import logging
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from gallery.domain.errors import Unavailable
from gallery.storage.clients import PerThread, client_config

logger = logging.getLogger(__name__)

DEAD_LETTER_SUFFIX = "-dead"
LONG_POLL_SECONDS = 20  # SQS's longest wait for a message
_DEAD_LETTER_RETENTION = 14 * 24 * 3600  # SQS's longest: two weeks to look at a failed job


class JobsUnavailable(Unavailable):
    """SQS could not be reached or refused the request."""


@dataclass(frozen=True)
class Job:
    """A received message: its body (a dict), the handle that deletes it, and how many times
    SQS has handed it out (1 on the first delivery)."""

    body: dict
    receipt: str
    receive_count: int
    message_id: str = ""


class Queue:
    def __init__(self, *, name, endpoint_url, client_config, visibility_timeout, max_receives):
        self.name = name
        self.visibility_timeout = visibility_timeout
        self.max_receives = max_receives
        self._clients = PerThread("sqs", endpoint_url=endpoint_url, config=client_config)
        self._url = None

    @classmethod
    def from_settings(cls):
        return cls(
            name=settings.PHOTOSHARE_JOBS_QUEUE,
            endpoint_url=settings.SQS_ENDPOINT_URL,
            # The read timeout must outlast a long poll.
            client_config=client_config(read_timeout=LONG_POLL_SECONDS + 10),
            visibility_timeout=settings.PHOTOSHARE_JOB_VISIBILITY_TIMEOUT,
            max_receives=settings.PHOTOSHARE_JOB_MAX_RECEIVES,
        )

    @property
    def client(self):
        return self._clients.get()

    @property
    def url(self):
        if self._url is None:
            with _translate_errors("finding"):
                self._url = self.client.get_queue_url(QueueName=self.name)["QueueUrl"]
        return self._url

    # --- setup (manage.py init_aws) -------------------------------------------------------------
    def ensure(self):
        """Create the dead-letter queue and the queue (redrive policy, visibility timeout) if
        missing. Returns whether they were created. In AWS, CloudFormation makes both; then
        this only finds the queue (sqs:GetQueueUrl)."""
        try:
            self._url = self.client.get_queue_url(QueueName=self.name)["QueueUrl"]
            return False
        except ClientError as error:
            if error.response["Error"]["Code"] not in (
                "AWS.SimpleQueueService.NonExistentQueue",
                "QueueDoesNotExist",
            ):
                raise
        dead = self.client.create_queue(
            QueueName=self.name + DEAD_LETTER_SUFFIX,
            Attributes={"MessageRetentionPeriod": str(_DEAD_LETTER_RETENTION)},
        )
        dead_arn = self.client.get_queue_attributes(QueueUrl=dead["QueueUrl"], AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        redrive = {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(self.max_receives)}
        self._url = self.client.create_queue(
            QueueName=self.name,
            Attributes={
                "VisibilityTimeout": str(self.visibility_timeout),
                "RedrivePolicy": json.dumps(redrive),
            },
        )["QueueUrl"]
        return True

    # --- messages -------------------------------------------------------------------------------
    def send(self, body):
        """Queue one job (a JSON-serialisable dict); returns its message id."""
        with _translate_errors("sending to"):
            return self.client.send_message(QueueUrl=self.url, MessageBody=json.dumps(body))["MessageId"]

    def receive(self, *, wait_seconds=LONG_POLL_SECONDS, max_jobs=1):
        """Up to `max_jobs` (at most 10) jobs, waiting up to `wait_seconds` for the first one."""
        with _translate_errors("receiving from"):
            response = self.client.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=max_jobs,
                WaitTimeSeconds=wait_seconds,
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            )
        jobs = []
        for message in response.get("Messages", []):
            try:
                body = json.loads(message["Body"])
            except ValueError:
                body = None
            if not isinstance(body, dict):
                # Not ours to run: left alone, it reaches the dead-letter queue after max_receives.
                logger.error(
                    "job %s is not a JSON object; left for the dead-letter queue", message["MessageId"]
                )
                continue
            jobs.append(
                Job(
                    body=body,
                    receipt=message["ReceiptHandle"],
                    receive_count=int(message["Attributes"]["ApproximateReceiveCount"]),
                    message_id=message["MessageId"],
                )
            )
        return jobs

    def delete(self, job):
        """Remove a job that is done (or that nothing can ever do)."""
        with _translate_errors("deleting from"):
            self.client.delete_message(QueueUrl=self.url, ReceiptHandle=job.receipt)

    def is_last_delivery(self, job):
        """Whether SQS moves the message to the dead-letter queue instead of delivering it again."""
        return job.receive_count >= self.max_receives


@functools.cache
def queue():
    """The process-wide Queue, built from settings on first use."""
    return Queue.from_settings()


@receiver(setting_changed)
def _reset_queue(setting, **kwargs):
    if setting.startswith(("PHOTOSHARE_JOB", "SQS_", "AWS_")):
        queue.cache_clear()


@contextlib.contextmanager
def _translate_errors(doing):
    """Turn boto errors into JobsUnavailable (logged here once, with the detail)."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        logger.warning("SQS unavailable while %s the job queue: %s", doing, error, exc_info=error)
        raise JobsUnavailable(f"SQS unavailable while {doing} the job queue") from error
