"""Server-side timing for the benchmarks, loaded only by bench.server_settings (never in production).

Every response gets two headers:

    Server-Timing: receive;dur=.., form;dur=.., images;dur=.., s3;dur=.., dynamodb;dur=..,
                   s3-wait;dur=.., dynamodb-wait;dur=.., total;dur=..
    X-Backend-Calls: s3=2, dynamodb=1

Phases are measured by wrapping the project's own functions. "<service>-wait" is the time between
botocore's before-send and response-received events, the wait on S3/DynamoDB (moto here), so that
what our code costs can be told apart from what the local stand-in costs.
"""

import functools
import os
import threading
import time

import botocore.session
from botocore.awsrequest import AWSResponse

# One record per process, not per thread: gunicorn's sync workers serve one request at a time, and
# boto3 sends S3 uploads from s3transfer's own threads.
_current = {"record": None}


def _record():
    if _current["record"] is None:
        _current["record"] = {"phases": {}, "calls": {}, "sent": {}}
    return _current["record"]


def _add_phase(name, seconds):
    phases = _record()["phases"]
    phases[name] = phases.get(name, 0.0) + seconds


def timed(name):
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                _add_phase(name, time.perf_counter() - start)

        return wrapper

    return decorate


def forget():
    """Start a new record (the middleware does at every request; an in-process bench between rows)."""
    _current["record"] = None


def backend_calls():
    """{service: calls} sent since the record began."""
    return dict(_record()["calls"])


def _before_send(request, **kwargs):
    _record()["sent"][threading.get_ident()] = time.perf_counter()


def _response_received(event_name, **kwargs):
    sent = _record()["sent"].pop(threading.get_ident(), None)
    if sent is not None:
        service = event_name.split(".")[1]
        _add_phase(f"{service}-wait", time.perf_counter() - sent)


class _Recorded:
    """The raw body of a recorded response, as botocore reads it."""

    def __init__(self, body):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


# With BENCH_REPLAY_DYNAMODB_QUERY=1, the first answer to each distinct DynamoDB read (Query,
# GetItem, BatchGetItem) is recorded and then replayed without asking moto: botocore still builds,
# signs and parses every request, so the page costs what our code costs, without moto's scan of
# the whole table.
_READS = ("Query", "GetItem", "BatchGetItem")
_REPLAY = os.environ.get("BENCH_REPLAY_DYNAMODB_QUERY") == "1"
_recordings = {}


def _replay_query(request, event_name, **kwargs):
    if not (_REPLAY and event_name.rpartition(".")[2] in _READS):
        return None
    key = (request.url, bytes(request.body or b""))
    recorded = _recordings.get(key)
    _record()["query_key"] = key
    if recorded is None:
        return None
    status, headers, body = recorded
    return AWSResponse(request.url, status, headers, _Recorded(body))


def _keep_query_answer(event_name, response_dict=None, **kwargs):
    key = _record().pop("query_key", None)
    # Only the first answer is copied: a replayed one costs the bench nothing more (not our code's time).
    if _REPLAY and key and key not in _recordings and response_dict and response_dict["status_code"] == 200:
        _recordings[key] = (200, dict(response_dict["headers"]), response_dict["body"])


def _count_call(event_name, **kwargs):
    service = event_name.split(".")[1]
    calls = _record()["calls"]
    calls[service] = calls.get(service, 0) + 1


_create_client = botocore.session.Session.create_client


@functools.wraps(_create_client)
def _create_instrumented_client(self, *args, **kwargs):
    client = _create_client(self, *args, **kwargs)
    client.meta.events.register("before-send", _before_send)
    client.meta.events.register("before-send", _count_call)
    client.meta.events.register("response-received", _response_received)
    for read in _READS:
        client.meta.events.register(f"before-send.dynamodb.{read}", _replay_query)
        client.meta.events.register(f"response-received.dynamodb.{read}", _keep_query_answer)
    return client


def install():
    """Wrap the project's phases and every botocore client made from now on (once per process)."""
    if getattr(install, "done", False):
        return
    install.done = True
    from gallery.storage import dynamodb
    from gallery.storage.s3 import objects
    from gallery.web import forms
    from gallery.web.forms import photos as photo_forms

    botocore.session.Session.create_client = _create_instrumented_client
    forms.UploadForm.full_clean = timed("form")(forms.UploadForm.full_clean)
    # All image work is one call (one decode feeds the display size and the thumbnail).
    photo_forms.process_image = timed("images")(photo_forms.process_image)
    # gallery.services.photos calls objects.save once per object (original, display size, thumbnail).
    objects.save = timed("s3")(objects.save)
    dynamodb.PhotoRepository.put_photo = timed("dynamodb")(dynamodb.PhotoRepository.put_photo)
    dynamodb.PhotoRepository.list_page = timed("query")(dynamodb.PhotoRepository.list_page)


class ServerTimingMiddleware:
    def __init__(self, get_response):
        # Django builds its middleware once per process, after setup: the moment to wrap.
        install()
        self.get_response = get_response

    def __call__(self, request):
        _current["record"] = None
        start = time.perf_counter()
        if request.method == "POST":
            request.FILES  # noqa: B018 - reads and parses the body: the "receive" phase
            _add_phase("receive", time.perf_counter() - start)
        response = self.get_response(request)
        record = _record()
        record["phases"]["total"] = time.perf_counter() - start
        response["Server-Timing"] = ", ".join(
            f"{name};dur={seconds * 1000:.2f}" for name, seconds in record["phases"].items()
        )
        response["X-Backend-Calls"] = ", ".join(f"{name}={count}" for name, count in record["calls"].items())
        return response
