"""Our moto server's WSGI app: moto's app behind one lock, recording each committed write.

- One lock around every request (SQS long polls aside): requests run one at a time, so a
  transaction is atomic with respect to every other request (moto's are not under concurrency).
- Only writes that succeeded are recorded (devstack/recording.py), after they took effect and
  before their answer is sent, while the lock is held: the recording's order is the commit order,
  and every answer a client got is on disk first (in the page cache: it survives kill -9 of any
  process, not a power cut).
- SQS messages are recorded so that a replay sends no deleted message again
  (devstack/queue_ledger.py).
- The bytes of an S3 object a write created go to the blob store, not the recording; the entry
  names them (devstack/s3_bodies.py).
- `replay` sends a recording's entries through the same app before the server opens its port.
"""

import io
import json
import pickle
import re
import sys
import threading
import time
from urllib.parse import urlsplit

from devstack.queue_ledger import QueueLedger
from devstack.recording import entry_body, is_read, make_entry
from devstack.s3_bodies import BODY_FIELD, DiskBuffer, created_objects, recorded_body
from devstack.snapshot import install_backends, pickled_backends, write_snapshot

READY_PATH = "/_local/ready"  # answered once the replay is done (devstack/local_aws.py waits for it)
# The mail moto's SES accepted (SendRawEmail), as JSON: what the deploy rehearsal's users read.
SENT_MAIL_PATH = "/_local/ses/sent"
# The tests' clean slate (conftest.py's `aws`): POST CHECKPOINT_PATH?<key> keeps moto's state in
# memory; POST RESTORE_PATH?<key> resets moto and puts that state back (404: none under that key).
# One request instead of a reset and init_aws's ~14 calls before every test.
CHECKPOINT_PATH = "/_local/checkpoint"
RESTORE_PATH = "/_local/restore"
# Recorded writes between two snapshots while serving, at least: what a start after a kill -9
# replays at most (~3 s of CPU for 1 000). And at most a tenth of the time in snapshots: one takes
# ~1.4 s of CPU at 10 000 photos (devstack/snapshot.py, docs/benchmarks.md).
SNAPSHOT_EVERY = 1000
SNAPSHOT_SHARE = 0.1


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


def sent_mail():
    """[{"source", "destinations", "raw"}] of every raw mail moto's SES accepted, oldest first
    (moto keeps them in its backends: ses_backend.sent_messages, its documented way to look)."""
    from moto.ses.models import ses_backends

    return [
        {"source": message.source, "destinations": message.destinations, "raw": message.raw_data}
        for regions in ses_backends.values()
        for backend in regions.values()
        for message in backend.sent_messages
        if hasattr(message, "raw_data")
    ]


