"""Photo metadata in DynamoDB: the only module in photoshare that speaks to DynamoDB.

Single-table design (see docs/architecture.md):

    pk = PHOTO#<id>  sk = PHOTO          the photo: every attribute, read by GetItem
    pk = PHOTO#<id>  sk = LIST#<list>    one "card" per list the photo appears in,
                                         list_pk = <list>, list_sk = <created>#<id>

<list> is FEED (all photos), USER#<user id> or TAG#<tag>. The sparse global secondary index
"lists" (list_pk, list_sk) turns every list page into a single Query, newest first, whatever
the size of the table. All items of a photo share its partition, so one Query finds them all
for deletion, and one transaction writes them all together.
"""

import contextlib
import functools
import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver

LISTS_INDEX = "lists"
FEED = "FEED"
_PHOTO_SK = "PHOTO"
_CURSOR_SALT = "gallery.metadata.cursor"
_KEY_ATTRIBUTES = ("pk", "sk", "list_pk", "list_sk")


class MetadataError(Exception):
    """Base class for errors of the metadata store."""


class MetadataUnavailable(MetadataError):
    """DynamoDB could not be reached or refused the request; the caller may retry later."""


class PhotoNotFound(MetadataError):
    pass


class PhotoAlreadyExists(MetadataError):
    """An item with this photo id exists already (ids are random, so this means a bug or a replay)."""


class InvalidCursor(MetadataError):
    """A page cursor that we did not issue, or that belongs to another list."""


@dataclass(frozen=True)
class PhotoCard:
    """What a list page shows of a photo."""

    id: str
    title: str
    owner_id: int
    owner_username: str
    tags: list
    created: str
    thumbnail_key: str
    thumbnail_width: int
    thumbnail_height: int


@dataclass(frozen=True)
class Photo(PhotoCard):
    description: str = ""
    original_key: str = ""
    original_content_type: str = ""
    original_bytes: int = 0
    width: int = 0
    height: int = 0
    thumbnail_content_type: str = "image/jpeg"

    @property
    def card(self):
        return PhotoCard(**{name: getattr(self, name) for name in PhotoCard.__dataclass_fields__})


@dataclass(frozen=True)
class Page:
    items: list = field(default_factory=list)
    next_cursor: str | None = None


def user_list(user_id):
    return f"USER#{user_id}"


def tag_list(tag):
    return f"TAG#{tag}"


