"""Fault injection for the AWS backends, through botocore's own event hooks (no mocks of ours).

`AwsCalls` sees every S3 and DynamoDB API call the app makes, in order, and can make the Nth
one fail as a refused connection, a timeout or a service error would. `BlackHole` is a TCP
server that accepts connections and never answers (a timeout for real); `closed_port()` is a
port nobody listens on (a refused connection for real, as when the moto server is stopped).
"""

import contextlib
import socket
import threading

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from django.core.files.storage import default_storage

from gallery.metadata import get_connection


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


@contextlib.contextmanager
def black_hole():
    """A TCP server that accepts connections and never answers; yields its URL."""
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
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()
