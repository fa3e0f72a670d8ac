"""A local S3 + DynamoDB: moto in server mode on 127.0.0.1, optionally persistent.

moto keeps its state in memory. For `make run`, persistence comes from moto's own recorder:
every request is appended to a JSON-lines file, and a new server replays the file on start.
Reads do not change state, so they are dropped from the file before each replay, which keeps
it from growing with every page view. (Uploads must be single PUTs: a multipart upload cannot
be replayed, see the transfer_config in settings.)
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# DynamoDB and SQS operations (X-Amz-Target suffixes) that only read, or need no replay.
_DYNAMODB_READS = {
    "BatchGetItem",
    "DescribeContinuousBackups",
    "DescribeTable",
    "DescribeTimeToLive",
    "GetItem",
    "ListTables",
    "ListTagsOfResource",
    "Query",
    "Scan",
    # SQS (the job queue): replaying a worker's long polls would wait 20 s each. Messages not yet
    # deleted come back after a restart, and jobs are idempotent.
    "GetQueueAttributes",
    "GetQueueUrl",
    "ReceiveMessage",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def compact_recording(path):
    """Drop the recorded requests that only read; returns (kept, dropped)."""
    path = Path(path)
    if not path.exists():
        return 0, 0
    kept, dropped = [], 0
    with path.open() as recording:
        for line in recording:
            if not line.strip():
                continue
            if _is_read(json.loads(line)):
                dropped += 1
            else:
                kept.append(line if line.endswith("\n") else line + "\n")
    temporary = path.with_suffix(".tmp")
    temporary.write_text("".join(kept))
    temporary.replace(path)
    return len(kept), dropped


def _is_read(entry):
    if entry.get("method") in ("GET", "HEAD", "OPTIONS"):
        return True
    headers = {name.lower(): value for name, value in (entry.get("headers") or {}).items()}
    target = headers.get("x-amz-target", "")
    return target.rpartition(".")[2] in _DYNAMODB_READS


class MotoServer:
    """moto_server as a child process on 127.0.0.1."""

    def __init__(self, port=None, recording=None, log=None):
        self.port = port or free_port()
        self.recording = Path(recording) if recording else None
        self.log = log
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        env = dict(os.environ)
        if self.recording:
            self.recording.parent.mkdir(parents=True, exist_ok=True)
            compact_recording(self.recording)
            env.update(MOTO_ENABLE_RECORDING="1", MOTO_RECORDER_FILEPATH=str(self.recording))
        with contextlib.ExitStack() as stack:
            log = stack.enter_context(Path(self.log).open("ab")) if self.log else subprocess.DEVNULL
            # The child keeps its own copy of the log's file descriptor.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready(timeout)
        if self.recording and self.recording.exists() and self.recording.stat().st_size:
            self._post("/moto-api/recorder/replay-recording")
        return self

    def reset(self):
        """Forget every bucket, object and table (the tests' clean slate)."""
        self._post("/moto-api/reset")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _post(self, path):
        request = urllib.request.Request(self.url + path, data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()

    def _wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto server did not answer on {self.url} within {timeout}s")
