"""Where moto's S3 object bodies live (patch 3 of devstack/moto_patches.py), and how a recording
names them instead of holding them.

- Without a recording (tests, benches): one unlinked append-only file (`BlobFile`), read back with
  pread; moto's SpooledTemporaryFile kept one open descriptor per object once it spilled.
- With a recording (`make run`): a content-addressed store beside it (`BlobStore`,
  `<recording stem>.blobs/<sha256>`). A body is written to a temporary file, fsynced, renamed to its
  digest and the directory fsynced *before* moto's key points at it, so before the recording's
  entry naming it is appended: no crash (kill -9 or power cut) leaves an entry naming a missing
  blob. The same bytes are stored once (a copy, the direct upload's object and its original).
- The recording's entry of a write that created an object (PUT, POST upload, copy) carries
  `s3_body` {sha256, size, offset, etag} and its request body *without* the object's bytes (cut
  out at `offset`). A replay sends that small body through moto, then points the new key at the
  blob: no byte of a body is read, hashed or copied, so a restart costs per request, not per byte.
- A blob no key points at (an object deleted or overwritten, a write cut short by a crash) stays
  until the next compaction, which runs only before a server opens its port, under the
  recording's lock (devstack/moto_app.py).
"""

import hashlib
import os
import tempfile
import threading
from pathlib import Path

BODY_FIELD = "s3_body"


def blobs_dir(recording):
    """The blob store of a recording: `.local/moto-recording.blobs/` for `make run`'s."""
    recording = Path(recording)
    return recording.with_name(recording.stem + ".blobs")


def _write_all(fd, data, position=None):
    view = memoryview(data)
    while view:
        written = os.write(fd, view) if position is None else os.pwrite(fd, view, position)
        view = view[written:]
        if position is not None:
            position += written
    return position


class BlobFile:
    """One append-only unlinked file holding every S3 body; a body is named by its offset.
    Space of overwritten or deleted objects is not reused (a restart starts a new file)."""

    def __init__(self, directory=None):
        # Open for the life of the server; unlinked, so its space is freed when the server ends.
        self._file = tempfile.TemporaryFile(dir=directory, prefix="moto-s3-bodies-")  # noqa: SIM115
        self._fd = self._file.fileno()
        self._end = 0
        self._lock = threading.Lock()

    def put(self, data):
        with self._lock:
            offset = self._end
            self._end = _write_all(self._fd, data, offset)
            return offset

    def read(self, ref, offset, length):
        return os.pread(self._fd, length, ref + offset) if length else b""


