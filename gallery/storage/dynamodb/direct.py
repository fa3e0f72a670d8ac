"""The hot reads (Query, BatchGetItem) sent without botocore's request pipeline, answers as bytes.

Why: botocore spends ~0.4-0.6 ms of CPU on each call before and after the wire (parameter
transforms, endpoint rules, a dozen events, its signer's request objects, its parser) — most of
a list page's server time and 40 % of a photo page's (docs/benchmarks.md, issue 26). Here a read
is its JSON body, signed here (AWS Signature Version 4, the same bytes botocore's SigV4Auth signs:
gallery/tests/storage/dynamodb/test_direct.py checks them against it; botocore's signer alone is
~60 us a request, built on email.message headers) and sent by botocore's own URLLib3Session (same
TLS verification, timeouts and pool size as the client): ~0.1 ms in all.

What stays botocore's: everything but a plain answer. A request that fails to connect or times out
is tried again up to the client's `total_max_attempts` (the standard mode's count and backoff);
any answer but a 200 (throttling, a service error, a refused request) returns None and the caller
sends the request through the client, whose retries, errors and parser apply as for every other
call. The events tests and tools hook on `client.meta.events` (before-call, before-send,
response-received, after-call, after-call-error) are emitted as botocore emits them, so fault
injection, call counting and the benches' replay see these reads like any other.
"""

import datetime
import functools
import hashlib
import hmac
import json
import random
import time
from urllib.parse import urlsplit

from boto3.dynamodb.types import TypeSerializer
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.hooks import first_non_none_response
from botocore.httpsession import URLLib3Session
from botocore.validate import ParamValidator

# Transient errors botocore's standard retry mode tries again (botocore.retries.standard).
_TRANSIENT = (ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError)
# The standard mode's backoff before attempt n+1: a random share of 2^(n-1) seconds, at most 20 s.
MAX_BACKOFF = 20
_TARGET_PREFIX = "DynamoDB_20120810."
_CONTENT_TYPE = "application/x-amz-json-1.0"
_serializer = TypeSerializer()


def wire(value):
    """A Python value as DynamoDB's typed JSON ({"S": ...}), as boto3's resource layer sends it."""
    return _serializer.serialize(value)


def wire_key(key):
    return {name: wire(value) for name, value in key.items()}


# Query arguments read as they are; those holding values are typed; anything else (a boto3
# condition object, a legacy parameter) leaves the read to the client.
_AS_IS = frozenset(
    {"IndexName", "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
     "ExpressionAttributeNames", "ScanIndexForward", "Limit", "ConsistentRead", "Select"}
)  # fmt: skip


def query_params(table_name, query):
    """A Table.query's arguments as the low-level Query's (wire format), or None when one of them
    is not plain text or values (the caller's client then builds it)."""
    params = {"TableName": table_name}
    for name, argument in query.items():
        if name == "ExpressionAttributeValues":
            params[name] = {placeholder: wire(value) for placeholder, value in argument.items()}
        elif name == "ExclusiveStartKey":
            params[name] = wire_key(argument)
        elif name in _AS_IS and not (name.endswith("Expression") and not isinstance(argument, str)):
            params[name] = argument
        else:
            return None
    return params


