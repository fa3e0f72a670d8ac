"""`make run` (devstack/run.py) and `make manage` (devstack/manage.py) as a person uses them: a
crash of the runner, a second start beside a running one, Ctrl-C, a management command.

Each test runs the real runner (moto, migrate, init_aws, the worker, runserver) on free ports with
its own .local/ folder (DEVSTACK_LOCAL_DIR), in its own session as a terminal would start a job."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from devstack.local_aws import free_port

ROOT = Path(__file__).resolve().parents[2]
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")


def local_env(local, **extra):
    """The environment of a person's shell: none of the test session's AWS or Django settings."""
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env.update(DEVSTACK_LOCAL_DIR=str(local), PYTHONUNBUFFERED="1", **extra)
    return env


class Runner:
    """`make run` in a terminal: its own process group, output kept in files."""

    def __init__(self, local):
        self.local = local
        self.port, self.moto_port = free_port(), free_port()
        self.out = local.parent / f"run-{self.port}.out"
        self.err = local.parent / f"run-{self.port}.err"
        # The worker stops after its current SQS long poll: 1 s, not 20, or every stop waits ~20 s.
        env = local_env(
            local, PORT=str(self.port), MOTO_PORT=str(self.moto_port), PHOTOSHARE_JOBS_WAIT_SECONDS="1"
        )
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "devstack" / "run.py")],
                env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True,
            )  # fmt: skip

    @property
    def site(self):
        return f"http://127.0.0.1:{self.port}/"

    def wait_until_serving(self, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            if answers(self.site):
                return self
            time.sleep(0.1)
        raise AssertionError(f"the site never answered:\n{self.output()}")

    def interrupt(self):
        """Ctrl-C: SIGINT to the terminal's foreground process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=120)

    def output(self):
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.interrupt()


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def descendants(pid):
    """Every live process started (directly or not) by pid, from /proc."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def snapshot(folder):
    """Every file under folder with its bytes and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def local(tmp_path):
    folder = tmp_path / "local"
    folder.mkdir()
    return folder


def test_a_killed_runner_takes_its_children_with_it_and_the_next_start_works(local):
    first = Runner(local).wait_until_serving()
    children = descendants(first.process.pid)
    assert len(children) >= 3  # moto, the worker, runserver (and its autoreloader's child)
    try:
        first.process.kill()  # kill -9: no cleanup code of the runner runs
        first.process.wait()
        assert wait_for(lambda: not [pid for pid in children if alive(pid)]), [
            Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children if alive(pid)
        ]
        assert not answers(first.site)
    finally:
        for pid in children:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    second = Runner(local).wait_until_serving()
    second.stop()


def test_a_second_run_beside_a_running_one_says_so_and_changes_nothing(local):
    first = Runner(local).wait_until_serving()
    try:
        before = snapshot(local)
        second = Runner(local)
        assert second.process.wait(timeout=120) != 0
        assert "already running" in second.output()
        after = snapshot(local)
        # The running site's logs go on growing (its worker polls the queue); every other file is
        # untouched, and no log was rewritten: what was there is still there, at its start.
        logs = {name for name in before if name.endswith(".log")}
        assert {name: after[name] for name in after if name not in logs} == {
            name: before[name] for name in before if name not in logs
        }
        assert all(after[name][0].startswith(before[name][0]) for name in logs)
        assert answers(first.site)
    finally:
        first.stop()


def test_ctrl_c_ends_quietly(local):
    runner = Runner(local).wait_until_serving()
    children = descendants(runner.process.pid)
    assert runner.interrupt() in (0, 130)
    output = runner.output()
    assert "Traceback" not in output, output
    assert "Stopped." in output
    assert not [pid for pid in children if alive(pid)]


def test_make_manage_runs_a_command_against_the_local_site(local):
    def manage(*args):
        return subprocess.run(
            [sys.executable, str(ROOT / "devstack" / "manage.py"), *args],
            env=local_env(local, DJANGO_SUPERUSER_PASSWORD="a long local password"),
            capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
        )  # fmt: skip

    made = manage("createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com")
    assert made.returncode == 0, made.stderr
    # Nothing running: the command had the local moto to itself, which is stopped again.
    runner = Runner(local).wait_until_serving()
    try:
        count = "from django.contrib.auth.models import User; print(User.objects.count())"
        listed = manage("shell", "-c", count)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.strip().splitlines()[-1] == "1"
        found = manage("reconcile")  # against make run's moto: the table and bucket it made
        assert found.returncode == 0, found.stderr
    finally:
        runner.stop()
