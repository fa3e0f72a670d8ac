"""gallery.storage.dynamodb.connection: clients per thread, rebuilt when settings change, and boto
errors translated once, with their cause."""

import json
import threading

import pytest
from botocore.exceptions import EndpointConnectionError

from gallery.storage.dynamodb import MetadataUnavailable, get_connection, photo_repository


@pytest.fixture
def unreachable(settings):
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.AWS_CLIENT_CONFIG = settings.AWS_CLIENT_CONFIG.merge(
        type(settings.AWS_CLIENT_CONFIG)(retries={"max_attempts": 1, "mode": "standard"})
    )


def test_unreachable_endpoint_raises_metadata_unavailable(unreachable):
    with pytest.raises(MetadataUnavailable):
        photo_repository().get_photo("a" * 32)


def test_a_failure_is_logged_once_with_the_boto_error_as_cause(unreachable, caplog):
    with pytest.raises(MetadataUnavailable) as raised:
        photo_repository().tag_counts()  # a paginated Query: translated inside the generator

    assert isinstance(raised.value.__cause__, EndpointConnectionError)
    logged = [record for record in caplog.records if record.name.startswith("gallery.storage.dynamodb")]
    assert len(logged) == 1 and logged[0].exc_info[1] is raised.value.__cause__


def test_the_connection_follows_the_settings(settings):
    before = get_connection()
    settings.DYNAMODB_TABLE_NAME = "another-table"

    assert get_connection() is not before
    assert get_connection().table_name == "another-table"


def test_each_thread_has_its_own_client():
    clients = []
    thread = threading.Thread(target=lambda: clients.append(get_connection().client))
    thread.start()
    thread.join()

    assert clients[0] is not get_connection().client
    assert get_connection().client is get_connection().client


def test_a_list_page_read_through_query_items_equals_what_boto3_reads(aws):
    # query_items skips botocore's parser: the cards must come out as the Table resource gives them.
    from boto3.dynamodb.conditions import Key

    from gallery.domain.lists import FEED
    from gallery.storage.dynamodb import schema
    from gallery.tests.factories import make_photo

    for number in range(1, 4):
        photo_repository().put_photo(make_photo(number, tags=["sea", "서울"]))
    query = {"IndexName": schema.LISTS_INDEX, "KeyConditionExpression": Key("list_pk").eq(FEED)}

    raw = get_connection().query_items(**query)

    assert raw == get_connection().table.query(**query)["Items"]
    assert [item["title"] for item in raw] == ["Photo 1", "Photo 2", "Photo 3"]


def test_a_throttled_list_page_is_retried_and_other_reads_parse_as_usual(aws):
    from gallery.domain.lists import FEED
    from gallery.tests import faults
    from gallery.tests.factories import make_photo

    photo = make_photo(1)
    photo_repository().put_photo(photo)
    with faults.Throttled("Query", times=1) as throttled:
        page = photo_repository().list_page(FEED)

    assert throttled.sent == 2 and [card.id for card in page.items] == [photo.id]
    # The same thread's next Query outside query_items still gets botocore's own parsing.
    assert photo_repository().neighbours(FEED, "~") == (None, photo_repository().list_page(FEED).items[0])


def test_a_photo_read_through_batch_get_items_equals_what_boto3_reads(aws):
    # batch_get_items skips botocore's parser too (the photo page's photo and favourite count).
    from gallery.storage.dynamodb import schema
    from gallery.tests.factories import make_photo

    photo = make_photo(1, tags=["sea", "서울"])
    photo_repository().put_photo(photo)
    keys = [schema.photo_key(photo.id), schema.favorite_count_key(photo.id)]
    request = {get_connection().table_name: {"Keys": keys, "ConsistentRead": True}}

    raw = get_connection().batch_get_items(keys)

    boto3_read = get_connection().client.batch_get_item(RequestItems=request)["Responses"]
    by_sk = {item["sk"]: item for item in raw}  # a BatchGetItem's items come in any order
    assert by_sk == {item["sk"]: item for item in boto3_read[get_connection().table_name]}
    assert by_sk[schema.PHOTO_SK]["tags"] == ["sea", "서울"]


def test_unprocessed_keys_are_asked_for_again(aws):
    from botocore.awsrequest import AWSResponse

    from gallery.storage.dynamodb import schema
    from gallery.tests.factories import make_photo

    photo = make_photo(1)
    photo_repository().put_photo(photo)
    key = {"pk": {"S": schema.photo_key(photo.id)["pk"]}, "sk": {"S": schema.photo_key(photo.id)["sk"]}}
    throttled = b'{"Responses": {}, "UnprocessedKeys": {"%s": {"Keys": [%s]}}}' % (
        get_connection().table_name.encode(),
        json.dumps(key).encode(),
    )
    sent = []

    def first_unprocessed(request, **kwargs):
        sent.append(request)
        if len(sent) == 1:
            return AWSResponse(
                request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, _Body(throttled)
            )
        return None

    events = get_connection().client.meta.events
    events.register("before-send.dynamodb.BatchGetItem", first_unprocessed, unique_id="unprocessed")
    try:
        items = get_connection().batch_get_items([schema.photo_key(photo.id)])
    finally:
        events.unregister("before-send.dynamodb.BatchGetItem", unique_id="unprocessed")

    assert len(sent) == 2 and [item["title"] for item in items] == ["Photo 1"]


class _Body:
    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


def test_a_list_answer_read_before_is_not_read_again_and_a_changed_one_is(aws, settings):
    # query_read keys what it read on the answer's bytes: the list page cache off, an edit
    # shows on the next page at once, and the cards of an unchanged page are not read again.
    from gallery.domain.lists import FEED
    from gallery.storage.dynamodb import schema
    from gallery.tests.factories import make_photo

    settings.CACHES = {**settings.CACHES, "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.PHOTOSHARE_LIST_CACHE = "off"
    table = photo_repository()
    photo = make_photo(1)
    table.put_photo(photo)
    reads = []
    real_card_from_item = schema.card_from_item

    def card_from_item(item):
        reads.append(item["title"])
        return real_card_from_item(item)

    first = table.list_page(FEED, record=card_from_item)
    again = table.list_page(FEED, record=card_from_item)
    assert [card.title for card in again.items] == ["Photo 1"] and reads == ["Photo 1"]
    assert again == first and again.items is not first.items  # each caller gets a list of its own

    table.update_photo(photo.id, title="Harbour")
    assert [card.title for card in table.list_page(FEED, record=card_from_item).items] == ["Harbour"]
    assert reads == ["Photo 1", "Harbour"]
