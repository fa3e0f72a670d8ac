"""The one way this app makes a boto3 client: explicit timeouts and retries, one per thread.

settings.AWS_CLIENT_CONFIG (connect and read timeouts, the standard retry mode) is read once,
when the owner of a service builds its PerThread (gallery.storage.dynamodb.connection, sqs),
and may be tightened per service (the job queue's read timeout outlasts a long poll). Each
thread makes its own client on first use (boto3 resources are not thread-safe, and tests that
hook `client.meta.events` see every call of their thread), all from one boto3 session of the
process, under a lock (sessions are not thread-safe, the clients they make are): a session each
parsed botocore's data (endpoints, the models) again, 8 MB more in a worker (bench/worker_memory.py).

S3 goes through django-storages, which keeps its own per-thread connection built from the same
AWS_CLIENT_CONFIG (settings.STORAGES) and the same session (gallery.storage.s3.backend).
"""

import threading

import boto3
from botocore.config import Config as BotocoreConfig
from django.conf import settings

_session = None
# Held while a client or resource is made from the shared session (not thread-safe itself).
SESSION_LOCK = threading.RLock()


def shared_session():
    """The process's one boto3 session; make clients from it only while holding SESSION_LOCK."""
    global _session
    with SESSION_LOCK:
        if _session is None:
            _session = boto3.session.Session()
        return _session


def client_config(**overrides):
    """settings.AWS_CLIENT_CONFIG, with `overrides` (botocore Config options) on top."""
    config = settings.AWS_CLIENT_CONFIG
    return config.merge(BotocoreConfig(**overrides)) if overrides else config


class PerThread:
    """A boto3 client (or, with resource=True, a resource) of one service for each thread, made
    on first use; `prepare(made)` runs once on each (to register event hooks)."""

    def __init__(self, service, *, endpoint_url, config, resource=False, prepare=None):
        self.service = service
        self._endpoint_url = endpoint_url
        self._config = config
        self._resource = resource
        self._prepare = prepare
        self._local = threading.local()

    def get(self):
        made = getattr(self._local, "made", None)
        if made is None:
            with SESSION_LOCK:
                session = shared_session()
                factory = session.resource if self._resource else session.client
                made = factory(self.service, endpoint_url=self._endpoint_url, config=self._config)
            if self._prepare is not None:
                self._prepare(made)
            self._local.made = made
        return made
