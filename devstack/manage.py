"""`make manage ARGS="..."`: any management command against the local site.

    make manage ARGS="createsuperuser"
    make manage ARGS="reconcile --fix"

Same environment as `make run` (devstack/local_site.py: the secret key and the SQLite database
in .local/, moto's endpoints). While `make run` is running, the command uses its moto (the URL
is read from .local/run.lock). Otherwise this starts the local moto for the command alone, on
the recording in .local/, migrates the accounts database (as `make run` does), runs the command
and stops moto again; meanwhile a `make run` waits its turn (it says so and exits).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.local_aws import MotoServer, free_port
from devstack.local_site import MOTO_LOG, RECORDING, ROOT, RunLock, pid_alive, site_environment, who_holds
from devstack.tether import tethered

MANAGE = [sys.executable, str(ROOT / "devstack" / "tether.py")]  # manage.py, tethered
DEFAULT_PORT = "8000"  # the site's, for the upload origins; make manage serves no site


def run_command(moto_url, args):
    """The command in the foreground (it may ask questions): its exit code."""
    env = tethered(site_environment(moto_url, os.environ.get("PORT", DEFAULT_PORT)))
    command = subprocess.Popen([*MANAGE, *args], env=env)
    while True:
        try:
            return command.wait()
        except KeyboardInterrupt:  # the command got the Ctrl-C too (same terminal): let it end
            continue


def with_own_moto(lock, args):
    moto = MotoServer(port=free_port(), recording=RECORDING, log=MOTO_LOG, pass_fds=(lock.fd,))
    lock.describe(command="make manage", pid=os.getpid(), moto_url=moto.url, children=[])
    print(f"make run is not running: a local moto for this command ({moto.url}) ...", file=sys.stderr)
    try:
        moto.start()
    except RuntimeError as error:
        print(f"{error}; see {MOTO_LOG}", file=sys.stderr)
        return 1
    try:
        lock.describe(children=[moto.process.pid])
        migrated = run_command(moto.url, ["migrate", "--noinput", "-v", "0"])
        return migrated or run_command(moto.url, args)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        moto.stop()


def main(args):
    if not args:
        print('Usage: make manage ARGS="<command> [options]", e.g. ARGS="createsuperuser"', file=sys.stderr)
        return 2
    lock = RunLock()
    if lock.acquire():
        try:
            return with_own_moto(lock, args)
        finally:
            lock.release()
    holder = lock.holder()
    if holder.get("command") == "make run" and holder.get("moto_url") and pid_alive(holder.get("pid")):
        return run_command(holder["moto_url"], args)
    print(f"Not run: {who_holds(lock)}.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
