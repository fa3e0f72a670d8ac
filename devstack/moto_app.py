"""Our moto server: moto 5.2.5's server app, patched and wrapped for a long-running local stack.

    python devstack/moto_app.py -H 127.0.0.1 -p 5000 [--recording .local/moto-recording.jsonl]

What differs from `python -m moto.server` (see docs/moto-upstream-note.md for why):

1. Model instances are not tracked. moto's `BaseModel.__new__` appends every instance ever made to
   a class list (for the /moto-api/ dashboard), so nothing moto creates is ever freed: every
   overwritten S3 object, every DynamoDB item, every rollback copy of a table.
2. TransactWriteItems rolls back by item. moto deep-copies the whole table for every action of
   every transaction (O(table) time per transaction, and the copies lived for ever through 1.).
   Here the items the transaction names are copied before it runs and put back if it fails.
3. S3 bodies live in one unlinked file on disk (`--blob-dir`), read back with pread: no memory
   and no file descriptor per object (moto's SpooledTemporaryFile keeps one open descriptor per
   object once it spills, and this machine allows 20 000).
4. Queries look only at candidate items: a base-table Query at the items of its partition, a
   Query on a global secondary index at the items indexed under its hash key (an index kept per
   table and index, verified against the items on every use). moto sorts every item of the table
   for every Query.
5. One lock around the whole app: requests run one at a time, so a transaction is atomic with
   respect to every other request (moto's are not under concurrency).
6. Our recorder (devstack/recording.py) records only committed writes, in commit order, one
   atomic line each; the recording is compacted and replayed in-process before the port opens.
"""

import argparse
import bisect
import copy
import decimal
import io
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.recording import (
    Recorder,
    compact_recording,
    entry_body,
    is_read,
    iter_recording,
    make_entry,
)

READY_PATH = "/_local/ready"


# --- 1. no instance tracking ---------------------------------------------------------------------
def untrack_models():
    from moto.core import common_models

    base = common_models.BaseModel

    def untracked_new(cls, *args, **kwargs):
        return super(base, cls).__new__(cls)

    base.__new__ = staticmethod(untracked_new)


# --- 2. per-item rollback of TransactWriteItems --------------------------------------------------
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


def _item_slot(table, hash_key, range_key):
    bucket = table.items.get(hash_key)
    if range_key is None:
        return bucket
    return bucket.get(range_key) if bucket else None


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
            saved[slot] = (table, copy.deepcopy(_item_slot(table, hash_key, range_key)))
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
        _gsi_note(table, item)


def cheap_transaction_rollback():
    from moto.dynamodb import models

    backend_class = models.DynamoDBBackend
    original = backend_class.transact_write_items
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


# --- 3. S3 bodies on disk --------------------------------------------------------------------------
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
    models.tempfile = _TempfileWithDiskBuffers()


# --- 4. Queries look at candidates only ------------------------------------------------------------
_query = threading.local()


class _Unsortable(Exception):
    """A key attribute that is not a string or a number: let moto do that Query its own way."""


def _plain(value):
    """A DynamoType key value as a Python value that sorts as moto sorts it (S and N only)."""
    if value is None:
        raise _Unsortable
    if value.type == "S":
        return value.value
    if value.type == "N":
        return decimal.Decimal(value.value)
    raise _Unsortable


