"""The patches our moto server makes to moto 5.2.5's internals, each for a fault measured with
`python -m moto.server` (docs/moto-upstream-note.md, bench/local_stack.py). Nothing else of moto is
changed; its own code still parses, checks and answers every request.

1. Model instances are not tracked: `BaseModel.__new__` appends every instance ever made to a class
   list (for the /moto-api/ dashboard), so nothing is ever freed (every overwritten S3 object, every
   DynamoDB item, every rollback copy of a table).
2. TransactWriteItems rolls back by item: moto deep-copies the whole table for every action of every
   transaction (O(table) per transaction). The items the transaction names are copied instead.
3. S3 bodies live in one unlinked file on disk, read back with pread: moto's SpooledTemporaryFile
   keeps one open file descriptor per object once it spills to disk.
4. Queries look at candidate items only (devstack/moto_queries.py).
"""

import copy
import os
import sys
import tempfile
import threading

from devstack.moto_queries import fast_queries, item_slot, note_item

MOTO_VERSION = "5.2.5"


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


class BlobFile:
    """One append-only unlinked file holding every S3 body; bodies are (offset, length) in it.
    Space of overwritten or deleted objects is not reused (a restart starts a new file)."""

    def __init__(self, directory=None):
        # Open for the life of the server; unlinked, so its space is freed when the server ends.
        self._file = tempfile.TemporaryFile(dir=directory, prefix="moto-s3-bodies-")  # noqa: SIM115
        self._fd = self._file.fileno()
        self._end = 0
        self._lock = threading.Lock()

    def append(self, data):
        with self._lock:
            offset = self._end
            view = memoryview(data)
            position = offset
            while view:
                written = os.pwrite(self._fd, view, position)
                view, position = view[written:], position + written
            self._end = position
            return offset

    def read(self, offset, length):
        return os.pread(self._fd, length, offset) if length else b""


class DiskBuffer:
    """The part of SpooledTemporaryFile that moto's FakeKey uses, kept in a BlobFile."""

    blobs = None  # set by s3_bodies_on_disk

    def __init__(self, max_size=0, *args, **kwargs):
        self._offset, self._length, self._position = 0, 0, 0
        self.closed = False

    def _check(self):
        if self.closed:
            raise ValueError("I/O operation on closed file.")

    def seek(self, position, whence=0):
        self._check()
        base = {0: 0, 1: self._position, 2: self._length}[whence]
        self._position = max(0, base + position)
        return self._position

    def tell(self):
        self._check()
        return self._position

    def read(self, size=-1):
        self._check()
        end = self._length if size is None or size < 0 else min(self._length, self._position + size)
        if end <= self._position:
            return b""
        data = self.blobs.read(self._offset + self._position, end - self._position)
        self._position = end
        return data

    def truncate(self, size=None):
        self._check()
        self._length = min(self._length, self._position if size is None else size)
        return self._length

    def write(self, data):
        self._check()
        data = bytes(data)
        if self._position == 0 and len(data) >= self._length:
            self._offset = self.blobs.append(data)  # the usual case: the whole body at once
        else:
            current = self.blobs.read(self._offset, self._length)
            current = current.ljust(self._position, b"\0")
            joined = current[: self._position] + data + current[self._position + len(data) :]
            self._offset = self.blobs.append(joined)
        self._length = max(self._length, self._position + len(data))
        self._position += len(data)
        return len(data)

    def flush(self):
        pass

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class _TempfileWithDiskBuffers:
    def __init__(self):
        self.SpooledTemporaryFile = DiskBuffer

    def __getattr__(self, name):
        return getattr(tempfile, name)


def s3_bodies_on_disk(directory=None):
    from moto.s3 import models

    DiskBuffer.blobs = BlobFile(directory)
    # Why: moto's SpooledTemporaryFile holds one file descriptor per stored object once it spills.
    models.tempfile = _TempfileWithDiskBuffers()


def _check_moto_version():
    from importlib.metadata import version

    if version("moto") != MOTO_VERSION:
        print(
            f"devstack/moto_patches.py patches moto {MOTO_VERSION} and runs moto {version('moto')}: "
            "check the patches (docs/moto-upstream-note.md) and update MOTO_VERSION",
            file=sys.stderr,
        )


def patch_moto(blob_dir=None):
    _check_moto_version()
    untrack_models()
    cheap_transaction_rollback()
    s3_bodies_on_disk(blob_dir)
    fast_queries()