class LocalApp:
    """moto's app behind one lock (SQS long polls aside), recording each committed write."""

    def __init__(self, app, recorder=None, ledger=None):
        self.app = app
        self.recorder = recorder
        self.ledger = ledger or QueueLedger()
        self.lock = threading.Lock()
        self.checkpoints = {}  # key -> moto's pickled backends (CHECKPOINT_PATH)
        self.since_snapshot = 0
        self.snapshot_done, self.snapshot_took = time.monotonic(), 0.0

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == READY_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ready"]
        if environ.get("PATH_INFO") == SENT_MAIL_PATH:
            with self.lock:
                answer = json.dumps(sent_mail()).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [answer]
        if environ.get("PATH_INFO") in (CHECKPOINT_PATH, RESTORE_PATH):
            return self._checkpoint(environ, start_response)
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if _is_long_poll(environ, body):
            # An SQS long poll waits up to 20 s for a message: under the lock it would stop every
            # other request (pages, uploads) that long. It changes no S3 or DynamoDB state and is
            # not recorded; its answer tells the ledger which receipt handle names which message.
            status, chunks = self.call(environ, start_response)
            if 200 <= status < 300:
                self.ledger.note_answer(target, body, b"".join(chunks))
            return chunks
        with self.lock:
            with created_objects() as created:
                status, chunks = self.call(environ, start_response)
            if self.recorder is not None and 200 <= status < 300:
                # The object's bytes are already in the blob store (fsynced): the entry names them.
                s3_body, body = recorded_body(created, body)
                entry = self._entry(environ, body, status)
                if s3_body:
                    entry[BODY_FIELD] = s3_body
                # moto's own recorder's endpoints: never replayed (a replay would run another one).
                if not is_read(entry) and not entry["url"].partition("/moto-api/recorder")[1]:
                    self.ledger.note_answer(target, body, b"".join(chunks), entry)
                    self.recorder.append(entry)
                    self.since_snapshot += 1
                    if self._snapshot_due():
                        self._snapshot_locked()
        return chunks

    def _checkpoint(self, environ, start_response):
        key = environ.get("QUERY_STRING", "")
        with self.lock:
            if self.recorder is not None:  # a state the recording does not hold: not for make run
                status = "403 Forbidden"
            elif environ["PATH_INFO"] == CHECKPOINT_PATH:
                self.checkpoints[key] = pickled_backends().getvalue()
                status = "204 No Content"
            elif key in self.checkpoints:
                from moto.moto_api._internal.models import moto_api_backend

                moto_api_backend.reset()  # as POST /moto-api/reset: every service, SES's mail too
                install_backends(pickle.loads(self.checkpoints[key])["state"])  # noqa: S301 - our own
                status = "204 No Content"
            else:
                status = "404 Not Found"
        start_response(status, [("Content-Type", "text/plain")])
        return []

    def snapshot(self):
        """Snapshot moto's state as of the recording's end (devstack/snapshot.py)."""
        with self.lock:
            self._snapshot_locked()

    def _snapshot_due(self):
        since = time.monotonic() - self.snapshot_done
        return self.since_snapshot >= SNAPSHOT_EVERY and self.snapshot_took <= SNAPSHOT_SHARE * since

    def _snapshot_locked(self):
        self.since_snapshot = 0
        started = time.monotonic()
        try:
            size = write_snapshot(self.recorder.path, self.recorder.fileno(), self.ledger.origins())
            self.snapshot_done = time.monotonic()
            self.snapshot_took = self.snapshot_done - started
            message = f"snapshot written: {size / 2**20:.1f} MB in {self.snapshot_took:.2f}s"
            print(message, file=sys.stderr, flush=True)  # into moto.log; stdout is the summary
        except Exception as error:  # the recording has every write: the next start replays it
            message = f"snapshot not written ({type(error).__name__}: {error}); the next start replays more"
            print(message, file=sys.stderr, flush=True)

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

    def replay(self, entries, base_url, converted=None):
        """Send recorded entries through the app, in order: {"replayed", "failed", "reads",
        "skipped", "missing"} (reads: only recordings of moto's own recorder hold them; skipped:
        what the queue ledger leaves out; missing: bodies named but not in the blob store).
        An entry with `s3_body` is sent without the object's bytes and its key pointed at the
        blob. `converted` (a dict), if given, gets {index: (s3_body, body without the object)}
        for the entries of an older recording that held an object's bytes inline."""
        counts = {"replayed": 0, "failed": 0, "reads": 0, "skipped": 0, "missing": 0}
        uploads = MultipartUploads()
        for index, entry in enumerate(entries):
            if is_read(entry):
                counts["reads"] += 1
                continue
            if not self.ledger.replays(entry):
                counts["skipped"] += 1
                continue
            counts["replayed"] += 1
            recorded = entry.get(BODY_FIELD)
            if recorded and recorded.get("sha256") and not _stored(recorded["sha256"]):
                counts["missing"] += 1
            entry = uploads.renamed(entry)
            with self.lock, created_objects(replaying=recorded) as created:
                status, chunks = self.call(_environ_of(entry, base_url), lambda *args: None)
            if 200 <= status < 300:
                uploads.started(entry, b"".join(chunks))
                self.ledger.sent_again(entry, b"".join(chunks))
                if recorded is None and created and converted is not None:
                    s3_body, body = recorded_body(created, entry_body(entry))
                    if s3_body:
                        converted[index] = (s3_body, body)
            else:
                counts["failed"] += 1
        return counts


class MultipartUploads:
    """A multipart upload (the worker's zip archives) replayed: CreateMultipartUpload gets a new
    UploadId from the new server, so the recorded parts and the completion, which name the old
    one, are sent with the new one. The old id is first seen on the first part after the create
    of the same key (entries are in commit order)."""

    _ID = re.compile(r"(?<=[?&]uploadId=)[^&]+")

    def __init__(self):
        self.new_ids = {}  # old UploadId: the replay's
        self.latest = {}  # path: UploadId the replay's last create of that key got

    def renamed(self, entry):
        url = entry.get("url") or ""
        match = self._ID.search(url)
        if not match:
            return entry
        old, path = match.group(0), urlsplit(url).path
        new = self.new_ids.setdefault(old, self.latest.get(path, old))
        return {**entry, "url": self._ID.sub(new, url, count=1)}

    def started(self, entry, answer):
        url = entry.get("url") or ""
        query = urlsplit(url).query.split("&")
        if entry.get("method") == "POST" and ("uploads" in query or "uploads=" in query):
            found = re.search(rb"<UploadId>([^<]+)</UploadId>", answer)
            if found:
                self.latest[urlsplit(url).path] = found.group(1).decode()


def _stored(digest):
    exists = getattr(DiskBuffer.blobs, "exists", None)
    return exists is None or exists(digest)


def _environ_of(entry, base_url):
    """The WSGI environ of a recorded request."""
    from urllib.parse import urlsplit

    from werkzeug.test import EnvironBuilder

    parts = urlsplit(entry.get("url") or "/")
    headers = {
        name: value
        for name, value in (entry.get("headers") or {}).items()
        if name.lower() not in ("transfer-encoding", "expect", "content-length", "host")
    }
    builder = EnvironBuilder(
        path=parts.path or "/",
        base_url=base_url,
        query_string=parts.query,
        method=entry.get("method") or "GET",
        headers=headers,
        data=entry_body(entry),
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    environ["RAW_URI"] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return environ
