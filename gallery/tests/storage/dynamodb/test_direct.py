"""gallery.storage.dynamodb.direct: the hot reads sent without botocore's pipeline sign what botocore
signs, answer what the client answers, and leave everything but a plain answer to the client."""

import datetime
import json
import string

import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import ReadOnlyCredentials
from botocore.exceptions import ClientError, NoCredentialsError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gallery.domain.lists import owner_list
from gallery.storage.dynamodb import MetadataUnavailable, get_connection, photo_repository
from gallery.storage.dynamodb.connection import key_condition
from gallery.storage.dynamodb.direct import query_params, sign, signing_host
from gallery.tests import faults
from gallery.tests.factories import make_photo

HEADERS = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.Query"}
text = st.text(alphabet=string.ascii_letters + string.digits + "/+=", min_size=1, max_size=60)


@given(
    body=st.binary(max_size=300),
    secret=text,
    token=st.none() | text,
    region=st.sampled_from(["us-east-1", "ap-northeast-2", "eu-west-1"]),
    url=st.sampled_from(
        ["https://dynamodb.ap-northeast-2.amazonaws.com", "http://127.0.0.1:5000", "https://localhost:443"]
    ),
    moment=st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2099, 12, 31)),
)
@hypothesis_settings(max_examples=60, deadline=None)
def test_a_request_is_signed_as_botocore_signs_it(body, secret, token, region, url, moment):
    credentials = ReadOnlyCredentials("AKIDEXAMPLE", secret, token)
    expected = AWSRequest("POST", url, data=body, headers=dict(HEADERS))
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: moment
    try:
        SigV4Auth(credentials, "dynamodb", region).add_auth(expected)
    finally:
        botocore.auth.get_current_datetime = original

    ours = sign(credentials, region, signing_host(url), HEADERS, body, moment)

    assert ours["Authorization"] == expected.headers["Authorization"]
    assert ours["X-Amz-Date"] == expected.headers["X-Amz-Date"]
    assert ours.get("X-Amz-Security-Token") == expected.headers.get("X-Amz-Security-Token")


def test_plain_query_arguments_are_sent_typed_and_the_rest_is_left_to_the_client():
    from boto3.dynamodb.conditions import Key

    params = query_params(
        "table", {**key_condition("pk", "PHOTO#1"), "ExclusiveStartKey": {"pk": "a", "n": 2}}
    )

    assert params["TableName"] == "table"
    assert params["ExpressionAttributeValues"] == {":pk": {"S": "PHOTO#1"}}
    assert params["ExclusiveStartKey"] == {"pk": {"S": "a"}, "n": {"N": "2"}}
    assert query_params("table", {"KeyConditionExpression": Key("pk").eq("x")}) is None
    assert query_params("table", {"KeyConditions": {}}) is None


def test_a_list_page_is_read_directly_and_seen_by_the_clients_hooks(aws, dynamodb_calls):
    repository = photo_repository()
    photo = make_photo(1)
    repository.put_photo(photo)
    sent = []
    events = get_connection().client.meta.events
    events.register("before-send.dynamodb.Query", lambda request, **kwargs: sent.append(request), "seen")
    try:
        page = repository.list_page(owner_list(photo.owner_id))
    finally:
        events.unregister("before-send.dynamodb.Query", unique_id="seen")

    assert [card.id for card in page.items] == [photo.id]
    assert dynamodb_calls[-1] == "Query"
    # Sent by the direct path: its compact body, signed.
    assert sent and sent[-1].body.startswith(b'{"TableName"') and b", " not in sent[-1].body
    assert sent[-1].headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")


def _answer(status, body):
    class Body:
        def stream(self, **kwargs):
            yield json.dumps(body).encode()

    return lambda request, **kwargs: AWSResponse(
        request.url, status, {"Content-Type": "application/x-amz-json-1.0"}, Body()
    )


def test_a_throttled_read_is_asked_again_through_the_client(aws):
    photo = make_photo(2)
    photo_repository().put_photo(photo)

    with faults.Throttled("BatchGetItem", times=1) as throttled:
        found, state = photo_repository().photo_and_favorite_state(photo.id)

    assert found.id == photo.id and state.count == 0
    assert throttled.sent == 2  # the direct send, then the client's (with its own retries left)


def test_a_refused_read_raises_the_clients_error(aws):
    refusal = {"__type": "com.amazon.coral.validate#ValidationException", "message": "Bad key"}
    events = get_connection().client.meta.events
    events.register("before-send.dynamodb.Query", _answer(400, refusal), unique_id="refuse")
    try:
        with pytest.raises(MetadataUnavailable) as raised:
            photo_repository().list_page(owner_list(1))
    finally:
        events.unregister("before-send.dynamodb.Query", unique_id="refuse")

    assert isinstance(raised.value.__cause__, ClientError)
    assert raised.value.__cause__.response["Error"]["Code"] == "ValidationException"


def test_without_credentials_a_read_is_refused_as_botocore_refuses_it(aws, monkeypatch):
    """No credentials anywhere (a misconfigured instance): a clear MetadataUnavailable (503 on a
    page), as botocore's NoCredentialsError gives, never an AttributeError (a 500)."""
    monkeypatch.setattr(get_connection().direct, "_credentials", None)

    with pytest.raises(MetadataUnavailable) as raised:
        photo_repository().list_page(owner_list(1))

    assert isinstance(raised.value.__cause__, NoCredentialsError)
