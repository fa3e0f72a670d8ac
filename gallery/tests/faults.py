"""Fault injection for the AWS backends, through botocore's own event hooks (no mocks of ours).

`AwsCalls` sees every S3 and DynamoDB API call the app makes, in order, and can make the Nth
one fail as a refused connection, a timeout or a service error would. `BlackHole` is a TCP
server that accepts connections and never answers (a timeout for real); `closed_port()` is a
port nobody listens on (a refused connection for real, as when the moto server is stopped).
`Conflicts` cancels transactions as DynamoDB does when writes collide; `SerialisedDynamoDB`
makes moto's requests atomic for tests that run many clients at once.
"""

import contextlib
import json
import random
import socket
import threading
from dataclasses import dataclass

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from django.core.files.storage import default_storage

from gallery.storage.dynamodb import get_connection


def refused(operation):
    return EndpointConnectionError(endpoint_url=f"http://127.0.0.1:1/{operation}")


def timed_out(operation):
    return ReadTimeoutError(endpoint_url=f"http://127.0.0.1:1/{operation}")


def service_error(operation):
    error = {"Error": {"Code": "InternalError", "Message": "We encountered an internal error."}}
    return ClientError(error, operation)


ERRORS = {"refused": refused, "timeout": timed_out, "service error": service_error}


class AwsCalls:
    """Records every API call (service.Operation) of the app's S3 and DynamoDB clients.

    `fail_at` is a set of call numbers (1-based) that raise `error(operation)` instead of being
    sent; `fail_every` a set of operation names that always fail.
    """

    def __init__(self, fail_at=(), error=service_error, fail_every=()):
        self.calls = []
        self.fail_at = set(fail_at)
        self.fail_every = set(fail_every)
        self.error = error
        self._lock = threading.Lock()  # S3 uploads run in s3transfer's threads
        self._clients = [default_storage.connection.meta.client, get_connection().client]

    def _before_call(self, model, **kwargs):
        name = f"{model.service_model.service_name}.{model.name}"
        with self._lock:
            self.calls.append(name)
            number = len(self.calls)
        if number in self.fail_at or name in self.fail_every:
            raise self.error(name)

    def __enter__(self):
        for client in self._clients:
            client.meta.events.register("before-call", self._before_call, unique_id="faults")
        return self

    def __exit__(self, *exc):
        for client in self._clients:
            client.meta.events.unregister("before-call", unique_id="faults")
        return False


class _Body:
    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


class Throttled:
    """The first `times` sends of `operation` on the DynamoDB client get a ThrottlingException
    response, as DynamoDB answers when over capacity: botocore's retry mode must back off and retry."""

    def __init__(self, operation, times=1):
        self.operation, self.times = operation, times
        self.sent = 0
        self._client = get_connection().client

    def _before_send(self, request, **kwargs):
        self.sent += 1
        if self.sent <= self.times:
            body = (
                b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}'
            )
            return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, _Body(body))
        return None

    def __enter__(self):
        self._client.meta.events.register(
            f"before-send.dynamodb.{self.operation}", self._before_send, unique_id="throttled"
        )
        return self

    def __exit__(self, *exc):
        self._client.meta.events.unregister(f"before-send.dynamodb.{self.operation}", unique_id="throttled")
        return False


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on return: connections are refused


@dataclass
class BlackHole:
    url: str
    connections: list  # every connection accepted: one a client's attempt

    @property
    def attempts(self):
        return len(self.connections)


@contextlib.contextmanager
def black_hole():
    """A TCP server that accepts connections and never answers; yields a BlackHole (its URL and
    the connections it took): a client that gives up counts its attempts there, no clock needed."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield BlackHole(f"http://127.0.0.1:{server.getsockname()[1]}", accepted)
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()


class Conflicts:
    """A share (`rate`, 0 to 1) of the TransactWriteItems sends come back cancelled with reason
    TransactionConflict, as real DynamoDB answers when another write touches one of the items at
    the same moment (moto never does); nothing of a cancelled transaction is written.

    Clients are per thread: `install(stream)` hooks the calling thread's DynamoDB client, which
    then draws from its own generator, seeded with `seed` and `stream`. A thread's requests are
    sequential, so which of its sends conflict does not depend on how the threads interleave:
    a run is reproducible. `uninstall()` unhooks the calling thread's client.
    """

    def __init__(self, rate, seed=0):
        self.rate, self.seed = rate, seed
        self.sent = self.injected = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    def install(self, stream=0):
        self._local.random = random.Random(f"{self.seed}/{stream}")  # noqa: S311 (not a secret)
        get_connection().client.meta.events.register(
            "before-send.dynamodb.TransactWriteItems", self._before_send, unique_id="conflicts"
        )
        return self

    def uninstall(self):
        get_connection().client.meta.events.unregister(
            "before-send.dynamodb.TransactWriteItems", unique_id="conflicts"
        )

    def __enter__(self):
        return self.install()

    def __exit__(self, *exc):
        self.uninstall()
        return False

    def _before_send(self, request, **kwargs):
        conflict = self._local.random.random() < self.rate
        with self._lock:
            self.sent += 1
            self.injected += conflict
        if not conflict:
            return None
        actions = len(json.loads(request.body)["TransactItems"])
        reasons = [{"Code": "None"}] * actions
        reasons[self._local.random.randrange(actions)] = {
            "Code": "TransactionConflict",
            "Message": "Transaction is ongoing for the item",
        }
        body = {
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{', '.join(reason['Code'] for reason in reasons)}]",
            "CancellationReasons": reasons,
        }
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 400, headers, _Body(json.dumps(body).encode()))


class SerialisedDynamoDB:
    """One DynamoDB request at a time from the threads it is installed in, as real DynamoDB
    applies each request (a transaction included) atomically. moto does not: a transaction
    applies its actions one by one, visible half-done to concurrent reads, and a cancelled one
    restores a snapshot of the whole table, undoing what others wrote meanwhile. Requests still
    interleave between a read and the write that follows it, which is the race under test.
    Held from before-call to after-call (or after-call-error), botocore's own retries included.
    """

    def __init__(self):
        self._lock = threading.Lock()

    def install(self, stream=0):
        events = get_connection().client.meta.events
        events.register("before-call.dynamodb", self._acquire, unique_id="serialised-acquire")
        events.register("after-call.dynamodb", self._release, unique_id="serialised-release")
        events.register("after-call-error.dynamodb", self._release, unique_id="serialised-error")
        return self

    def _acquire(self, **kwargs):
        self._lock.acquire()

    def _release(self, **kwargs):
        self._lock.release()