class DirectReads:
    """Reads sent beside `client` (the connection's botocore client of this thread), on its
    endpoint, region, credentials, timeouts and event hooks."""

    def __init__(self, client, credentials, *, validate, sleep=time.sleep, now=None):
        meta = client.meta
        config = meta.config
        self._events = meta.events
        self._url = meta.endpoint_url
        self._service_model = meta.service_model
        self._credentials = credentials
        self._region = meta.region_name
        self._attempts = (config.retries or {}).get("total_max_attempts", 3)
        self._validate = validate
        self._sleep = sleep
        self._now = now or (lambda: datetime.datetime.now(datetime.UTC))
        self._host = signing_host(self._url)
        self._http = URLLib3Session(
            timeout=(config.connect_timeout, config.read_timeout),
            max_pool_connections=config.max_pool_connections,
        )

    def read(self, operation, params):
        """The JSON body (bytes) of `operation`'s 200 answer to `params` (wire format, TableName
        included), or None for any other answer (the caller asks the client). Connection errors
        and timeouts are raised, as botocore's, once the attempts are spent."""
        model = self._service_model.operation_model(operation)
        if self._validate:  # settings.AWS_VALIDATE_DYNAMODB_REQUESTS, as the client checks
            report = ParamValidator().validate(params, model.input_shape)
            if report.has_errors():
                return None  # the client refuses it, with botocore's own message
        context = {"direct": True}
        event = f"dynamodb.{operation}"
        self._events.emit(f"before-call.{event}", model=model, params=params, context=context)
        try:
            response = self._send(operation, event, params, context)
        except Exception as error:
            self._events.emit(f"after-call-error.{event}", exception=error, context=context)
            raise
        if response.status_code != 200:
            # Not a plain answer: the caller's botocore call reads it (and retries, raises, parses).
            self._events.emit(f"after-call-error.{event}", exception=None, context=context)
            return None
        body = response.content
        self._events.emit(
            f"after-call.{event}", http_response=response, parsed={}, model=model, context=context
        )
        return body

    def _send(self, operation, event, params, context):
        body = json.dumps(params, separators=(",", ":")).encode()
        for attempt in range(1, self._attempts + 1):
            request = self._signed(operation, body)
            try:
                # emit, not emit_until_response: every handler sees the request, as botocore's.
                response = first_non_none_response(self._events.emit(f"before-send.{event}", request=request))
                if response is None:
                    response = self._http.send(request)
            except _TRANSIENT as error:
                self._received(event, None, error, context)
                if attempt == self._attempts:
                    raise
                self._sleep(min(MAX_BACKOFF, random.random() * 2 ** (attempt - 1)))  # noqa: S311 (jitter)
                continue
            self._received(event, response, None, context)
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    def _signed(self, operation, body):
        headers = {"Content-Type": _CONTENT_TYPE, "X-Amz-Target": _TARGET_PREFIX + operation}
        if self._credentials is None:  # none found: refused as botocore refuses (a BotoCoreError)
            raise NoCredentialsError
        # Read each time: instance-role credentials are refreshed before they expire.
        credentials = self._credentials.get_frozen_credentials()
        headers.update(sign(credentials, self._region, self._host, headers, body, self._now()))
        return AWSPreparedRequest("POST", self._url, headers, body, stream_output=False)

    def _received(self, event, response, error, context):
        answer = None
        if response is not None:
            answer = {
                "status_code": response.status_code,
                "headers": response.headers,
                "body": response.content,
            }
        self._events.emit(
            f"response-received.{event}",
            exception=error,
            response_dict=answer,
            parsed_response=None,
            context=context,
        )


def signing_host(url):
    """The Host a request to `url` carries (and signs), its port left out when the scheme's own."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.hostname if parts.port in (None, default) else f"{parts.hostname}:{parts.port}"


def sign(credentials, region, host, headers, body, now):
    """The headers that sign a POST of `body` to DynamoDB at "/" (AWS Signature Version 4):
    X-Amz-Date, X-Amz-Security-Token with temporary credentials, and Authorization."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    added = {"X-Amz-Date": amz_date}
    if credentials.token:
        added["X-Amz-Security-Token"] = credentials.token
    signed = {name.lower(): " ".join(value.split()) for name, value in {**headers, **added}.items()}
    signed["host"] = host
    names = ";".join(sorted(signed))
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            "".join(f"{name}:{signed[name]}\n" for name in sorted(signed)),
            names,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{amz_date[:8]}/{region}/dynamodb/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _signing_key(credentials.secret_key, amz_date[:8], region)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    added["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    return added


@functools.lru_cache(maxsize=8)
def _signing_key(secret_key, date, region):
    key = ("AWS4" + secret_key).encode()
    for part in (date, region, "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key
