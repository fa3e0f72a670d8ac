"""Photo metadata in DynamoDB: the only module in photoshare that speaks to DynamoDB.

Single-table design (see docs/architecture.md):

    pk = PHOTO#<id>  sk = PHOTO          the photo: every attribute, read by GetItem
    pk = PHOTO#<id>  sk = LIST#<list>    one "card" per list the photo appears in,
                                         list_pk = <list>, list_sk = <created>#<id>

    pk = TAGS        sk = TAG#<tag>      public photo count of a tag, for the tag cloud

<list> names and which photo goes in which list: gallery.catalog. The sparse global secondary index
"lists" (list_pk, list_sk) turns every list page into a single Query, newest first, whatever
the size of the table. All items of a photo share its partition, so one Query finds them all
for deletion, and one transaction writes them all together.
"""

import contextlib
import functools
import logging
import threading
from dataclasses import asdict, replace
from datetime import UTC, datetime
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver

from gallery.catalog import (
    ALL,
    FEED,
    TITLE_KEY_LENGTH,
    Page,
    Photo,
    PhotoCard,
    TagCount,
    counted_tags,
    list_entries,
    normalize_title,
    owner_list,
    tag_list,
    title_list,
    user_list,
)

# Callers may take the records and list names from here, with the store that returns them.
__all__ = ["ALL", "FEED", "Page", "Photo", "PhotoCard", "TagCount", "owner_list", "tag_list", "user_list"]

LISTS_INDEX = "lists"
_PHOTO_SK = "PHOTO"
_TAGS_PK = "TAGS"
_OWNERS_PK = "OWNERS"
_CURSOR_SALT = "gallery.metadata.cursor"
_KEY_ATTRIBUTES = ("pk", "sk", "list_pk", "list_sk")


logger = logging.getLogger(__name__)

class MetadataError(Exception):
    """Base class for errors of the metadata store."""


class MetadataUnavailable(MetadataError):
    """DynamoDB could not be reached or refused the request; the caller may retry later."""


class PhotoNotFound(MetadataError):
    pass


class PhotoAlreadyExists(MetadataError):
    """An item with this photo id exists already (ids are random, so this means a bug or a replay)."""


class PhotoChanged(MetadataError):
    """The photo was changed or deleted by someone else since it was read; read it again."""