class GsiIndex:
    """The items of one global secondary index, by hash key values, each list sorted as moto sorts
    a Query's results (index keys, then the table's keys). Fed by every write; an entry is checked
    against the stored item when it is read, and dropped if stale (replaced, rolled back, changed)."""

    def __init__(self, table, index):
        schema = index.schema
        self.hash_names = tuple(key["AttributeName"] for key in schema if key["KeyType"] == "HASH")
        sort_names = [key["AttributeName"] for key in schema if key["KeyType"] == "RANGE"]
        sort_names += [name for name in (table.hash_key_attr, table.range_key_attr) if name]
        self.sort_names = tuple(dict.fromkeys(sort_names))
        self.table = table
        self.buckets = {}  # hash values -> sorted [(sort key, serial)]
        self.entries = {}  # serial -> item
        self.serial_of = {}  # id(item) -> (hash values, sort key, serial)
        self.serial = 0
        self.usable = True
        for item in _all_items_unsorted(table):
            self.note(item)

    def keys_of(self, item):
        attrs = item.attrs
        if not all(attrs.get(name) for name in self.hash_names + self.sort_names[:1]):
            return None  # not in this (sparse) index
        hash_values = tuple(attrs[name] for name in self.hash_names)
        return hash_values, tuple(_plain(attrs.get(name)) for name in self.sort_names)

    def note(self, item):
        if item is None or not self.usable:
            return
        self.forget(item)
        try:
            keys = self.keys_of(item)
        except _Unsortable:
            self.usable = False
            return
        if keys is None:
            return
        self.serial += 1
        hash_values, sort_key = keys
        bisect.insort(self.buckets.setdefault(hash_values, []), (sort_key, self.serial))
        self.entries[self.serial] = item
        self.serial_of[id(item)] = (hash_values, sort_key, self.serial)

    def forget(self, item):
        known = self.serial_of.pop(id(item), None) if item is not None else None
        if known is None:
            return
        hash_values, sort_key, serial = known
        self._drop(hash_values, sort_key, serial)

    def _drop(self, hash_values, sort_key, serial):
        self.entries.pop(serial, None)
        bucket = self.buckets.get(hash_values, [])
        position = bisect.bisect_left(bucket, (sort_key, serial))
        if position < len(bucket) and bucket[position] == (sort_key, serial):
            del bucket[position]

    def _live(self, hash_values, sort_key, serial):
        """The entry's item if it is still stored with these keys; else None, and the entry is
        forgotten (the caller removes it from the bucket)."""
        item = self.entries.get(serial)
        if item is not None and _is_stored(self.table, item):
            try:
                if self.keys_of(item) == (hash_values, sort_key):
                    return item
            except _Unsortable:
                pass
        if item is not None and self.serial_of.get(id(item), (None, None, None))[2] == serial:
            del self.serial_of[id(item)]
        self.entries.pop(serial, None)
        return None

    def items(self, hash_values, limit=None, start=None, forward=True):
        """The live items under these hash values in moto's order (reversed if not forward),
        after `start` (a sort key) if given, at most `limit`."""
        bucket = self.buckets.get(hash_values, [])
        if forward:
            first = bisect.bisect_right(bucket, (start, float("inf"))) if start is not None else 0
            positions = range(first, len(bucket))
        else:
            end = bisect.bisect_left(bucket, (start, -1)) if start is not None else len(bucket)
            positions = range(end - 1, -1, -1)
        found, stale = [], []
        for position in positions:
            sort_key, serial = bucket[position]
            item = self._live(hash_values, sort_key, serial)
            if item is None:
                stale.append((sort_key, serial))
                continue
            found.append(item)
            if limit is not None and len(found) >= limit:
                break
        for sort_key, serial in stale:  # dropped after the walk: the list is not changed under it
            self._drop(hash_values, sort_key, serial)
        return found


def _gsi_indexes(table):
    return table.__dict__.setdefault("_local_gsi", {})


def _gsi_note(table, item):
    """Register an item (new, changed in place, or put back by a rollback) in the table's indexes."""
    for index in getattr(table, "_local_gsi", {}).values():
        index.note(item)


def _gsi_forget(table, item):
    for index in getattr(table, "_local_gsi", {}).values():
        index.forget(item)


def _gsi_candidates(table, index, conditions, limit, exclusive_start_key, forward):
    """The items a GSI Query has to look at, or None when moto must look at every item.

    With a limit (and no range condition, checked by the caller), only the page: limit + 1 items
    (one more tells moto there is a next page)."""
    indexes = _gsi_indexes(table)
    if index.name not in indexes:
        indexes[index.name] = GsiIndex(table, index)
    gsi = indexes[index.name]
    if not gsi.usable or set(conditions) != set(gsi.hash_names):
        return None
    hash_values = tuple(conditions[name] for name in gsi.hash_names)
    if limit is None:
        return gsi.items(hash_values)
    start = None
    if exclusive_start_key:
        from moto.dynamodb.models.dynamo_type import DynamoType

        try:
            start = tuple(_plain(DynamoType(exclusive_start_key[name])) for name in gsi.sort_names)
        except (_Unsortable, KeyError, TypeError, ValueError):
            return gsi.items(hash_values)
    return gsi.items(hash_values, limit + 1, start, forward)