class BlobStore:
    """Bodies as files named by their SHA-256, each written whole and fsynced before it is named."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, digest):
        return self.directory / digest

    def exists(self, digest):
        return self.path(digest).exists()

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        temporary = self.directory / f".tmp-{digest}-{os.getpid()}-{threading.get_ident()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, data)
            os.fsync(fd)  # the bytes are on disk before the name is
        finally:
            os.close(fd)
        os.replace(temporary, target)
        self.sync_directory()  # the name is on disk before any entry naming it
        return digest

    def sync_directory(self):
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self, digest, offset, length):
        if not length:
            return b""
        fd = os.open(self.path(digest), os.O_RDONLY)
        try:
            return os.pread(fd, length, offset)
        finally:
            os.close(fd)

    def names(self):
        """Every file in the store: blobs and temporary files left by a crash."""
        return {entry.name: entry.stat().st_size for entry in os.scandir(self.directory)}

    def remove(self, name):
        self.path(name).unlink(missing_ok=True)


class DiskBuffer:
    """The part of SpooledTemporaryFile that moto's FakeKey uses: a body kept in the store as
    `(ref, length)` (ref None: empty)."""

    blobs = None  # the BlobFile or BlobStore, set by use_store

    def __init__(self, max_size=0, *args, **kwargs):
        self._ref, self._length, self._position = None, 0, 0
        self.closed = False

    @classmethod
    def of(cls, ref, length):
        buffer = cls()
        buffer._ref, buffer._length = ref, length
        return buffer

    @property
    def ref(self):
        return self._ref

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
        if end <= self._position or self._ref is None:
            return b""
        data = self.blobs.read(self._ref, self._position, end - self._position)
        self._position = end
        return data

    def truncate(self, size=None):
        self._check()
        self._length = min(self._length, self._position if size is None else size)
        if not self._length:
            self._ref = None
        return self._length

    def write(self, data):
        self._check()
        data = bytes(data)
        if not data:
            return 0
        if self._position == 0 and len(data) >= self._length:
            whole = data  # the usual case: the whole body at once
        else:
            self.seek(0)
            current = self.read().ljust(self._position, b"\0")
            whole = current[: self._position] + data + current[self._position + len(data) :]
        self._ref = self.blobs.put(whole)
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


# --- which objects a request created, and replaying them without their bytes ----------------------
_request = threading.local()


class created_objects:
    """`with created_objects() as created:` lists the (key, stored bytes) that moto's put_object
    made meanwhile in this thread; `replaying=` the recorded s3_body of the entry being replayed:
    the new key then points at its blob and a copy reads no source bytes."""

    def __init__(self, replaying=None):
        self.replaying = replaying
        self.created = []

    def __enter__(self):
        _request.current = self
        return self.created

    def __exit__(self, *exc_info):
        _request.current = None


def _current():
    return getattr(_request, "current", None)


def point_at_blob(key, body):
    """Make a key moto just created hold the recorded body: no bytes read or written."""
    key._value_buffer = DiskBuffer.of(body.get("sha256"), body["size"])
    key.contentsize = body["size"]
    key._etag = body.get("etag")


def use_store(store):
    """Patch 3: moto's S3 bodies in `store`; put_object and copy_object noted and replayable."""
    from moto.s3 import models

    DiskBuffer.blobs = store
    # Why: moto's SpooledTemporaryFile holds one file descriptor per stored object once it spills.
    models.tempfile = _TempfileWithDiskBuffers()
    backend = models.S3Backend
    put_object, copy_object = backend.put_object, backend.copy_object

    def noted_put_object(self, bucket_name, key_name, value, *args, **kwargs):
        new_key = put_object(self, bucket_name, key_name, value, *args, **kwargs)
        current = _current()
        if current is not None:
            if current.replaying:
                point_at_blob(new_key, current.replaying)
            current.created.append((new_key, value))
        return new_key

    def copy_object_reading_no_bytes(self, src_key, *args, **kwargs):
        current = _current()
        if current is None or not current.replaying:
            return copy_object(self, src_key, *args, **kwargs)
        # A replayed copy: the recorded body is attached to the new key; the source's bytes are
        # not needed (nor read: it would cost a read of the whole object at every start).
        real = src_key._value_buffer
        src_key._value_buffer = DiskBuffer()
        try:
            return copy_object(self, src_key, *args, **kwargs)
        finally:
            src_key._value_buffer = real

    noted_put_object.__wrapped__ = put_object
    copy_object_reading_no_bytes.__wrapped__ = copy_object
    backend.put_object = noted_put_object
    backend.copy_object = copy_object_reading_no_bytes


def recorded_body(created, request_body):
    """(s3_body, request body without the object's bytes) for an entry whose request created one
    object in a BlobStore; (None, request_body) otherwise (the body stays in the entry)."""
    if len(created) != 1:
        return None, request_body
    key, value = created[0]
    buffer = key._value_buffer
    if not isinstance(buffer, DiskBuffer) or buffer.ref is None or not isinstance(buffer.ref, str):
        return None, request_body
    value = value.encode() if isinstance(value, str) else bytes(value or b"")
    offset = None
    if value and request_body == value:
        offset = 0
    elif value:
        offset = _file_in_form(request_body, value)
    body = {"sha256": buffer.ref, "size": key.contentsize, "etag": key.etag.strip('"'), "offset": offset}
    if offset is None:
        # A copy (no body), or bytes not found as they are (aws-chunked): the body stays as it is.
        return body, request_body
    return body, request_body[:offset] + request_body[offset + len(value) :]


def _file_in_form(form, value):
    """Where `value` is in a POST upload's multipart form as the file, or None. S3 takes the file
    as the form's last part: its bytes end where the closing delimiter (the last CRLF "--")
    starts, right after the part's headers (CRLF CRLF). The same bytes elsewhere (a field's
    value) are not it."""
    end = form.rfind(b"\r\n--")
    offset = end - len(value)
    if offset >= 4 and form[offset - 4 : offset] == b"\r\n\r\n" and form[offset:end] == value:
        return offset
    return None


def live_blobs():
    """The digests of every object body moto holds now (every version of every key)."""
    from moto.s3.models import s3_backends

    digests = set()
    for regions in list(s3_backends.values()):
        for backend in list(regions.values()):
            for bucket in list(backend.buckets.values()):
                for name in list(bucket.keys.keys()):
                    for key in bucket.keys.getlist(name):
                        ref = getattr(getattr(key, "_value_buffer", None), "ref", None)
                        if isinstance(ref, str):
                            digests.add(ref)
    return digests
