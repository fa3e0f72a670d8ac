"""The site served by real gunicorn on a free 127.0.0.1 port, for the browser tests and the benchmarks.

gunicorn is a child process with the environment it is given (database URL, moto endpoints, ...),
so it sees exactly the configuration a test or a benchmark sets up, through the production settings.
"""

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from devstack import tether
from devstack.local_aws import free_port

ROOT = Path(__file__).resolve().parent.parent


class GunicornSite:
    def __init__(
        self, env=None, *, workers=2, port=None, wsgi="photoshare.wsgi", log=None, extra_args=(), python=None
    ):
        # python: another interpreter (a venv of its own), e.g. for a bench's peer project.
        self.python = python or sys.executable
        self.env = dict(os.environ if env is None else env)
        self.workers = workers
        self.port = port or free_port()
        self.wsgi = wsgi
        self.log = log
        self.extra_args = list(extra_args)
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30, ready_path="/healthz"):
        command = [
            self.python, "-m", "gunicorn", self.wsgi,
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--chdir", str(ROOT),
            *self.extra_args,
        ]  # fmt: skip
        with contextlib.ExitStack() as stack:
            # The child keeps its own copy of the log's file descriptor.
            output = stack.enter_context(Path(self.log).open("ab")) if self.log else subprocess.DEVNULL
            self.process = subprocess.Popen(
                command, env=self.env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT
            )
        self._wait_until_ready(ready_path, timeout)
        return self

    def worker_pids(self):
        """Process ids of the gunicorn workers (children of the arbiter)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process:
            tether.stop(self.process, 15)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_until_ready(self, path, timeout):
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = Path(self.log).read_text(errors="replace")[-3000:] if self.log else ""
                code = self.process.returncode
                raise RuntimeError(f"gunicorn exited with code {code} (log: {self.log}):\n{tail}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                last_error = error
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url}{path} within {timeout}s: {last_error}")
