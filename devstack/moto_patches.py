"""The patches our moto server makes to moto 5.2.5's internals, each for a fault measured with
`python -m moto.server` (docs/moto-upstream-note.md, bench/local_stack.py). Nothing else of moto is
changed; its own code still parses, checks and answers every request.

1. Model instances are not tracked: `BaseModel.__new__` appends every instance ever made to a class
   list (for the /moto-api/ dashboard), so nothing is ever freed (every overwritten S3 object, every
   DynamoDB item, every rollback copy of a table).
2. TransactWriteItems rolls back by item: moto deep-copies the whole table for every action of every
   transaction (O(table) per transaction). The items the transaction names are copied instead.
3. S3 bodies live on disk, read back with pread (devstack/s3_bodies.py): moto's
   SpooledTemporaryFile keeps one open file descriptor per object once it spills to disk.
4. Queries look at candidate items only (devstack/moto_queries.py).
5. The backend serving a host name is looked up once: moto lists its package's folders (a stat
   each, ~150 a request) to answer it, for every request, a replay's included.
6. A DynamoDB AttributeValue already in its wire form (a dict of S, N, M, L...) is serialized
   directly: moto's shape-driven serializer asks six alias providers (twice) for each of its ten
   members, for every attribute of every item, ~30 % of the server's busy samples on the suite's
   requests (py-spy; docs/moto-upstream-note.md item 7). The same
   JSON (devstack/tests/test_moto_patches.py compares both on generated attribute values).
7. A new DynamoDB item's size is checked once: moto's `LimitedSizeDict.__setitem__` adds up the
   size of every attribute already set before each one it sets (quadratic in the attributes, ~6 %
   of the server's busy samples on the web views' tests). The same limit on the same sum; an
   update of one attribute is still checked by moto's own code.
"""

import copy
import sys
import threading

from devstack.moto_queries import fast_queries, item_slot, note_item
from devstack.s3_bodies import use_store

MOTO_VERSION = "5.2.6"


def untrack_models():
    from moto.core import common_models

    base = common_models.BaseModel

    def untracked_new(cls, *args, **kwargs):
        return super(base, cls).__new__(cls)

    # Why: moto appends every model instance to a class list for its dashboard, so none is ever freed.
    base.__new__ = staticmethod(untracked_new)


_transaction = threading.local()


class _CopyWithoutTables:
    """Stands in for the `copy` module inside moto.dynamodb.models: during a transaction, the
    whole-table snapshot is skipped (the table itself is "restored", a no-op); our wrapper
    restores the named items instead."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value, memo=None):
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table) and getattr(_transaction, "active", False):
            return value
        return copy.deepcopy(value, memo)


def _snapshot(backend, transact_items):
    """{(table name, hash, range): deep copy of the item or None} for every item named."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = {}
    for action in transact_items if isinstance(transact_items, list) else []:
        try:
            kind, op = next(iter(action.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            if kind == "Put":
                attrs = op["Item"]
                hash_key = DynamoType(attrs[table.hash_key_attr])
                range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
            else:
                hash_key, range_key = backend.get_keys_value(table, op["Key"])
        except Exception:  # noqa: S112 - moto reports the malformed action; nothing of it is stored
            continue
        slot = (table.name, hash_key, range_key)
        if slot not in saved:
            saved[slot] = (table, copy.deepcopy(item_slot(table, hash_key, range_key)))
    return saved


def _restore(saved):
    for (_, hash_key, range_key), (table, item) in saved.items():
        if range_key is None:
            if item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        elif item is None:
            bucket = table.items.get(hash_key)
            if bucket is not None:
                bucket.pop(range_key, None)
                if not bucket:
                    del table.items[hash_key]
        else:
            table.items[hash_key][range_key] = item
        note_item(table, item)


def cheap_transaction_rollback():
    from moto.dynamodb import models

    backend_class = models.DynamoDBBackend
    original = backend_class.transact_write_items
    # Why: moto deep-copies the whole table for every action of a transaction (its rollback copy).
    models.copy = _CopyWithoutTables

    def transact_write_items(self, transact_items):
        saved = _snapshot(self, transact_items)
        _transaction.active = True
        try:
            return original(self, transact_items)
        except BaseException:
            _restore(saved)
            raise
        finally:
            _transaction.active = False

    transact_write_items.__wrapped__ = original
    backend_class.transact_write_items = transact_write_items


def backend_lookup_once():
    from moto.moto_server import werkzeug_app

    dispatcher = werkzeug_app.DomainDispatcherApplication
    original = dispatcher.get_backend_for_host
    found = {}

    def get_backend_for_host(self, host):
        # Called under the dispatcher's lock; the answer depends on the host name alone.
        if host not in found:
            found[host] = original(self, host)
        return found[host]

    get_backend_for_host.__wrapped__ = original
    # Why: moto stats ~150 folders of its package per request to map a host to a backend.
    dispatcher.get_backend_for_host = get_backend_for_host


def fast_attribute_values():
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize_type_structure

    def _serialize_type_structure(self, serialized, value, shape, key):
        members = shape.members if shape.name == "AttributeValue" else None
        transformed = getattr(self._value_picker, "response_transformers", None)
        if members is None or transformed or type(value) is not dict or not value.keys() <= members.keys():
            return original(self, serialized, value, shape, key)
        wrapper = self.MAP_TYPE() if key else serialized
        _attribute_value(self, wrapper, value, members)
        if key:
            self._default_serialize(serialized, wrapper, shape, key)

    _serialize_type_structure.__wrapped__ = original
    # Why: ~30 % of the server's CPU went to picking each member of each attribute value by shape.
    BaseJSONSerializer._serialize_type_structure = _serialize_type_structure


def _attribute_value(serializer, wrapper, value, members):
    """What the serializer writes for an AttributeValue dict: its members in the shape's order,
    each as its shape's type is written (strings, blobs, booleans, lists, maps of values)."""
    for name, member in members.items():
        member_value = value.get(name)
        if member_value is not None:
            serializer._serialize(wrapper, member_value, member, name)


ITEM_SIZE_LIMIT = 405000  # moto's (LimitedSizeDict): between DynamoDB's measured 409 and 410 KB


def item_size_checked_once():
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    original = Item.__init__

    def __init__(self, hash_key, range_key, attrs):
        self.hash_key = hash_key
        self.range_key = range_key
        values = {key: DynamoType(value) for key, value in attrs.items()}
        # moto's last __setitem__ check, made once: the whole item against its limit.
        if sum(bytesize(key) + value.size() for key, value in values.items()) > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        self.attrs = LimitedSizeDict(values)  # its constructor's update() checks nothing

    __init__.__wrapped__ = original
    # Why: a new item's size was summed again before each of its attributes (quadratic).
    Item.__init__ = __init__


def _check_moto_version():
    from importlib.metadata import version

    if version("moto") != MOTO_VERSION:
        print(
            f"devstack/moto_patches.py patches moto {MOTO_VERSION} and runs moto {version('moto')}: "
            "check the patches (docs/moto-upstream-note.md) and update MOTO_VERSION",
            file=sys.stderr,
        )


def patch_moto(store):
    """`store`: where S3 bodies live (devstack/s3_bodies.py: a BlobFile, or a recording's BlobStore)."""
    _check_moto_version()
    untrack_models()
    cheap_transaction_rollback()
    use_store(store)
    fast_queries()
    backend_lookup_once()
    fast_attribute_values()
    item_size_checked_once()
