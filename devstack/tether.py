"""Child processes that end with the process that started them.

`make run`'s runner starts moto, the worker and runserver. Killed (kill -9, a terminal closed),
it runs no cleanup code: without this, they would keep serving as orphans. A child started with
`DEVSTACK_PARENT_PID` in its environment calls die_with_parent(): the kernel then sends it
SIGTERM when its parent ends (Linux's PR_SET_PDEATHSIG). The setting is not inherited by a
child's own children, so the child names itself their parent: runserver's autoreloader re-runs
this script for the server itself, which is tethered to the autoreloader in turn.

    python devstack/tether.py <manage.py arguments>     # manage.py, tethered to its parent

Elsewhere than Linux nothing is tethered; .local/run.lock (devstack/local_site.py) still tells
the next `make run` that processes of the last one are alive.
"""

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

PARENT_ENV = "DEVSTACK_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def stop(process, grace, *, group=False):
    """End a child we started: SIGTERM, then SIGKILL if it is still there after `grace` seconds
    (to its whole process group with group=True, e.g. runserver's autoreloader and its server)."""
    if process.poll() is not None:
        return
    send = (lambda signum: os.killpg(process.pid, signum)) if group else process.send_signal
    send(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


def tethered(env):
    """env for a child of this process that must end with it."""
    return {**env, PARENT_ENV: str(os.getpid())}


def die_with_parent():
    """If started tethered: receive SIGTERM when the parent ends (exit now if it already has)."""
    parent = os.environ.get(PARENT_ENV)
    if not parent:
        return
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != int(parent):  # it ended before the line above: no signal will come
            sys.exit(f"{sys.argv[0]}: the process that started this one (pid {parent}) has ended")
    os.environ[PARENT_ENV] = str(os.getpid())  # for this process's own children


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    die_with_parent()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "photoshare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
