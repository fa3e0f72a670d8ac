"""The connection to the photo table: settings read once, the boto3 resource made per thread by
gallery.storage.clients, and boto errors turned into MetadataUnavailable in one place, which
logs them."""

import contextlib
import functools
import json
import logging
import threading

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from gallery.storage.clients import SESSION_LOCK, PerThread, client_config, shared_session
from gallery.storage.dynamodb import direct, listcache, wire
from gallery.storage.dynamodb.errors import MetadataUnavailable

logger = logging.getLogger(__name__)


class Connection:
    """`table` (boto3 Table) and `client` (its low-level client) of this thread.

    Tests and tools hook botocore events on `client.meta.events`: one client per thread and
    connection, so a hook sees every call the app makes from that thread.
    """

    def __init__(self, *, table_name, endpoint_url, client_config, validate=True):
        self.table_name = table_name
        self._validate = validate
        self._tables = PerThread(
            "dynamodb", endpoint_url=endpoint_url, config=client_config, resource=True, prepare=self._hook
        )
        self._local = threading.local()

    @classmethod
    def from_settings(cls):
        return cls(
            table_name=settings.DYNAMODB_TABLE_NAME,
            endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
            # settings.AWS_VALIDATE_DYNAMODB_REQUESTS: off, DynamoDB refuses a bad request all the
            # same (a ClientError, translated as any other: MetadataUnavailable).
            client_config=client_config(parameter_validation=settings.AWS_VALIDATE_DYNAMODB_REQUESTS),
            validate=settings.AWS_VALIDATE_DYNAMODB_REQUESTS,
        )

    @property
    def table(self):
        table = getattr(self._local, "table", None)
        if table is None:
            table = self._local.table = self._tables.get().Table(self.table_name)
        return table

    def _hook(self, resource):
        events = resource.meta.client.meta.events
        events.register("before-parse.dynamodb.Query", self._read_items_raw)
        events.register("before-parse.dynamodb.BatchGetItem", self._read_batch_raw)
        for operation in listcache.WRITES:
            events.register(f"after-call.dynamodb.{operation}", listcache.after_write)

    @property
    def client(self):
        # The resource's own client serialises plain Python values, conditions included.
        return self.table.meta.client

    @property
    def direct(self):
        """This thread's DirectReads (gallery.storage.dynamodb.direct), beside its client."""
        reads = getattr(self._local, "direct", None)
        if reads is None:
            with SESSION_LOCK:  # the shared session is not thread-safe (gallery.storage.clients)
                credentials = shared_session().get_credentials()
            reads = self._local.direct = direct.DirectReads(self.client, credentials, validate=self._validate)
        return reads

    def _direct_query(self, query):
        """The JSON body of a Query's plain answer sent directly, or None (then ask the client)."""
        params = direct.query_params(self.table_name, query)
        return None if params is None else self.direct.read("Query", params)

    def query_items(self, **query):
        """The Items of one Query page (boto3 Table.query's arguments), read from the response's
        JSON by gallery.storage.dynamodb.wire rather than by botocore's parser and boto3's deserialiser:
        the same values, at a tenth of the cost (list pages). Errors are raised as usual."""
        return self.query_page(**query)[0]

    def query_page(self, **query):
        """(Items, LastEvaluatedKey or None) of one Query page, read as query_items reads them."""
        body = self._direct_query(query)
        if body is not None:
            return _query_answer(body)
        with self._reading_raw(True):
            response = self.table.query(**query)
        if _RAW_ITEMS not in response:
            return response["Items"], response.get("LastEvaluatedKey")
        return response[_RAW_ITEMS], response[_RAW_LAST_KEY]

    def query_read(self, read, *args, **query):
        """read(items, LastEvaluatedKey or None, *args) of one Query page, its items read as
        query_items reads them. An answer of the very bytes of one of the last READ_MEMO answers
        gives read's result of then, unread (a list page between two writes): keyed on the
        answer's content, it is never stale, so `read` must return what nobody changes (frozen
        records). Errors are raised as usual."""
        body = self._direct_query(query)
        if body is not None:
            return _read_once(body, read, args)
        with self._reading_raw(_KEEP_BODY):
            response = self.table.query(**query)
        if _RAW_BODY not in response:
            return read(response["Items"], response.get("LastEvaluatedKey"), *args)
        return _read_once(response[_RAW_BODY], read, args)

    @contextlib.contextmanager
    def _reading_raw(self, how):
        """Within: this thread's answers are read by _read_items_raw / _read_batch_raw (`how`:
        True, or _KEEP_BODY for query_read) instead of botocore's parser."""
        self._local.raw_items = how
        try:
            yield
        finally:
            self._local.raw_items = False

    def _read_items_raw(self, response_dict, customized_response_dict, **kwargs):
        # botocore's before-parse event, on this thread's client: only for query_items, and only
        # for an answer (errors keep botocore's parsing, retries and exceptions).
        if not getattr(self._local, "raw_items", False) or response_dict["status_code"] != 200:
            return
        if self._local.raw_items is _KEEP_BODY:  # query_read: read later, if not known already
            customized_response_dict[_RAW_BODY] = response_dict["body"]
            response_dict["body"] = b"{}"
            return
        items, last_key = _query_answer(response_dict["body"])
        customized_response_dict[_RAW_ITEMS], customized_response_dict[_RAW_LAST_KEY] = items, last_key
        # Left for botocore to parse: nothing (the raw HTTP response stays as it was received).
        response_dict["body"] = b"{}"

    def batch_get_items(self, keys, *, consistent=True):
        """The items found of `keys` on this table: one BatchGetItem (unprocessed keys asked for
        again), read from the JSON as query_items reads a Query's (a photo page's photo item)."""
        request = {self.table_name: {"Keys": keys, "ConsistentRead": consistent}}
        found = []
        wire_request = {
            self.table_name: {"Keys": [direct.wire_key(key) for key in keys], "ConsistentRead": consistent}
        }
        body = self.direct.read("BatchGetItem", {"RequestItems": wire_request})
        if body is not None:
            answer = json.loads(body)
            found = self._batch_items(answer)
            unprocessed = answer.get("UnprocessedKeys", {}).get(self.table_name)
            if not unprocessed:
                return found
            # Throttled in part: the rest through the client (its retries and backoff).
            request = {
                self.table_name: {
                    "Keys": [wire.item(key) for key in unprocessed["Keys"]],
                    "ConsistentRead": consistent,
                }
            }
        while request:
            with self._reading_raw(True):
                response = self.client.batch_get_item(RequestItems=request)
            if _RAW_ITEMS in response:
                return found + response[_RAW_ITEMS]
            found += response["Responses"].get(self.table_name, [])
            request = response.get("UnprocessedKeys")
        return found

    def _read_batch_raw(self, response_dict, customized_response_dict, **kwargs):
        if not getattr(self._local, "raw_items", False) or response_dict["status_code"] != 200:
            return
        body = json.loads(response_dict["body"])
        if body.get("UnprocessedKeys"):  # throttled: botocore reads it, batch_get_items asks again
            return
        customized_response_dict[_RAW_ITEMS] = self._batch_items(body)
        response_dict["body"] = b"{}"

    def _batch_items(self, answer):
        """This table's items of a BatchGetItem answer (its JSON, loaded), read by wire."""
        return [wire.item(item) for item in answer.get("Responses", {}).get(self.table_name, ())]

    def query_all(self, **query):
        """Every item of a Query, page by page."""
        paginator = self.client.get_paginator("query")
        with translate_errors():
            for page in paginator.paginate(TableName=self.table_name, **query):
                yield from page["Items"]