def _is_stored(table, item):
    return _item_slot(table, item.hash_key, item.range_key if table.range_key_attr else None) is item


def _stored_item(table, attrs):
    """The item a Put of these attributes would replace, if any (None if the Put is malformed)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_key = DynamoType(attrs[table.hash_key_attr])
        range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    except Exception:  # malformed: moto refuses the Put
        return None
    return _item_slot(table, hash_key, range_key)


def _partition(table, hash_key):
    """The items with this hash key (what a base-table Query looks at)."""
    bucket = table.items.get(hash_key)
    if bucket is None:
        return []
    return list(bucket.values()) if table.range_key_attr else [bucket]


def _all_items_unsorted(table):
    if table.range_key_attr:
        return [item for bucket in table.items.values() for item in bucket.values()]
    return list(table.items.values())


def fast_queries():
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_all_items = Table.all_items

    def all_items(self):
        candidates = getattr(_query, "candidates", None)
        if candidates is not None:
            _query.candidates = None
            return candidates  # moto sorts what it keeps by the full key (unique) itself
        return original_all_items(self)

    def query(
        self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
        projection_expressions, index_name=None, consistent_read=False, filter_expression=None,
        hash_key_conditions=None, range_key_conditions=None, **filter_kwargs,
    ):  # fmt: skip
        candidates = None
        if index_name is None and hash_key is not None:
            candidates = _partition(self, hash_key)
        elif index_name is not None and hash_key_conditions:
            index = next((i for i in self.global_indexes or [] if i.name == index_name), None)
            if index is not None:
                paged = limit and not (range_comparison or range_key_conditions or filter_kwargs)
                candidates = _gsi_candidates(
                    self, index, dict(hash_key_conditions), limit if paged else None,
                    exclusive_start_key, scan_index_forward is not False,
                )  # fmt: skip
        _query.candidates = candidates
        try:
            return original_query(
                self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                scan_index_forward, projection_expressions, index_name, consistent_read, filter_expression,
                hash_key_conditions=hash_key_conditions, range_key_conditions=range_key_conditions,
                **filter_kwargs,
            )  # fmt: skip
        finally:
            _query.candidates = None

    Table.query = query
    Table.all_items = all_items

    # Every way an item enters a table, leaves it or changes in place feeds the GSI indexes.
    original_put = Table.put_item
    original_delete = Table.delete_item

    def put_item(self, item_attrs, *args, **kwargs):
        before = _stored_item(self, item_attrs)
        item = original_put(self, item_attrs, *args, **kwargs)
        if before is not None and before is not item:
            _gsi_forget(self, before)
        _gsi_note(self, item)
        return item

    def delete_item(self, hash_key, range_key):
        item = original_delete(self, hash_key, range_key)
        _gsi_forget(self, item)
        return item

    Table.put_item = put_item
    Table.delete_item = delete_item
    original_update = models.DynamoDBBackend.update_item

    def update_item(self, table_name, *args, **kwargs):
        item = original_update(self, table_name, *args, **kwargs)
        _gsi_note(self.get_table(table_name), item)
        return item

    models.DynamoDBBackend.update_item = update_item


def _check_moto_version():
    from importlib.metadata import version

    if version("moto") != "5.2.5":
        print(
            f"devstack/moto_app.py patches moto 5.2.5 and runs moto {version('moto')}: "
            "check the patches (docs/moto-upstream-note.md) and update this check",
            file=sys.stderr,
        )


def patch_moto(blob_dir=None):
    _check_moto_version()
    untrack_models()
    cheap_transaction_rollback()
    s3_bodies_on_disk(blob_dir)
    fast_queries()


# --- 5 and 6. the lock and the recorder ------------------------------------------------------------
def _read_body(environ):
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length and not environ.get("wsgi.input_terminated"):
        return stream.read(int(length))
    if environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", ""):
        return stream.read()
    return b""


def _is_long_poll(environ, body):
    """An SQS ReceiveMessage (JSON protocol by target, query protocol by action)."""
    return environ.get("HTTP_X_AMZ_TARGET", "") == "AmazonSQS.ReceiveMessage" or (
        b"Action=ReceiveMessage" in body[:4096]
    )


class LocalApp:
    """moto's app behind one lock (SQS long polls aside), recording each committed write."""

    def __init__(self, app, recorder=None):
        self.app = app
        self.recorder = recorder
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == READY_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ready"]
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        if _is_long_poll(environ, body):
            # An SQS long poll waits up to 20 s for a message: under the lock it would stop every
            # other request (pages, uploads) that long. It changes no S3 or DynamoDB state and
            # compaction drops it from the recording anyway.
            return self.call(environ, start_response)[1]
        with self.lock:
            status, chunks = self.call(environ, start_response)
            if self.recorder is not None and 200 <= status < 300:
                entry = self._entry(environ, body, status)
                if not is_read(entry) and not entry["url"].partition("/moto-api/recorder")[1]:
                    self.recorder.append(entry)
        return chunks

    def call(self, environ, start_response):
        """Run the app to the end of its answer (under the lock): (status, body chunks)."""
        statuses = []

        def capture(status, headers, exc_info=None):
            statuses.append(int(status.split(None, 1)[0]))
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            chunks = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return statuses[-1], chunks

    @staticmethod
    def _entry(environ, body, status):
        from moto.core.request import Request

        request = Request(environ)
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in ("transfer-encoding", "expect", "content-length")
        }
        return make_entry(request.method, request.raw_url, headers, body, status)

    def replay(self, entries, base_url):
        """Send recorded entries through the app, in order; returns (replayed, failed)."""
        from urllib.parse import urlsplit

        from werkzeug.test import EnvironBuilder

        replayed = failed = 0
        for entry in entries:
            replayed += 1
            parts = urlsplit(entry.get("url") or "/")
            headers = {
                name: value
                for name, value in (entry.get("headers") or {}).items()
                if name.lower() not in ("transfer-encoding", "expect", "content-length", "host")
            }
            body = entry_body(entry)
            builder = EnvironBuilder(
                path=parts.path or "/",
                base_url=base_url,
                query_string=parts.query,
                method=entry.get("method") or "GET",
                headers=headers,
                data=body,
            )
            try:
                environ = builder.get_environ()
            finally:
                builder.close()
            environ["RAW_URI"] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            with self.lock:
                status, _ = self.call(environ, lambda *args: None)
            if not 200 <= status < 300:
                failed += 1
        return replayed, failed


