"""The local stack's recording: one JSON line per committed write, replayed on start.

The format is moto's recorder's (headers, method, url, base64 body), so older recordings made by
moto's own recorder still load. Ours differ in what they hold and how they are written:

- only writes that succeeded (a 2xx answer) are recorded, after they took effect and while the
  server's request lock is held, so the file's order is the commit order;
- each entry is one `os.write` of the whole line to a file opened with O_APPEND, so two entries
  can never share a line;
- reading is forgiving: a line holding several entries (what moto's recorder leaves after
  concurrent requests) is split into them, and a line that is not JSON at all (a write torn by a
  crash or a full disk) is set aside in `<recording>.damaged` with a warning naming the line, and
  every other entry is replayed.

This module does not import moto: `devstack.local_aws` (loaded by pytest before Django) uses it.
"""

import base64
import json
import os
import sys
from pathlib import Path

# DynamoDB and SQS operations (X-Amz-Target suffixes) that only read, or need no replay.
DYNAMODB_READS = {
    "BatchGetItem",
    "DescribeContinuousBackups",
    "DescribeTable",
    "DescribeTimeToLive",
    "GetItem",
    "ListTables",
    "ListTagsOfResource",
    "Query",
    "Scan",
    # SQS (the job queue): replaying a worker's long polls would wait 20 s each. What a replay
    # does with messages: devstack/queue_ledger.py.
    "GetQueueAttributes",
    "GetQueueUrl",
    "ReceiveMessage",
}


def is_read(entry):
    """Whether a recorded request only reads (nothing to replay)."""
    if entry.get("method") in ("GET", "HEAD", "OPTIONS"):
        return True
    headers = {name.lower(): value for name, value in (entry.get("headers") or {}).items()}
    target = headers.get("x-amz-target", "")
    return target.rpartition(".")[2] in DYNAMODB_READS


def entry_body(entry):
    body = entry.get("body") or b""
    if entry.get("body_encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8") if isinstance(body, str) else body


def make_entry(method, url, headers, body, status):
    """An entry; the S3 object a write created is named by `s3_body` (devstack/s3_bodies.py)."""
    return {
        "headers": headers,
        "method": method,
        "url": url,
        "body": base64.b64encode(body).decode("ascii"),
        "body_encoded": True,
        "status": status,
    }


def split_line(line):
    """The entries on one line, and the text that is not an entry ('' when none).

    moto's own recorder writes an entry and its newline in two writes, so concurrent requests
    could leave `{...}{...}\\n\\n`: each complete object is kept."""
    decoder = json.JSONDecoder()
    entries, position, text = [], 0, line.strip()
    while position < len(text):
        try:
            entry, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return entries, text[position:]
        if isinstance(entry, dict):
            entries.append(entry)
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
    return entries, ""


def iter_recording(path, warn=None, damaged=None, set_aside=True, start=0):
    """The entries of a recording, one at a time (bodies can add up to GBs), from byte `start` (a
    snapshot's offset, devstack/snapshot.py). Text that is not an entry is appended to
    `<path>.damaged` (unless not set_aside), kept for a human, and its line number (counted from
    `start`) added to `damaged` (a list)."""
    path = Path(path)
    warn = warn or (lambda message: print(message, file=sys.stderr, flush=True))
    if not path.exists():
        return
    with path.open("rb") as recording:
        recording.seek(start)
        for number, raw in enumerate(recording, start=1):
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            found, rest = split_line(line)
            yield from found
            if not rest:
                continue
            if damaged is not None:
                damaged.append(number)
            if set_aside:
                with path.with_name(path.name + ".damaged").open("a") as aside:
                    aside.write(rest + "\n")
                warn(
                    f"{path}: line {number}{f' after byte {start}' if start else ''} is not a whole "
                    "recorded request (a write cut short?); "
                    f"set aside in {path.name}.damaged, {len(found)} entries on it kept, "
                    "everything else replayed"
                )


def read_recording(path, warn=None):
    """(entries, number of damaged lines): iter_recording as a list, for small recordings."""
    damaged = []
    entries = list(iter_recording(path, warn, damaged))
    return entries, len(damaged)


def compact_recording(path, rewrite=None):
    """Rewrite the recording with one entry a line, without reads and without the text that is
    not an entry (already set aside by the replay); returns (kept, dropped). `rewrite(index,
    entry)`, if given, returns what to write for the index-th entry read (devstack/moto_app.py:
    old inline bodies moved to the blob store, bodies no object holds any more). Only ever called
    before a server opens its port, under the recording's lock. One pass, linear in the file's
    size; the old file is replaced only once the new one is on disk."""
    path = Path(path)
    if not path.exists():
        return 0, 0
    kept = dropped = 0
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w") as out:
        for index, entry in enumerate(iter_recording(path, set_aside=False)):
            if is_read(entry):
                dropped += 1
            else:
                kept += 1
                out.write(json.dumps(rewrite(index, entry) if rewrite else entry) + "\n")
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the new file is the recording before anything it no longer names goes
    finally:
        os.close(directory)
    return kept, dropped


class Recorder:
    """Appends entries; the caller serialises calls (the server's request lock)."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        # A file that does not end in a newline (a torn last write) must not swallow the next entry.
        if self.path.stat().st_size and not self._ends_with_newline():
            os.write(self._fd, b"\n")

    def _ends_with_newline(self):
        with self.path.open("rb") as recording:
            recording.seek(-1, os.SEEK_END)
            return recording.read(1) == b"\n"

    def append(self, entry):
        line = (json.dumps(entry) + "\n").encode("utf-8")
        # One write(2) with O_APPEND: the line lands whole, after every earlier one. (A regular
        # file only takes less than asked when the disk is full; the rest then follows.)
        view = memoryview(line)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def fileno(self):
        return self._fd

    def close(self):
        os.close(self._fd)
