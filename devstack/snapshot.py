"""A snapshot of moto's state, so a restart costs per item held, not per write ever recorded.

The recording (devstack/recording.py) stays the source of truth; a snapshot is a shortcut into
it: moto's backends (buckets and keys pointing at blobs, tables, queues) pickled together with the
recording's length at that moment. A start that finds a snapshot matching its recording loads it
and replays only the entries after that length (the tail: the writes since the snapshot, e.g.
before a kill -9). Anything else (no snapshot, another moto version, a recording rewritten or
cut short since, a snapshot that does not load) falls back to replaying the whole recording.

- Written under the server's request lock (no write half done; the recording fsynced first), to
  a temporary file, fsynced, renamed, the folder fsynced: a crash leaves the old snapshot or the
  new one, never part of one.
- Which recording it belongs to: the file's inode and a digest of the bytes before its offset,
  so a compacted (rewritten) or truncated recording does not match.
- S3 bodies are not in it: a key is pickled with its blob's digest and size (moto's own pickling
  of a key would read its bytes). Locks and conditions are made anew on load.
- The GSI indexes of devstack/moto_queries.py are left out (they key items by id()); the first
  Query of an index builds it again.
"""

import contextlib
import copyreg
import gc
import hashlib
import io
import os
import pickle
import threading
from pathlib import Path

FORMAT = 1
_CHECKED_BYTES = 4096  # the recording's bytes before the offset that must match
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()), threading.Condition, threading.Event)


