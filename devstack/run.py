"""`make run`: the whole site on this machine, with a local S3 + DynamoDB + SQS that survives restarts.

Takes .local/run.lock (a second `make run`, or one beside processes a killed one left, says so
and exits 1 without touching .local/), starts moto (devstack/moto_app.py, replaying the committed
writes in .local/moto-recording.jsonl; see .local/moto.log), migrates the SQLite accounts
database in .local/, creates the bucket, the table and the job queue, and serves the site with
Django's development server next to `manage.py worker` (direct uploads' sizes). Every child is
tethered to this process (devstack/tether.py) and keeps the lock open: killed, this process takes
them with it. Ctrl-C (or SIGTERM) stops them in order and ends quietly. Any variable already set
in the environment wins. See devstack/README.md.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack import tether
from devstack.local_aws import MotoServer
from devstack.local_site import LOCAL, MAIL, MOTO_LOG, RECORDING, ROOT, RunLock, site_environment, who_holds
from devstack.snapshot import snapshot_path

MANAGE = [sys.executable, str(ROOT / "devstack" / "tether.py")]  # manage.py, tethered


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Children:
    """The management commands this run started, each in a process group of its own (a Ctrl-C in
    the terminal reaches only the runner, which stops them in order)."""

    def __init__(self, env, lock):
        self.env, self.lock, self.started = env, lock, []

    def start(self, *args):
        child = subprocess.Popen([*MANAGE, *args], env=self.env, process_group=0, pass_fds=(self.lock.fd,))
        self.started.append(child)
        self.lock.describe(children=[*self.lock.facts.get("children", []), child.pid])
        return child

    def run(self, *args):
        if self.start(*args).wait():
            print(f"Setup step failed: manage.py {' '.join(args)}", file=sys.stderr)
            raise SystemExit(1)

    def stop(self):
        for child in reversed(self.started):
            tether.stop(child, 30, group=True)  # runserver's autoreloader and its server too


def serve(lock):
    port = os.environ.get("PORT", "8000")
    moto_port = int(os.environ.get("MOTO_PORT", "5000"))
    moto_url, site_url = f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{port}/"
    env = tether.tethered(site_environment(moto_url, port))
    lock.describe(command="make run", pid=os.getpid(), site_url=site_url, moto_url=moto_url, children=[])
    replay = ""
    if snapshot_path(RECORDING).exists():
        # Loading takes time in proportion to the items held (~2 s of CPU at 10 000 photos).
        replay = ", loading its snapshot and the writes recorded after it"
    elif RECORDING.exists() and RECORDING.stat().st_size:
        # Replaying takes time in proportion to the recording (about 4 ms a write here).
        replay = f", replaying {RECORDING.stat().st_size / 2**20:.0f} MB of recorded writes"
    print(f"Starting local S3 + DynamoDB + SQS (moto) on {moto_url}{replay} ...", flush=True)
    moto = MotoServer(port=moto_port, recording=RECORDING, log=MOTO_LOG, pass_fds=(lock.fd,))
    children = Children(env, lock)
    try:
        try:
            moto.start()
        except RuntimeError as error:
            print(f"{error}; see {MOTO_LOG}", file=sys.stderr)
            return 1
        lock.describe(children=[moto.process.pid])
        children.run("migrate", "--noinput", "-v", "0")
        children.run("init_aws", "--upload-rules")
        children.start("worker")
        where = f"photoshare is running at {site_url}"
        print(f"\n  {where}\n  (Ctrl-C stops the site and local AWS; mail: {MAIL}/)\n", flush=True)
        code = children.start("runserver", f"127.0.0.1:{port}").wait()
        print(f"The site stopped (exit code {code}); stopping the rest.", file=sys.stderr)
        return code or 1
    finally:
        # A second Ctrl-C (or kill) must not cut the stop short: it is bounded by its timeouts.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        children.stop()
        moto.stop()
        print(f"Stopped. Accounts are kept in {LOCAL / 'db.sqlite3'}, photos in {RECORDING}.", flush=True)


def main():
    # Ctrl-C and `kill` both end the run cleanly, even when started where SIGINT is ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    lock = RunLock()
    try:
        if not lock.acquire():
            print(f"Not started: {who_holds(lock)}.", file=sys.stderr)
            return 1
        return serve(lock)
    except KeyboardInterrupt:
        return 0
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