def raise_open_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def build_app(recording=None, blob_dir=None, base_url="http://127.0.0.1:5000"):
    """The patched moto app, its recording replayed: (LocalApp, summary line or None)."""
    os.environ.setdefault("MOTO_S3_DEFAULT_KEY_BUFFER_SIZE", str(64 * 1024))
    patch_moto(blob_dir)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = LocalApp(DomainDispatcherApplication(create_backend_app))
    summary = None
    if recording:
        recording = Path(recording)
        started = time.monotonic()
        compact_recording(recording)
        replayed, failed = app.replay(iter_recording(recording), base_url)
        summary = (
            f"replayed {replayed} recorded writes from {recording} in {time.monotonic() - started:.1f}s"
            + (f"; {failed} of them failed again (see the log)" if failed else "")
        )
        app.recorder = Recorder(recording)
    return app, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    parser.add_argument("--recording", help="JSON-lines file of committed writes (replayed on start)")
    parser.add_argument("--blob-dir", help="directory for the S3 bodies' file (default: $TMPDIR)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    raise_open_file_limit()

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    app, summary = build_app(args.recording, args.blob_dir, f"http://{args.host}:{args.port}")
    if summary:
        print(summary, flush=True)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"moto (devstack/moto_app.py) on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if app.recorder:
            app.recorder.close()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    main()