class InvalidCursor(MetadataError):
    """A page cursor that we did not issue, or that belongs to another list."""


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
        """Write the photo, all its list cards and its tag counts in one transaction: all or nothing."""
        actions = [self._put(_photo_item(photo), condition="attribute_not_exists(pk)")]
        actions += [self._put(card) for card in _card_items(photo)]
        actions += self._count_actions(set(), counted_tags(photo))
        actions.append(self._counter(_OWNERS_PK, f"OWNER#{photo.owner_id}", 1))
        try:
            self._transact(actions)
        except PhotoChanged:
            raise PhotoAlreadyExists(photo.id) from None

    def update_photo(self, photo_id, **changes):
        """Change title, description, tags or visibility; returns the updated Photo.

        One transaction rewrites the photo and every card (cards carry the title and tags),
        deletes the cards of lists the photo leaves and moves the tag counts, so no list ever
        shows a stale entry. It is conditional on the revision read, so concurrent edits
        cannot silently undo each other (PhotoChanged).
        """
        old, items = self._photo_with_items(photo_id)
        new = replace(old, **changes, revision=old.revision + 1, updated=_now())
        new_cards = _card_items(new)
        kept_keys = {_PHOTO_SK, *(card["sk"] for card in new_cards)}
        actions = [self._put(_photo_item(new), **_same_revision(old))]
        actions += [self._put(card) for card in new_cards]
        actions += [self._delete(item) for item in items if item["sk"] not in kept_keys]
        actions += self._count_actions(counted_tags(old), counted_tags(new))
        self._transact(actions)
        return new

    def delete_photo(self, photo_id):
        """Delete the photo's item, every card of it and its share of the tag counts in one
        transaction; returns the deleted photo (whose object keys the caller removes next)."""
        photo, items = self._photo_with_items(photo_id)
        actions = [self._delete(_photo_item(photo), **_same_revision(photo))]
        actions += [self._delete(item) for item in items if item["sk"] != _PHOTO_SK]
        actions += self._count_actions(counted_tags(photo), set())
        actions.append(self._counter(_OWNERS_PK, f"OWNER#{photo.owner_id}", -1))
        self._transact(actions)
        return photo

    def _action(self, kind, condition=None, values=None, **body):
        """One TransactItems entry. Condition objects are not expanded inside transactions, so
        conditions are plain expressions."""
        body["TableName"] = self.table_name
        if condition:
            body["ConditionExpression"] = condition
        if values:
            body["ExpressionAttributeValues"] = values
        return {kind: body}

    def _put(self, item, **condition):
        return self._action("Put", Item=item, **condition)

    def _delete(self, item, **condition):
        return self._action("Delete", Key={"pk": item["pk"], "sk": item["sk"]}, **condition)

    def _counter(self, pk, sk, delta, **attributes):
        """ADD delta to a counter item's photo_count (created at 0 if missing), SET attributes."""
        update, values = "ADD photo_count :delta", {":delta": delta}
        if attributes:
            update = "SET " + ", ".join(f"{name} = :{name}" for name in attributes) + " " + update
            values.update({f":{name}": value for name, value in attributes.items()})
        return self._action("Update", Key={"pk": pk, "sk": sk}, UpdateExpression=update, values=values)

    def _count_actions(self, old_tags, new_tags):
        return [
            self._counter(_TAGS_PK, f"TAG#{tag}", delta, tag=tag)
            for tags, delta in ((new_tags - old_tags, 1), (old_tags - new_tags, -1))
            for tag in sorted(tags)
        ]

    def _transact(self, actions):
        try:
            self._client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or [{}]
            # Only the first action carries a condition: the photo item's.
            if reasons[0].get("Code") == "ConditionalCheckFailed":
                raise PhotoChanged() from error
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error

    # --- reads -------------------------------------------------------------------------------
    def get_photo(self, photo_id):
        with _translate_errors():
            response = self._table.get_item(
                Key={"pk": _photo_pk(photo_id), "sk": _PHOTO_SK}, ConsistentRead=True
            )
        if "Item" not in response:
            raise PhotoNotFound(photo_id)
        return _photo_from_item(response["Item"])

    def list_page(self, list_name, *, cursor=None, limit=24, prefix=None, oldest_first=False):
        """One page of a list, newest first: a single Query on the lists index.

        `prefix` keeps only cards whose sort key starts with it (title search); the cursor is
        then bound to the prefix as well as to the list.
        """
        condition = Key("list_pk").eq(list_name)
        if prefix:
            condition &= Key("list_sk").begins_with(prefix)
        query = {
            "IndexName": LISTS_INDEX,
            "KeyConditionExpression": condition,
            "ScanIndexForward": oldest_first,
            # One extra item tells whether there is a next page without an empty last page.
            "Limit": limit + 1,
        }
        if cursor:
            query["ExclusiveStartKey"] = decode_cursor(cursor, list_name, prefix)
        with _translate_errors():
            items = self._table.query(**query)["Items"]
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            next_cursor = encode_cursor({name: items[-1][name] for name in _KEY_ATTRIBUTES})
        return Page(items=[_card_from_item(item) for item in items], next_cursor=next_cursor)

    def search_titles(self, text, *, cursor=None, limit=24):
        """Public photos whose title starts with `text` (normalised), in title order: one Query.
        Raises ValueError for fewer than TITLE_KEY_LENGTH characters."""
        prefix = normalize_title(text)
        if len(prefix) < TITLE_KEY_LENGTH:
            raise ValueError(f"at least {TITLE_KEY_LENGTH} characters are needed")
        return self.list_page(
            title_list(prefix), cursor=cursor, limit=limit, prefix=prefix, oldest_first=True
        )

    def tag_counts(self):
        """Every tag with at least one public photo, most used first (Queries one partition)."""
        counts = [
            TagCount(tag=item["tag"], count=int(item["photo_count"]))
            for item in self._query_all(KeyConditionExpression=Key("pk").eq(_TAGS_PK))
            if item["photo_count"] > 0
        ]
        return sorted(counts, key=lambda tag_count: (-tag_count.count, tag_count.tag))

    def tag_count(self, tag):
        with _translate_errors():
            item = self._table.get_item(Key={"pk": _TAGS_PK, "sk": f"TAG#{tag}"}).get("Item")
        return int(item["photo_count"]) if item else 0

    def photo_counts(self, owner_ids):
        """{owner id: number of photos, private ones included} in one BatchGetItem (admin)."""
        keys = [{"pk": _OWNERS_PK, "sk": f"OWNER#{owner_id}"} for owner_id in set(owner_ids)]
        counts = dict.fromkeys(owner_ids, 0)
        # BatchGetItem takes 100 keys; unprocessed keys (throttling) are asked for again.
        for start in range(0, len(keys), 100):
            request = {self.table_name: {"Keys": keys[start : start + 100]}}
            while request:
                with _translate_errors():
                    response = self._client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self.table_name, []):
                    counts[int(item["sk"].removeprefix("OWNER#"))] = int(item["photo_count"])
                request = response.get("UnprocessedKeys")
        return counts

    def _photo_with_items(self, photo_id):
        """The photo and every item of its partition (photo item and cards), consistently read."""
        items = list(
            self._query_all(
                KeyConditionExpression=Key("pk").eq(_photo_pk(photo_id)), ConsistentRead=True
            )
        )
        photo_items = [item for item in items if item["sk"] == _PHOTO_SK]
        if not photo_items:
            raise PhotoNotFound(photo_id)
        return _photo_from_item(photo_items[0]), items

    def _query_all(self, **query):
        paginator = self._client.get_paginator("query")
        with _translate_errors():
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
            # One DeleteItem each (a repair job, rarely more than a few cards): the role needs no
            # BatchWriteItem for it.
            for key in sorted(keys, key=lambda key: key["sk"] == _PHOTO_SK):  # photo item last
                self._table.delete_item(Key=key)

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


