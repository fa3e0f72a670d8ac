"""The local site's folder (.local/, or DEVSTACK_LOCAL_DIR), its environment and its lock.

`make run` (devstack/run.py) and `make manage` (devstack/manage.py) read everything about the
local site here: where its files are, the variables Django runs with, and `.local/run.lock`, held
(fcntl.flock) by whichever of them serves .local/ for as long as it or any process it started
lives. The file names the holder, its moto and its children, so that a second `make run` can say
what is running, and `make manage` can use the running moto.
"""

import contextlib
import fcntl
import json
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = Path(os.environ.get("DEVSTACK_LOCAL_DIR") or ROOT / ".local")
RECORDING = LOCAL / "moto-recording.jsonl"
MOTO_LOG = LOCAL / "moto.log"
MAIL = LOCAL / "mail"


def throwaway_secret_key():
    """A random key made once per checkout and kept in .local/ (never committed)."""
    path = LOCAL / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def site_environment(moto_url, port):
    """The variables the local site runs with; any already set in the environment wins."""
    defaults = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": throwaway_secret_key(),
        "DATABASE_URL": f"sqlite:///{LOCAL / 'db.sqlite3'}",
        "AWS_S3_ENDPOINT_URL": moto_url,
        "DYNAMODB_ENDPOINT_URL": moto_url,
        "SQS_ENDPOINT_URL": moto_url,
        # The upload page POSTs files straight to moto's S3 (the bucket's CORS rule).
        "PHOTOSHARE_UPLOAD_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
        # moto accepts any credentials; these keep real ones away from it.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        # Every mail is a file a person can open and click (verification, password reset).
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(MAIL),
        # The worker asks for jobs every 2 s instead of 20: it then stops within 2 s of Ctrl-C.
        "PHOTOSHARE_JOBS_WAIT_SECONDS": "2",
        # No nginx in front: Django gzips pages, as nginx does in production (bench/page_weight.py).
        "PHOTOSHARE_GZIP": "1",
    }
    return {**defaults, **os.environ}


class RunLock:
    """.local/run.lock: one holder at a time, described by a small JSON object in the file."""

    def __init__(self, folder=LOCAL):
        self.path = Path(folder) / "run.lock"
        self.fd = None
        self.facts = {}

    def acquire(self):
        """Take the lock if nobody holds it (True). Creates the file if missing, changes nothing else."""
        self.path.parent.mkdir(exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def describe(self, **facts):
        """Say who holds the lock (added to what this holder said before)."""
        self.facts.update(facts)
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(self.facts).encode(), 0)

    def holder(self):
        """What the holder said about itself ({} if nothing yet)."""
        with contextlib.suppress(OSError, ValueError):
            facts = json.loads(self.path.read_text() or "{}")
            return facts if isinstance(facts, dict) else {}
        return {}

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def pid_alive(pid):
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True


def who_holds(lock):
    """A sentence for a person: who holds .local/run.lock, and what to do."""
    facts = lock.holder()
    command, pid = facts.get("command", "make run"), facts.get("pid")
    if pid and pid_alive(pid):
        where = f" at {facts['site_url']}" if facts.get("site_url") else ""
        return f"{command} is already running (pid {pid}{where}) and uses {lock.path.parent}/"
    children = [child for child in facts.get("children", []) if pid_alive(child)]
    if children:
        listed = " ".join(str(child) for child in children)
        return (
            f"{command} (pid {pid}) has ended but processes it started are still running "
            f"(pids {listed}); they stop by themselves within seconds, or: kill {listed}"
        )
    return f"{lock.path} is held by another process (starting or stopping); try again in a moment"
