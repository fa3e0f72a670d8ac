"""The user data's bootstrap, read from deploy/cloudformation.yaml and run against stand-ins: a git
repository whose deploy/instance/deploy.sh only reports what it was handed, the rehearsal's dnf and
cfn-signal, a `sleep` that returns at once (retry's pauses) and, for the instance's tag, a small
metadata service. Seconds, no root; the rehearsal (test_rehearsal.py) runs it with the real
deploy.sh."""

import http.server
import os
import re
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from deploy.tests import cfn

SHIMS = Path(__file__).resolve().parent / "rehearsal/bin"
STACK = "photoshare-bootstrap-test"
REGION = "eu-west-1"
# Writes what the bootstrap handed over, then exits with $FAKE_STATUS.
FAKE_DEPLOY = r"""#!/bin/bash
set -euo pipefail
release=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
if flock -n "$PHOTOSHARE_ROOT/run/photoshare-deploy.lock" true; then lock=free; else lock=held; fi
printf '%s\n' "release=$release" "role=$PHOTOSHARE_INSTANCE_ROLE" "bootstrap=$PHOTOSHARE_BOOTSTRAP" \
  "bucket=$PHOTOSHARE_BUCKET" "lock=$lock" "mode=$(stat -c %a "$release")" >>"$PHOTOSHARE_ROOT/handed-over"
touch "$release/.complete"
echo "fake deploy.sh of $release"
exit "${FAKE_STATUS:-0}"
"""