def decode_cursor(cursor, list_name, prefix=None):
    try:
        key = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise InvalidCursor(cursor) from None
    if not isinstance(key, dict) or set(key) != set(_KEY_ATTRIBUTES) or key["list_pk"] != list_name:
        raise InvalidCursor(cursor)
    if prefix and not key["list_sk"].startswith(prefix):
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
        raise _unavailable(error) from error


def _unavailable(error):
    """MetadataUnavailable for a boto error, which goes to the log here with its detail: callers
    show the user a plain "try again" and need not log it themselves."""
    logger.warning("DynamoDB unavailable: %s", error, exc_info=error)
    return MetadataUnavailable(str(error))


def _photo_pk(photo_id):
    return f"PHOTO#{photo_id}"


def _photo_item(photo):
    return {"pk": _photo_pk(photo.id), "sk": _PHOTO_SK, **asdict(photo)}


def _card_items(photo):
    card = asdict(photo.card)
    return [
        {
            "pk": _photo_pk(photo.id),
            "sk": f"LIST#{list_name}",
            "list_pk": list_name,
            "list_sk": sort_key,
            **card,
        }
        for list_name, sort_key in list_entries(photo)
    ]


def _same_revision(photo):
    """Condition for writing over `photo`: it still exists, unchanged since it was read."""
    if photo.revision == 0:  # items written before revisions existed have none
        condition = "attribute_exists(pk) AND (attribute_not_exists(revision) OR revision = :revision)"
    else:
        condition = "revision = :revision"
    return {"condition": condition, "values": {":revision": photo.revision}}


def _now():
    return datetime.now(UTC).isoformat(timespec="microseconds")


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
    return PhotoCard(**{name: _plain(item[name]) for name in PhotoCard.__dataclass_fields__ if name in item})