# A Query's key condition as DynamoDB's own text, for the hot reads (list pages, a photo page's
# neighbours and comments): boto3's Key(...) objects are rebuilt and deep-copied by its resource
# layer on every call, a few per cent of a photo page (cProfile); strings are copied cheaply.
_SORT_CONDITIONS = {
    ">": "#pk = :pk AND #sk > :sk",
    "<": "#pk = :pk AND #sk < :sk",
    "begins_with": "#pk = :pk AND begins_with(#sk, :sk)",
}


def key_condition(partition, value, sort=None, op=None, sort_value=None):
    """Table.query arguments for `partition = value`, and `sort <op> sort_value` if a sort is given
    (op: >, <, begins_with)."""
    if sort is None:
        return {
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": partition},
            "ExpressionAttributeValues": {":pk": value},
        }
    return {
        "KeyConditionExpression": _SORT_CONDITIONS[op],
        "ExpressionAttributeNames": {"#pk": partition, "#sk": sort},
        "ExpressionAttributeValues": {":pk": value, ":sk": sort_value},
    }


# Not a name in DynamoDB's output shape, so boto3's deserialiser leaves it alone.
_RAW_ITEMS = "PhotoshareItems"
_RAW_LAST_KEY = "PhotoshareLastKey"
_RAW_BODY = "PhotoshareBody"
_KEEP_BODY = object()
# query_read's memory: a home page's answer is ~25 kB; a few pages each of the busiest lists.
READ_MEMO = 32


def _query_answer(body):
    """(Items, LastEvaluatedKey or None) of a Query answer's JSON, read by wire."""
    answer = json.loads(body)
    last_key = answer.get("LastEvaluatedKey")
    return [wire.item(item) for item in answer.get("Items", ())], wire.item(last_key) if last_key else None


@functools.lru_cache(maxsize=READ_MEMO)
def _read_once(body, read, args):
    return read(*_query_answer(body), *args)


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