class Stage:
    def __init__(self, directory):
        self.dir = directory
        self.root = directory / "root"
        self.root.mkdir()
        self.source = directory / "source"
        self.bin = directory / "bin"
        self.bin.mkdir()
        for name in ("dnf", "cfn-signal"):
            (self.bin / name).symlink_to(SHIMS / name)
        (self.bin / "sleep").write_text("#!/bin/sh\nexit 0\n")
        (self.bin / "sleep").chmod(0o755)
        self.part = self.root / "var/lib/cloud/instance/scripts/part-001"
        self.imds = "http://127.0.0.1:9/"  # nothing listens: no tag, the role is "site"

    def git(self, *args):
        return subprocess.run(
            ["git", "-C", str(self.source), "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def commit(self, deploy_script=FAKE_DEPLOY, note="1"):
        """A release in the source repository; returns its full commit id."""
        if not self.source.exists():
            self.source.mkdir()
            self.git("init", "-q", "-b", "main")
        script = self.source / "deploy/instance/deploy.sh"
        if deploy_script is None:
            script.unlink(missing_ok=True)
        else:
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(deploy_script)
        (self.source / "NOTE").write_text(note)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", note)
        return self.git("rev-parse", "HEAD")

    def write_user_data(self, version):
        settings, _ = cfn.user_data_parts()
        names = re.findall(r"\$\{([^!}][^}]*)\}", settings[0])
        values = dict.fromkeys(names, "x")
        values.update(
            {
                "AWS::StackName": STACK,
                "AWS::Region": REGION,
                "AppSource": f"file://{self.source}",
                "AppVersion": version,
                "MediaBucket": "the-bucket",
                "SignalledResource": "WebServer",
            }
        )
        self.part.parent.mkdir(parents=True, exist_ok=True)
        self.part.write_text(cfn.user_data(values))
        self.part.chmod(0o700)

    def run(self, *args, **env):
        result = subprocess.run(
            [str(self.part), *args],
            env={
                "PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                "HOME": str(self.dir),
                "LANG": "C.UTF-8",
                "PHOTOSHARE_ROOT": str(self.root),
                "PHOTOSHARE_CFN_SIGNAL": str(SHIMS / "cfn-signal"),
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds,
                **env,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        return result

    @property
    def releases(self):
        return self.root / "opt/photoshare/releases"

    def log(self):
        return (self.root / "var/log/photoshare-userdata.log").read_text().splitlines()

    def signals(self):
        path = self.root / "var/log/cfn-signal-rehearsal.log"
        return path.read_text().splitlines() if path.exists() else []

    def handed_over(self):
        path = self.root / "handed-over"
        if not path.exists():
            return []
        return [dict(line.split("=", 1) for line in run.splitlines()) for run in _runs(path.read_text())]


def _runs(text):
    """The blocks of handed-over, one per run of deploy.sh (each starts with release=)."""
    return ["release=" + block for block in text.split("release=")[1:]]


def signal(success, resource="WebServer"):
    return f"success={success} stack={STACK} resource={resource} region={REGION}"


@pytest.fixture
def stage(tmp_path):
    tmp_path.chmod(0o755)
    return Stage(tmp_path)


def test_first_boot_fetches_the_release_runs_its_deploy_script_and_signals_success(stage):
    commit = stage.commit()
    stage.write_user_data(commit)

    result = stage.run()

    assert result.returncode == 0, result.stdout + result.stderr
    release = stage.releases / commit[:12]
    assert sorted(os.listdir(stage.releases)) == [commit[:12]]  # nothing left of the fetch
    assert not (release / ".git").exists() and (release / "NOTE").read_text() == "1"
    assert stage.handed_over() == [
        {
            "release": str(release),
            "role": "site",
            "bootstrap": str(stage.part),  # deploy.sh keeps it as /usr/local/sbin/photoshare-deploy
            "bucket": "the-bucket",  # the settings, exported
            "lock": "held",
            "mode": "755",
        }
    ]
    assert stage.signals() == [signal("true")]
    log = stage.log()
    assert f"photoshare-deploy: deploying {commit} from file://{stage.source} as site" in log[0]
    assert log[-1] == f"fake deploy.sh of {release}"
    assert log == result.stdout.splitlines()  # the console gets the same lines
    assert stat.S_IMODE((stage.root / "var/log/photoshare-userdata.log").stat().st_mode) == 0o600
    dnf = (stage.root / "var/log/dnf-rehearsal.log").read_text().splitlines()
    assert dnf == ["install -y -q git tar awscli-2 aws-cfn-bootstrap"]


def test_a_rerun_reuses_the_built_release_and_a_later_deploy_takes_the_version_as_argument(stage):
    first = stage.commit()
    stage.write_user_data(first)
    assert stage.run().returncode == 0

    again = stage.run()
    second = stage.commit(note="2")
    later = stage.run(second)  # as `photoshare-deploy VERSION`

    assert again.returncode == 0 and later.returncode == 0, later.stdout
    assert f"release {first[:12]} is already built" in again.stdout
    assert sorted(os.listdir(stage.releases)) == sorted([first[:12], second[:12]])
    assert [run["release"] for run in stage.handed_over()] == [
        str(stage.releases / first[:12]),
        str(stage.releases / first[:12]),
        str(stage.releases / second[:12]),
    ]
    assert stage.signals() == [signal("true")]  # once: the first boot's


def test_a_failure_to_fetch_is_signalled(stage):
    stage.commit()
    missing = "0" * 40
    stage.write_user_data(missing)

    result = stage.run()

    assert result.returncode != 0
    assert f'photoshare-deploy: FAILURE: step "fetching {missing}" failed with status' in stage.log()[-1]
    assert stage.signals() == [signal("false")]
    assert os.listdir(stage.releases) == [".new"]  # the next run starts it again
    assert stage.handed_over() == []


@pytest.mark.parametrize("version", ["main", "1f2e3d4", "../../../etc/x.tar.gz", "v1.2"])
def test_a_version_that_is_not_a_commit_or_an_artifact_is_refused_before_fetching(stage, version):
    stage.write_user_data("0" * 40)
    stage.commit()

    result = stage.run(version)

    assert result.returncode != 0
    assert f'FAILURE: step "checking {version} (a full commit id or a name.tar.gz' in stage.log()[-1]
    assert stage.signals() == [signal("false")]
    assert os.listdir(stage.releases) == []
    dnf = stage.root / "var/log/dnf-rehearsal.log"
    assert not dnf.exists()


def test_a_failing_deploy_script_is_signalled_with_its_status(stage):
    commit = stage.commit()
    stage.write_user_data(commit)

    result = stage.run(FAKE_STATUS="3")

    assert result.returncode == 3
    expected = f'FAILURE: step "running deploy/instance/deploy.sh of release {commit[:12]}"'
    assert f"{expected} failed with status 3" in stage.log()[-1]
    assert stage.signals() == [signal("false")]


def test_a_release_older_than_deploy_sh_fails_and_is_signalled(stage):
    commit = stage.commit(deploy_script=None)
    stage.write_user_data(commit)

    result = stage.run()

    assert result.returncode != 0
    assert "deploy/instance/deploy.sh: No such file or directory" in result.stdout
    assert "FAILURE" in stage.log()[-1]
    assert stage.signals() == [signal("false")]


class MetadataService(http.server.BaseHTTPRequestHandler):
    """IMDSv2's token and the instance's photoshare-role tag."""

    def do_PUT(self):
        ok = self.path == "/latest/api/token" and self.headers["X-aws-ec2-metadata-token-ttl-seconds"]
        self.answer(200 if ok else 400, "a-token")

    def do_GET(self):
        if self.headers["X-aws-ec2-metadata-token"] != "a-token":
            self.answer(401, "")
        elif self.path == "/latest/meta-data/tags/instance/photoshare-role":
            self.answer(200, "database-setup")
        else:
            self.answer(404, "")

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_the_database_setup_instance_is_told_by_its_tag_and_signals_its_own_resource(stage):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MetadataService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stage.imds = f"http://127.0.0.1:{server.server_address[1]}/"
    commit = stage.commit()
    stage.write_user_data(commit)
    try:
        result = stage.run()
    finally:
        server.shutdown()
        server.server_close()

    assert result.returncode == 0, result.stdout
    assert [run["role"] for run in stage.handed_over()] == ["database-setup"]
    assert stage.signals() == [signal("true", resource="DatabaseSetup")]