@contextlib.contextmanager
def _no_gc():
    """The cycle collector off while (un)pickling millions of objects, none of them garbage: it
    would otherwise walk them all again and again as they are made (a quarter of a load's CPU)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def snapshot_path(recording):
    recording = Path(recording)
    return recording.with_name(recording.stem + ".snapshot")


def _moto_version():
    from importlib.metadata import version

    return version("moto")


def _tail_digest(fd, offset):
    start = max(0, offset - _CHECKED_BYTES)
    return hashlib.sha256(os.pread(fd, offset - start, start)).hexdigest()


def _identity(recording, offset):
    """What ties a snapshot to its recording: inode and a digest of the bytes before `offset`
    (None if the recording is shorter than that)."""
    fd = os.open(recording, os.O_RDONLY)
    try:
        stat = os.fstat(fd)
        if stat.st_size < offset:
            return None
        return {"inode": stat.st_ino, "offset": offset, "digest": _tail_digest(fd, offset)}
    finally:
        os.close(fd)


# --- pickling moto's objects without their bytes and locks ----------------------------------------
def _rebuild(cls, state, locks):
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    for name, kind in locks.items():
        setattr(obj, name, kind())
    return obj


def _lock_kind(value):
    if isinstance(value, threading.Condition):
        return threading.Condition
    if isinstance(value, threading.Event):
        return threading.Event
    return threading.RLock if isinstance(value, type(threading.RLock())) else threading.Lock


def _reduce_without_locks(obj):
    state, locks = {}, {}
    for name, value in obj.__dict__.items():
        if isinstance(value, _LOCK_TYPES):
            locks[name] = _lock_kind(value)
        else:
            state[name] = value
    return _rebuild, (type(obj), state, locks)


def _subclasses(cls):
    found = [cls]
    for sub in cls.__subclasses__():
        found += _subclasses(sub)
    return found


def _dispatch_table():
    """moto's classes that hold locks or a key's bytes, pickled by their attributes (a key's
    `_value_buffer` is a devstack.s3_bodies.DiskBuffer: a digest and a size)."""
    from moto.s3.models import FakeKey
    from moto.sqs.models import Queue

    table = copyreg.dispatch_table.copy()
    for cls in _subclasses(FakeKey) + _subclasses(Queue):
        table[cls] = _reduce_without_locks
    return table


def _backends():
    """{service name: moto's BackendDict} for every service that holds state."""
    from moto.core.base_backend import BackendDict

    return {backend.service_name: backend for backend in BackendDict._instances if len(backend)}


def _set_aside_indexes():
    """Take the GSI indexes off every table (put back by the caller): they key items by id()."""
    from moto.dynamodb.models import dynamodb_backends

    taken = []
    for account in list(dynamodb_backends.values()):
        for backend in list(account.values()):
            for table in list(backend.tables.values()):
                if "_local_gsi" in table.__dict__:
                    taken.append((table, table.__dict__.pop("_local_gsi")))
    return taken


def write_snapshot(recording, recorder_fd=None, origins=None):
    """Snapshot moto's state as of the recording's current end. The caller holds the request lock
    (or the port is not open yet). `origins`: the queue ledger's MessageId -> origin map.
    Returns the snapshot's size in bytes."""
    recording, target = Path(recording), snapshot_path(recording)
    if recorder_fd is not None:
        os.fsync(recorder_fd)  # the snapshot never gets ahead of the recording on disk
    identity = _identity(recording, recording.stat().st_size)
    header = {"format": FORMAT, "moto": _moto_version(), **identity}
    temporary = target.with_name(target.name + ".tmp")
    buffer = pickled_backends(origins=dict(origins or {}))
    with temporary.open("wb") as out:
        pickle.dump(header, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(buffer.getbuffer())
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return target.stat().st_size


def load_snapshot(recording):
    """Load the recording's snapshot into moto's backends: (offset, origins), or (None, reason)
    when there is none that matches (then nothing was loaded)."""
    target = snapshot_path(recording)
    if not target.exists() or not Path(recording).exists():
        return None, "no snapshot"
    try:
        with target.open("rb") as source:
            header = pickle.load(source)  # noqa: S301 - our own file, written by write_snapshot
            if header.get("format") != FORMAT or header.get("moto") != _moto_version():
                return None, "snapshot of another format or moto version"
            expected = {key: header[key] for key in ("inode", "offset", "digest")}
            if _identity(recording, header["offset"]) != expected:
                return None, "snapshot of another recording (rewritten or cut short since)"
            with _no_gc():
                payload = pickle.load(source)  # noqa: S301 - idem
    except Exception as error:  # any unreadable snapshot: the full replay is the answer
        return None, f"snapshot unreadable ({type(error).__name__}: {error})"
    install_backends(payload["state"])
    return header["offset"], payload["origins"]


def pickled_backends(**extra):
    """moto's backends, {"state": ..., **extra} pickled into a BytesIO. The caller holds the
    request lock (or the port is not open yet)."""
    taken = _set_aside_indexes()
    try:
        state = {name: dict(backend) for name, backend in _backends().items()}
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _dispatch_table()
        with _no_gc():
            pickler.dump({"state": state, **extra})
    finally:
        for table, indexes in taken:
            table.__dict__["_local_gsi"] = indexes
    return buffer


def install_backends(state):
    """Put unpickled backends ({service name: {account: backend}}) in moto's place."""
    from moto.backends import get_backend
    from moto.core.base_backend import BackendDict

    for name, accounts in state.items():
        backend = get_backend(name)
        backend.clear()
        backend.update(accounts)
        if backend not in BackendDict._instances:
            BackendDict._instances.append(backend)
    if "s3" in state:
        # Which account holds a bucket's name: set by FakeBucket.__init__, which unpickling skips.
        from moto.s3.models import s3_backends

        for account_id, by_partition in state["s3"].items():
            for backend in by_partition.values():
                for bucket in backend.buckets.values():
                    s3_backends.bucket_accounts[bucket.name] = (bucket.partition, account_id)


def forget_deleted_messages(deleted, origins):
    """Messages the snapshot holds whose origin a later delete names leave their queue; the rest
    become visible at once (their receipt handles were an earlier server's), as after a replay."""
    from moto.sqs.models import sqs_backends

    removed = 0
    for account in list(sqs_backends.values()):
        for backend in list(account.values()):
            for queue in list(backend.queues.values()):
                kept = [m for m in queue._messages if origins.get(m.id, m.id) not in deleted]
                removed += len(queue._messages) - len(kept)
                for message in kept:
                    message.visible_at = 0.0
                queue._messages = kept
    return removed