def table_schema():
    """Keys and indexes of the table: the single definition used by init_aws and the deploy tests."""
    return {
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "list_pk", "AttributeType": "S"},
            {"AttributeName": "list_sk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": LISTS_INDEX,
                "KeySchema": [
                    {"AttributeName": "list_pk", "KeyType": "HASH"},
                    {"AttributeName": "list_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


class PhotoTable:
    """Reads and writes photo metadata. Settings are read once; the boto3 resource is made on
    first use and kept per thread (boto3 resources are not thread-safe)."""

    def __init__(self, *, table_name, endpoint_url, client_config):
        self.table_name = table_name
        self._endpoint_url = endpoint_url
        self._client_config = client_config
        self._local = threading.local()

    # --- connection --------------------------------------------------------------------------
    @property
    def _table(self):
        table = getattr(self._local, "table", None)
        if table is None:
            resource = boto3.session.Session().resource(
                "dynamodb", endpoint_url=self._endpoint_url, config=self._client_config
            )
            table = self._local.table = resource.Table(self.table_name)
        return table

    @property
    def _client(self):
        # The resource's own client serialises plain Python values, conditions included.
        return self._table.meta.client

    # --- writes ------------------------------------------------------------------------------
    def put_photo(self, photo):
        """Write the photo and all its list cards in one transaction: all or nothing."""
        photo_item = {"pk": _photo_pk(photo.id), "sk": _PHOTO_SK, **asdict(photo)}
        actions = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": photo_item,
                    # Condition objects are not expanded inside transactions; a plain expression is.
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        actions += [
            {"Put": {"TableName": self.table_name, "Item": card}} for card in _card_items(photo)
        ]
        try:
            self._client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or [{}]
            if reasons[0].get("Code") == "ConditionalCheckFailed":
                raise PhotoAlreadyExists(photo.id) from error
            raise MetadataUnavailable(str(error)) from error
        except BotoCoreError as error:
            raise MetadataUnavailable(str(error)) from error

    def delete_photo(self, photo_id):
        """Delete the photo's item and every card of it; returns the deleted photo."""
        photo = self.get_photo(photo_id)
        with _translate_errors():
            keys = [
                {"pk": item["pk"], "sk": item["sk"]}
                for item in self._query_all(KeyConditionExpression=Key("pk").eq(_photo_pk(photo_id)))
            ]
            with self._table.batch_writer() as batch:
                # Cards first, the photo item last: a retry after a partial failure finds the
                # photo and finishes the job.
                for key in sorted(keys, key=lambda key: key["sk"] == _PHOTO_SK):
                    batch.delete_item(Key=key)
        return photo

    # --- reads -------------------------------------------------------------------------------
    def get_photo(self, photo_id):
        with _translate_errors():
            response = self._table.get_item(
                Key={"pk": _photo_pk(photo_id), "sk": _PHOTO_SK}, ConsistentRead=True
            )
        if "Item" not in response:
            raise PhotoNotFound(photo_id)
        return _photo_from_item(response["Item"])

    def list_page(self, list_name, *, cursor=None, limit=24):
        """One page of a list, newest first: a single Query on the lists index."""
        query = {
            "IndexName": LISTS_INDEX,
            "KeyConditionExpression": Key("list_pk").eq(list_name),
            "ScanIndexForward": False,
            # One extra item tells whether there is a next page without an empty last page.
            "Limit": limit + 1,
        }
        if cursor:
            query["ExclusiveStartKey"] = decode_cursor(cursor, list_name)
        with _translate_errors():
            items = self._table.query(**query)["Items"]
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            next_cursor = encode_cursor({name: items[-1][name] for name in _KEY_ATTRIBUTES})
        return Page(items=[_card_from_item(item) for item in items], next_cursor=next_cursor)

    def _query_all(self, **query):
        paginator = self._client.get_paginator("query")
        for page in paginator.paginate(TableName=self.table_name, **query):
            yield from page["Items"]

    # --- maintenance (manage.py reconcile: an admin job, never a page) -----------------------
    def scan_photos(self):
        """Every photo in the table, by id, and the ids whose partition holds cards but no
        photo item. A full Scan, page by page."""
        photos, card_ids = {}, set()
        with _translate_errors():
            for page in self._client.get_paginator("scan").paginate(TableName=self.table_name):
                for item in page["Items"]:
                    if not item["pk"].startswith("PHOTO#"):
                        continue  # not a photo's partition (e.g. counters)
                    photo_id = item["pk"].removeprefix("PHOTO#")
                    if item["sk"] == _PHOTO_SK:
                        photos[photo_id] = _photo_from_item(item)
                    else:
                        card_ids.add(photo_id)
        return photos, card_ids - set(photos)

    def purge_photo(self, photo_id):
        """Delete every item of the photo's partition, whether or not its photo item exists."""
        with _translate_errors():
            items = self._query_all(KeyConditionExpression=Key("pk").eq(_photo_pk(photo_id)))
            keys = [{"pk": item["pk"], "sk": item["sk"]} for item in items]
            with self._table.batch_writer() as batch:
                for key in sorted(keys, key=lambda key: key["sk"] == _PHOTO_SK):  # photo item last
                    batch.delete_item(Key=key)

    # --- table management --------------------------------------------------------------------
    def ensure_table(self):
        """Create the table if it does not exist and wait until it is active. Returns True if
        it was created by this call."""
        client = self._client
        try:
            client.describe_table(TableName=self.table_name)
            created = False
        except client.exceptions.ResourceNotFoundException:
            try:
                client.create_table(TableName=self.table_name, **table_schema())
                created = True
            except client.exceptions.ResourceInUseException:
                created = False  # another process created it meanwhile
        client.get_waiter("table_exists").wait(
            TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        return created

    def ping(self):
        """Raise MetadataUnavailable unless the table answers."""
        with _translate_errors():
            status = self._client.describe_table(TableName=self.table_name)["Table"]["TableStatus"]
        if status != "ACTIVE":
            raise MetadataUnavailable(f"table {self.table_name} is {status}")


def encode_cursor(key):
    return signing.dumps(key, salt=_CURSOR_SALT, compress=True)


def decode_cursor(cursor, list_name):
    try:
        key = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise InvalidCursor(cursor) from None
    if not isinstance(key, dict) or set(key) != set(_KEY_ATTRIBUTES) or key["list_pk"] != list_name:
        raise InvalidCursor(cursor)
    return key


@functools.cache
def photo_table():
    """The process-wide PhotoTable, built from settings on first use."""
    return PhotoTable(
        table_name=settings.DYNAMODB_TABLE_NAME,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        client_config=settings.AWS_CLIENT_CONFIG,
    )


@receiver(setting_changed)
def _reset_photo_table(setting, **kwargs):
    if setting.startswith(("DYNAMODB_", "AWS_")):
        photo_table.cache_clear()


@contextlib.contextmanager
def _translate_errors():
    """Turn boto errors into our own, keeping the original as the cause."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise MetadataUnavailable(str(error)) from error


def _photo_pk(photo_id):
    return f"PHOTO#{photo_id}"


def _card_items(photo):
    card = asdict(photo.card)
    lists = [FEED, user_list(photo.owner_id), *(tag_list(tag) for tag in photo.tags)]
    return [
        {
            "pk": _photo_pk(photo.id),
            "sk": f"LIST#{list_name}",
            "list_pk": list_name,
            "list_sk": f"{photo.created}#{photo.id}",
            **card,
        }
        for list_name in lists
    ]


def _plain(value):
    # DynamoDB numbers come back as Decimal; ours are all whole numbers.
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(element) for element in value]
    return value


def _photo_from_item(item):
    return Photo(**{name: _plain(item[name]) for name in Photo.__dataclass_fields__ if name in item})


def _card_from_item(item):
    return PhotoCard(**{name: _plain(item[name]) for name in PhotoCard.__dataclass_fields__})
