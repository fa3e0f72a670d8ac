"""The site the browser tests browse: one gunicorn, started by the first test that asks for it and
kept for the next ones (gallery/tests/conftest.py stops it after the last test in a row that uses
it), and a `manage.py worker` of each test's own.

Starting and stopping gunicorn took 18-40 s of every test at a load of 11. Each test still gets
empty stores: the accounts database is flushed after it (transactional_db) and moto is reset before
it (the `aws` fixture); gunicorn opens a database connection per request (DATABASE_CONN_MAX_AGE=0)
and finds the bucket, table and queue again by their names. What could cross from one test to the
next is a job still queued or running when moto is reset: `settle` waits for the queue to empty,
and when it does not the site is stopped, so that the next test starts a fresh one."""

import subprocess
import sys
import time

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from devstack.gunicorn_site import GunicornSite
from gallery.storage import sqs

SETTLE_SECONDS = 20  # longer than a job of the browser tests' photos on a loaded machine


class SharedSite:
    def __init__(self):
        self.server = None
        self.worker = None
        self.env = None
        self.logs = None

    def get(self, env, tmp_path_factory):
        """The running site for this environment, started (again) if it is not running with it."""
        if self.server is not None and (env != self.env or not self._alive()):
            self.stop()
        if self.server is None:
            self.logs = tmp_path_factory.mktemp("site")
            self.env = env
            try:
                self.server = GunicornSite(env, workers=2, log=self.logs / "gunicorn.log").start()
            except BaseException:
                self.stop()
                raise
        if self.worker is None:
            # The upload page sends files straight to S3; the worker makes them ready, as on a server.
            # One per test: a worker kept on held a SQLite read lock into the next test (its login
            # timed out waiting to write); starting one costs ~1 s, gunicorn many.
            with (self.logs / "worker.log").open("ab") as log:
                command = [sys.executable, "manage.py", "worker"]
                self.worker = subprocess.Popen(
                    command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=log
                )
        return self.server

    def _alive(self):
        return self.server.process.poll() is None and (self.worker is None or self.worker.poll() is None)

    def settle(self):
        """Wait until no job is queued or running; stop the site if that does not come."""
        if self.server is None:
            return
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            try:
                if _jobs_left() == 0:
                    self._stop_worker(idle=True)
                    return
            except (sqs.JobsUnavailable, BotoCoreError, ClientError):
                break  # the test took the queue away: nothing to wait for, start afresh
            time.sleep(0.2)
        self.stop()

    def stop(self):
        if self.worker is not None:
            self.worker.terminate()  # first: it ends its poll while gunicorn stops
        if self.server is not None:
            self.server.stop()
        self._stop_worker()
        self.server = self.env = None

    def _stop_worker(self, idle=False):
        if self.worker is not None and idle:
            # Nothing queued or in flight: nothing to finish. SIGTERM would wait out its poll.
            self.worker.kill()
            self.worker.wait()
        elif self.worker is not None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=30)  # SIGTERM ends after the current job and poll (1 s in tests)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        self.worker = None


def _jobs_left():
    queue = sqs.queue()
    attributes = queue.client.get_queue_attributes(
        QueueUrl=queue.url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(count) for count in attributes.values())


SHARED = SharedSite()
