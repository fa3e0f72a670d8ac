"""`make run`: the whole site on this machine, with a local S3 + DynamoDB that survives restarts.

Starts moto (devstack/moto_app.py, replaying the committed writes in .local/moto-recording.jsonl;
a damaged line is set aside in .local/moto-recording.jsonl.damaged, see .local/moto.log),
migrates the SQLite accounts database in .local/, creates the bucket, the table and the job
queue, and serves the site with Django's development server next to `manage.py worker` (direct
uploads' sizes). Ctrl-C stops everything it started. Any variable already set in the environment
wins.
"""

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.local_aws import MotoServer

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"


def throwaway_secret_key():
    """A random key made once per checkout and kept in .local/ (never committed)."""
    path = LOCAL / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C and `kill` both end the run cleanly, even when started where SIGINT is ignored.
    signal.signal(signal.SIGINT, _stop_on_signal)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    LOCAL.mkdir(exist_ok=True)
    port = os.environ.get("PORT", "8000")
    moto_port = int(os.environ.get("MOTO_PORT", "5000"))
    moto_url = f"http://127.0.0.1:{moto_port}"
    defaults = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": throwaway_secret_key(),
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
        "EMAIL_FILE_PATH": str(LOCAL / "mail"),
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)

    recording = LOCAL / "moto-recording.jsonl"
    replay = ""
    if recording.exists() and recording.stat().st_size:
        # Replaying takes time in proportion to the recording (about 4 ms a write here).
        replay = f", replaying {recording.stat().st_size / 2**20:.0f} MB of recorded writes"
    print(f"Starting local S3 + DynamoDB (moto) on {moto_url}{replay} ...", flush=True)
    moto = MotoServer(port=moto_port, recording=recording, log=LOCAL / "moto.log")
    try:
        moto.start()
    except RuntimeError as error:
        print(f"{error}; see {LOCAL / 'moto.log'}", file=sys.stderr)
        raise SystemExit(1) from None
    server = worker = None
    try:
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)
        subprocess.run([*manage, "init_aws", "--upload-rules"], check=True)
        worker = subprocess.Popen([*manage, "worker"], process_group=0)
        url = f"http://127.0.0.1:{port}/"
        mail = LOCAL / "mail"
        print(f"\n  photoshare is running at {url}\n  (Ctrl-C stops the site and local AWS; mail: {mail}/)\n")
        # Its own process group: the autoreloader's child must stop with it.
        server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}"], process_group=0)
        server.wait()
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as error:
        print(f"Setup step failed: {' '.join(error.cmd[1:])}", file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        for child, stop_signal in ((server, signal.SIGINT), (worker, signal.SIGTERM)):
            if child and child.poll() is None:
                os.killpg(child.pid, stop_signal)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
        moto.stop()
        print("Stopped. Accounts are kept in .local/db.sqlite3, photos in .local/moto-recording.jsonl.")


if __name__ == "__main__":
    main()
