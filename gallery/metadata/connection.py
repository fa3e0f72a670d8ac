"""The connection to the photo table, as django-storages connects to S3: settings read once, the
boto3 resource made on first use and kept per thread (boto3 resources are not thread-safe), and
boto errors turned into MetadataUnavailable in one place, which logs them."""

import contextlib
import functools
import logging
import threading

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from gallery.metadata.errors import MetadataUnavailable

logger = logging.getLogger(__name__)


class Connection:
    """`table` (boto3 Table) and `client` (its low-level client) of this thread.

    Tests and tools hook botocore events on `client.meta.events`: one client per thread and
    connection, so a hook sees every call the app makes from that thread.
    """

    def __init__(self, *, table_name, endpoint_url, client_config):
        self.table_name = table_name
        self._endpoint_url = endpoint_url
        self._client_config = client_config
        self._local = threading.local()

    @classmethod
    def from_settings(cls):
        return cls(
            table_name=settings.DYNAMODB_TABLE_NAME,
            endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
            client_config=settings.AWS_CLIENT_CONFIG,
        )

    @property
    def table(self):
        table = getattr(self._local, "table", None)
        if table is None:
            resource = boto3.session.Session().resource(
                "dynamodb", endpoint_url=self._endpoint_url, config=self._client_config
            )
            table = self._local.table = resource.Table(self.table_name)
        return table

    @property
    def client(self):
        # The resource's own client serialises plain Python values, conditions included.
        return self.table.meta.client

    def query_all(self, **query):
        """Every item of a Query, page by page."""
        paginator = self.client.get_paginator("query")
        with translate_errors():
            for page in paginator.paginate(TableName=self.table_name, **query):
                yield from page["Items"]


@functools.cache
def get_connection():
    """The process-wide Connection, built from settings on first use."""
    return Connection.from_settings()


@receiver(setting_changed)
def _reset_connection(setting, **kwargs):
    if setting.startswith(("DYNAMODB_", "AWS_")):
        get_connection.cache_clear()


@contextlib.contextmanager
def translate_errors():
    """Turn boto errors into MetadataUnavailable, keeping the original as the cause."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise unavailable(error) from error


def unavailable(error):
    """MetadataUnavailable for a boto error, which goes to the log here with its detail: callers
    show the user a plain "try again" and need not log it themselves. Nested translate_errors
    log once: what they re-raise is no longer a boto error."""
    logger.warning("DynamoDB unavailable: %s", error, exc_info=error)
    return MetadataUnavailable(str(error))
