"""A local S3 + DynamoDB: moto in server mode on 127.0.0.1, optionally persistent.

The server is devstack/moto_app.py: moto's app with its memory leaks and whole-table rollbacks
patched out, one request at a time, S3 bodies on disk. For `make run`, persistence comes from its
recorder (devstack/recording.py): every write that succeeded is appended to a JSON-lines
file in commit order, and a new server replays the file before it opens its port (devstack/README.md).
(A multipart upload, the worker's zip archives, replays under the UploadId the new server
gives.) The server is tethered to the process that starts it (devstack/tether.py) and in a process
group of its own: it ends with that process, and a Ctrl-C in a terminal reaches only it.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from devstack import tether
from devstack.local_app import CHECKPOINT_PATH, READY_PATH, RESTORE_PATH, SENT_MAIL_PATH
from devstack.recording import compact_recording, is_read

__all__ = ["MotoServer", "compact_recording", "free_port", "is_read"]

SERVER = Path(__file__).resolve().parent / "moto_app.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """moto_server as a child process on 127.0.0.1."""

    def __init__(self, port=None, recording=None, log=None, pass_fds=()):
        self.port = port or free_port()
        self.recording = Path(recording) if recording else None
        self.log = log
        self.pass_fds = pass_fds  # descriptors the server keeps open (make run's lock)
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=None):
        """Start the server and wait until it answers. With a recording that is after its replay,
        which takes time in proportion to the recording (minutes for 10 000 photos on a busy
        machine): by default the wait then lasts as long as the server is alive."""
        if timeout is None:
            timeout = float("inf") if self.recording else 60
        env = tether.tethered(os.environ)
        # moto's own recorder must stay off: ours records what committed, theirs what arrived.
        env.pop("MOTO_ENABLE_RECORDING", None)
        command = [sys.executable, str(SERVER), "-H", "127.0.0.1", "-p", str(self.port)]
        if self.recording:
            self.recording.parent.mkdir(parents=True, exist_ok=True)
            command += ["--recording", str(self.recording)]
        with contextlib.ExitStack() as stack:
            log = stack.enter_context(Path(self.log).open("ab")) if self.log else subprocess.DEVNULL
            # The child keeps its own copy of the log's file descriptor.
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT,
                process_group=0, pass_fds=self.pass_fds,
            )  # fmt: skip
        self._wait_until_ready(timeout)
        return self

    def reset(self):
        """Forget every bucket, object and table (the tests' clean slate)."""
        self._post("/moto-api/reset")

    def checkpoint(self, key):
        """Keep moto's state, as it is now, under `key` (in the server's memory)."""
        self._post(f"{CHECKPOINT_PATH}?{urllib.parse.quote(key)}")

    def restore(self, key):
        """Reset moto to the state kept under `key`; False (nothing changed) if none is."""
        try:
            self._post(f"{RESTORE_PATH}?{urllib.parse.quote(key)}")
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            return False
        return True

    def sent_mail(self):
        """The mail SES accepted: [{"source", "destinations", "raw" (the MIME text)}], oldest first."""
        with urllib.request.urlopen(self.url + SENT_MAIL_PATH, timeout=60) as response:
            return json.loads(response.read())

    def stop(self):
        if self.process:
            tether.stop(self.process, 10)
        self.process = None

    def _post(self, path):
        request = urllib.request.Request(self.url + path, data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()

    def _last_words(self):
        """The last line of the server's log, if it has one: why it stopped."""
        lines = Path(self.log).read_text(errors="replace").strip().splitlines() if self.log else []
        return f": {lines[-1]}" if lines else ""

    def _wait_until_ready(self, timeout, path=READY_PATH):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"moto server exited with code {code}{self._last_words()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto server did not answer on {self.url} within {timeout}s")


def create_photo_store(s3, dynamodb, *, bucket, table):
    """A bucket and a table with the app's key layout (pk/sk and the sparse "lists" index), for
    the local stack's tests and bench, which drive moto without importing gallery."""
    s3.create_bucket(Bucket=bucket)
    strings = [{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "list_pk", "list_sk")]
    dynamodb.create_table(
        TableName=table,
        AttributeDefinitions=strings,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "lists",
                "KeySchema": [
                    {"AttributeName": "list_pk", "KeyType": "HASH"},
                    {"AttributeName": "list_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
