"""The rehearsal's stage: a root directory, the stand-ins, moto, MariaDB, and cleaning up after.

The user data runs as EC2 would run it: the template's UserData (the settings, rendered with this
stage's values, then the bootstrap, both read from deploy/cloudformation.yaml) as one executable
file run by root. The bootstrap fetches the working tree as a pinned commit and runs that
release's deploy/instance/deploy.sh. The differences from EC2 are all here, in the environment of
that run:
  PHOTOSHARE_ROOT      every path the scripts write is under the stage's root directory
  PHOTOSHARE_LISTEN    nginx listens on a free port of 127.0.0.1, not on port 80
  PHOTOSHARE_NGINX_USER  Debian's nginx runs its workers as www-data, AL2023's as nginx
  PHOTOSHARE_CFN_SIGNAL  a stand-in that records the signal
  PATH                 dnf and systemctl are the stand-ins of rehearsal/bin; last, the bin/ of
                       /opt/python3.12, AL2023's python3.12 as the rehearsal's dnf installs it
  AWS_ENDPOINT_URL, AWS_EC2_METADATA_SERVICE_ENDPOINT
                       moto plays S3, DynamoDB, SQS, SES, Secrets Manager and the instance
                       metadata service, which hands out the role's credentials as on EC2
  PIP_NO_INDEX, PIP_FIND_LINKS
                       deploy.sh's `pip install -r requirements.txt` installs from a wheelhouse
                       (wheelhouse()): the release's wheels, resolved and built once a machine
                       per requirements.txt by the instance's python3.12 through this machine's
                       pip configuration, as a boot resolves them. ~1 s an install, not ~13 s
                       (three a run: the single stage's first boot and both of the pair's)
and one edit of the settings: PHOTOSHARE_DB_SSL_MODE and _CA_URL are empty, as the MariaDB here has
no TLS. The stack sends mail as MAIL_FROM, whose domain the stage verifies in moto's SES first
(the operator's step, docs/deploy.md); the site sends through SES as in production, and a user
reads what moto's SES accepted (Rehearsal.mail_to).

The single instance's own Redis (AL2023's redis6, which deploy.sh installs and enables when
the stack has no shared cache) is the Redis this machine already runs on 127.0.0.1:6379, which the
test suite and others share: rehearsal/units/redis6.service checks that it answers and starts no
second one, PHOTOSHARE_LOCAL_CACHE_URL points the app at its database 5 instead of 0, and every
key of the default cache is under a prefix of this run (DJANGO_CACHE_KEY_PREFIX), deleted with
the media URLs of this run's bucket at the end (never FLUSHDB).

Two instances (Pair, the scaled topology) are two such stages on this one host, with the same
settings, moto, MariaDB database and Redis; what differs from two EC2 instances:
  the app user     one /etc/passwd for both: the pair makes the user before both boots (at once,
                   each would useradd it and one would fail); the single stage's run makes it
  Redis            ElastiCache stands in as 127.0.0.1:6379/5 (plain redis://, no TLS), its keys
                   prefixed and deleted as the single instance's (above)
  the ALB          an nginx of the harness (LoadBalancer), round robin over both instances'
                   nginx, retrying an idempotent request on the other when one fails to connect,
                   times out or answers 502 (an ALB does not retry: it stops routing to a target
                   once its health check fails, 3 x 10 s); it names the instance that answered
                   in X-Rehearsal-Upstream, which exists only here
  DatabaseSetup    not run: both web instances may create the app's account (the single
                   topology's "create"), so the pair also proves that step is safe at once
"""

import contextlib
import email
import email.policy
import email.utils
import fcntl
import functools
import grp
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import string
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import redis

from deploy.tests import cfn
from devstack.local_aws import MotoServer, free_port

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEPLOY_SCRIPT = REPO / "deploy/instance/deploy.sh"
SHIMS = HERE / "bin"
PACKAGE_UNITS = HERE / "units"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PYTHON312_BIN = "/opt/python3.12/bin"  # rehearsal/bin/dnf's python3.12: after the system's own tools
REGION = "us-east-1"
STACK = "photoshare-rehearsal"
PUBLIC_IP = "198.51.100.1"  # what moto's instance metadata reports; stands in for the Elastic IP
APP_USER = "photoshare"
NGINX_USER = "www-data"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAIL_FROM = "no-reply@photos.rehearsal.test"  # MailFromAddress; its domain is verified in moto's SES
LOCK = Path(tempfile.gettempdir()) / "photoshare-rehearsal.lock"
WHEELHOUSES = Path(tempfile.gettempdir()) / "photoshare-rehearsal-wheels"
# The RDS master stand-in: a MariaDB account that may create users and grant (what deploy.sh does
# with the master secret). .ci/run makes one with a password of its run; by default root over TCP.
DB = {
    "host": "127.0.0.1",
    "port": 3306,
    "user": os.environ.get("PHOTOSHARE_REHEARSAL_DB_USER", "root"),
    "password": os.environ.get("PHOTOSHARE_REHEARSAL_DB_PASSWORD", ""),
}
# The rehearsals' Redis: a database of its own on the test suite's server (which uses 15). The
# single instance's "own" Redis (PHOTOSHARE_LOCAL_CACHE_URL), and the pair's ElastiCache.
REDIS_URL = "redis://127.0.0.1:6379/5"
MIGRATE_LOCK = "photoshare-migrate"  # gallery.services.migration_lock.LOCK_NAME
# The settings of the template that differ between the topologies (single: the defaults of set_up).
SCALED = {
    "Hosts": "photos.rehearsal.test",  # DomainName, with a certificate on the (stand-in) ALB
    "CacheUrl": REDIS_URL,
    "BehindLoadBalancer": "true",
    "TrustedProxies": "2",  # nginx and the ALB
    "SignalledResource": "WebServerGroup",
}
# Written by the bootstrap and deploy.sh; compared before and after the second run.
STATE_PATHS = [
    "etc/photoshare",
    "etc/photoshare/env",
    "etc/systemd/system/photoshare.service",
    "etc/nginx/nginx.conf",
    "usr/local/bin/photoshare-manage",
    "usr/local/sbin/photoshare-deploy",
    "opt/photoshare",
    "opt/photoshare/current",
    "var/log/photoshare-userdata.log",
]


@contextlib.contextmanager
def host_lock(timeout=600):
    """One rehearsal at a time on this machine: they share the app user and MariaDB."""
    with open(LOCK, "w") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another rehearsal holds {LOCK}") from None
                time.sleep(1)
        yield


def dnf_packages():
    """Every package the bootstrap and deploy.sh ask dnf for: the words of their `dnf install`
    lines and of deploy.sh's PACKAGES=(...) and PACKAGES+=(...)."""
    texts = cfn.bootstrap() + DEPLOY_SCRIPT.read_text()
    lists = re.findall(r"PACKAGES\+?=\((.*?)\)", texts, re.DOTALL) + re.findall(r"\bdnf install (.*)", texts)
    return [word for word in " ".join(lists).split() if not word.startswith(("-", '"'))]


def missing_requirements():
    """What this machine lacks for the rehearsal, as reasons to skip it."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (deploy.sh creates the app user and runs services as it)")
    # The packages installed: the rehearsal's dnf says which Debian counterpart is missing.
    packages = dnf_packages()
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "var/log").mkdir(parents=True)
        check = subprocess.run(
            [str(SHIMS / "dnf"), "install", "-y", *packages],
            env={"PATH": SYSTEM_PATH, "PHOTOSHARE_ROOT": root},
            capture_output=True,
            text=True,
        )
        if check.returncode:
            missing.append(check.stderr.strip().replace("\n", "; "))
    # What Amazon Linux 2023 has without asking.
    for tool, package in [("curl", "curl"), ("runuser", "util-linux"), ("useradd", "passwd")]:
        if shutil.which(tool, path=SYSTEM_PATH) is None:
            missing.append(f"{tool} (Debian: {package})")
    try:
        import MySQLdb

        MySQLdb.connect(connect_timeout=3, **DB).close()
    except Exception as error:
        missing.append(
            f"MariaDB on 127.0.0.1:3306 as {DB['user']} (PHOTOSHARE_REHEARSAL_DB_USER/_PASSWORD; {error})"
        )
    # The single instance's own Redis, the pair's ElastiCache (see the top).
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except Exception as error:
        missing.append(f"Redis on 127.0.0.1:6379 ({error})")
    return missing


def pip_environment():
    """pip's own configuration of this machine (mirrors, proxies): it applies as it would at boot."""
    passed = ("PIP_", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
    return {name: value for name, value in os.environ.items() if name.startswith(passed)}


@functools.cache  # environment() asks for it at every run and command of a stage
def wheelhouse():
    """A directory of wheels of requirements.txt and all it needs, for the instance's python3.12
    (the one rehearsal/bin/dnf installs): resolved and built by its own pip from this machine's
    index, once per requirements.txt and Python. Made under host_lock (one rehearsal at a time)."""
    python = Path(PYTHON312_BIN) / "python3.12"
    requirements = (REPO / "requirements.txt").read_bytes()
    version = subprocess.run([str(python), "-VV"], capture_output=True, check=True).stdout
    directory = WHEELHOUSES / hashlib.sha256(requirements + version).hexdigest()[:16]
    if not (directory / ".complete").exists():
        shutil.rmtree(directory, ignore_errors=True)  # an interrupted build
        command = [
            str(python),
            "-m",
            "pip",
            "wheel",
            "-q",
            "-r",
            str(REPO / "requirements.txt"),
            "-w",
            str(directory),
        ]
        env = {
            "PATH": f"{SYSTEM_PATH}:{PYTHON312_BIN}",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            **pip_environment(),
        }
        built = subprocess.run(command, env=env, capture_output=True, text=True)
        if built.returncode:
            raise RuntimeError(f"pip wheel of requirements.txt failed:\n{built.stderr[-3000:]}")
        (directory / ".complete").touch()
    return directory


@dataclass
class Run:
    returncode: int
    seconds: float
    output: str


def alphanumeric(length):
    """Like CloudFormation's GenerateSecretString with ExcludePunctuation."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


class Rehearsal:
    """One instance's stage. `twin_of`: another instance of the same stack (the same user data,
    moto, database, secrets and Redis key prefix), set up after it; it leaves the shared parts to it
    to clean up."""

    def __init__(self, twin_of=None):
        self.dir = Path(tempfile.mkdtemp(prefix="photoshare-rehearsal-", dir="/tmp"))
        self.dir.chmod(0o755)  # the app user and nginx's workers read below it
        self.root = self.dir / "root"
        self.root.mkdir(mode=0o755)
        self.port = free_port()
        self.twin_of = twin_of
        if twin_of is None:
            self.cache_prefix = f"photoshare-rehearsal-{secrets.token_hex(4)}"
            self.db_name = f"photoshare_rh_{secrets.token_hex(4)}"
            self.db_password = alphanumeric(32)
            self.secret_key = alphanumeric(50)
            self.moto = MotoServer(log=self.dir / "moto.log")
            self.user_existed = _exists(pwd.getpwnam, APP_USER)
            self.nginx_user_in_group = self.user_existed and NGINX_USER in grp.getgrnam(APP_USER).gr_mem
        else:
            self.db_name, self.db_password = twin_of.db_name, twin_of.db_password
            self.secret_key, self.moto = twin_of.secret_key, twin_of.moto
            self.cache_prefix = twin_of.cache_prefix
        self.part = self.root / "var/lib/cloud/instance/scripts/part-001"
        self.runs = []
        self.pending = None

    # --- the stage ----------------------------------------------------------------------------
    def set_up(self, **settings):
        """Write the user data; `settings` override values of the template (e.g. SCALED)."""
        self.part.parent.mkdir(parents=True)
        if self.twin_of is not None:
            shutil.copy2(self.twin_of.part, self.part)
            return
        self.moto.start()
        manager = boto3.client(
            "secretsmanager",
            endpoint_url=self.moto.url,
            region_name=REGION,
            aws_access_key_id="rehearsal",
            aws_secret_access_key="rehearsal",
        )

        def secret(name, value):
            return manager.create_secret(Name=name, SecretString=value)["ARN"]

        # What the operator does before giving the stack a MailFromAddress (docs/deploy.md).
        ses = boto3.client(
            "ses",
            endpoint_url=self.moto.url,
            region_name=REGION,
            aws_access_key_id="rehearsal",
            aws_secret_access_key="rehearsal",
        )
        ses.verify_domain_identity(Domain=MAIL_FROM.split("@")[1])

        source, version = self.app_source()
        values = {
            "AWS::StackName": STACK,
            "AWS::Region": REGION,
            "AppSource": source,
            "AppVersion": version,
            "MediaBucket": f"{STACK}-media",
            "PhotoTable": f"{STACK}-photos",
            "JobQueue.QueueName": f"{STACK}-jobs",  # the boot's init_aws creates it in moto
            "Database.Endpoint.Address": DB["host"],
            "Database.Endpoint.Port": DB["port"],
            "DatabaseName": self.db_name,
            "Database.MasterUserSecret.SecretArn": secret(
                "rds-db-master", json.dumps({"username": DB["user"], "password": DB["password"]})
            ),
            "AppDatabaseSecret": secret(
                "AppDatabaseSecret", json.dumps({"username": self.db_name, "password": self.db_password})
            ),
            "DjangoSecretKey": secret("DjangoSecretKey", self.secret_key),
            "Hosts": PUBLIC_IP,
            "MaxUploadBytes": MAX_UPLOAD_BYTES,
            "MailFromAddress": MAIL_FROM,
            # Topology=single's values; no Redis, no log group here.
            "DatabaseAccount": "create",
            "CacheUrl": "",
            "LogGroup": "",
            "BehindLoadBalancer": "false",
            "TrustedProxies": "1",
            "SignalledResource": "WebServer",
            **settings,
        }
        settings, bootstrap = cfn.user_data_parts()
        rendered = cfn.render_sub(settings, values)
        # The MariaDB here has no TLS: no mode, no CA bundle to fetch.
        rendered, count = re.subn(
            r"^(PHOTOSHARE_DB_SSL_(?:MODE|CA_URL))='[^']*'$", r"\1=''", rendered, flags=re.MULTILINE
        )
        assert count == 2, rendered
        self.part.write_text(rendered + bootstrap)
        self.part.chmod(0o700)

    def app_source(self):
        """The working tree as it is now (committed or not), as a git repository to deploy from."""
        source = self.dir / "source"
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        for name in filter(None, listing.decode().split("\0")):
            path = REPO / name
            if path.is_file():
                (source / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, source / name)
        git = ["git", "-C", str(source), "-c", "user.name=rehearsal", "-c", "user.email=rehearsal@localhost"]
        subprocess.run([*git, "init", "-q", "-b", "rehearsal"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "working tree"], check=True)
        commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
        return f"file://{source}", commit.stdout.strip()  # a pinned commit, as the template demands

    def environment(self):
        env = {
            "PATH": f"{SHIMS}:{SYSTEM_PATH}:{PYTHON312_BIN}",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            "PHOTOSHARE_ROOT": str(self.root),
            "PHOTOSHARE_LISTEN": f"127.0.0.1:{self.port}",
            "PHOTOSHARE_NGINX_USER": NGINX_USER,
            "PHOTOSHARE_CFN_SIGNAL": str(SHIMS / "cfn-signal"),
            "REHEARSAL_PACKAGE_UNITS": str(PACKAGE_UNITS),
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.moto.url + "/",
            # No credentials but the instance role's, as on EC2: ignore root's own AWS files.
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        env.update(pip_environment())
        # The release's wheels, resolved and built once through that configuration (wheelhouse()).
        env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse()))
        # This machine's Redis, shared with others (see the top): a database and a prefix of our own.
        env["PHOTOSHARE_LOCAL_CACHE_URL"] = REDIS_URL
        env["DJANGO_CACHE_KEY_PREFIX"] = self.cache_prefix
        # Stopping the worker at clean-up would wait out a 20 s poll (per instance) otherwise.
        env["PHOTOSHARE_JOBS_WAIT_SECONDS"] = "1"
        return env

    # --- acting -------------------------------------------------------------------------------
    def run(self, timeout=240):
        """Run the user data as cloud-init does; returns a Run. Kills the run at the timeout."""
        self.start()
        return self.wait(timeout)

    def start(self):
        """Start the user data's run (as cloud-init does) without waiting for it."""
        output = self.dir / f"run-{len(self.runs) + 1}.out"
        with output.open("wb") as out:
            process = subprocess.Popen(
                [str(self.part)],
                env=self.environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pending = (process, output, time.monotonic())

    def wait(self, timeout=240):
        """The started run, once it ends; a Run. Kills it at the timeout (seconds from its start)."""
        process, output, started = self.pending
        try:
            process.wait(timeout=max(1, started + timeout - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.pending = None
        run = Run(process.returncode, time.monotonic() - started, output.read_text(errors="replace"))
        self.runs.append(run)
        return run

    def running(self):
        return self.pending is not None and self.pending[0].poll() is None

    def systemctl(self, *args):
        return subprocess.run(
            [str(SHIMS / "systemctl"), *args],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def main_pid(self, unit):
        path = self.root / f"run/systemctl-rehearsal/{unit}.pid"
        return int(path.read_text()) if path.exists() else None

    # --- looking ------------------------------------------------------------------------------
    def path(self, relative):
        return self.root / relative

    def snapshot(self):
        """What the user data leaves behind: files (mode, owner, content), releases, accounts."""
        state = {}
        for relative in STATE_PATHS:
            path = self.root / relative
            info = os.lstat(path)
            entry = [oct(info.st_mode), info.st_uid, info.st_gid]
            if path.is_symlink():
                entry.append(os.readlink(path))
            elif path.is_file() and relative.endswith(".log"):
                entry = entry[:1]  # the log grows with every run
            elif path.is_file():
                entry.append(hashlib.sha256(path.read_bytes()).hexdigest())
            state[relative] = entry
        state["releases"] = sorted(os.listdir(self.root / "opt/photoshare/releases"))
        state["enabled units"] = sorted(os.listdir(self.root / "run/systemctl-rehearsal/enabled"))
        account = pwd.getpwnam(APP_USER)
        state["app user"] = (account.pw_uid, account.pw_gid, account.pw_dir, account.pw_shell)
        state["app group members"] = sorted(grp.getgrnam(APP_USER).gr_mem)
        return state

    def logs(self):
        """Every log the run produced, for the assertion messages and the secrecy check."""
        found = {f"run-{number}": run.output for number, run in enumerate(self.runs, 1)}
        for path in sorted((self.root / "var/log").rglob("*")):
            if path.is_file():
                found[str(path.relative_to(self.root))] = path.read_text(errors="replace")
        return found

    def mail_to(self, address):
        """The mail SES (moto) accepted for `address`, oldest first, as email.message.EmailMessage."""
        return [
            email.message_from_string(sent["raw"], policy=email.policy.default)
            for sent in self.moto.sent_mail()
            if any(email.utils.parseaddr(to)[1] == address for to in sent["destinations"])
        ]

    def redis_keys(self):
        """This run's keys in Redis: the default cache's (list pages: prefix + "lists"), and the
        media URLs of its bucket."""
        client = redis.Redis.from_url(REDIS_URL)
        try:
            return [
                *client.scan_iter(match=f"{self.cache_prefix}*", count=1000),
                *client.scan_iter(match=f":*:media-url:{STACK}-media:*", count=1000),
            ]
        finally:
            client.close()

    def diagnostics(self, tail=60):
        parts = []
        for name, text in self.logs().items():
            lines = text.splitlines()[-tail:]
            parts.append(f"----- {name} (last {len(lines)} lines)\n" + "\n".join(lines))
        return "\n".join(parts)

    # --- cleaning up --------------------------------------------------------------------------
    def clean_up(self):
        if self.pending is not None:  # a run still going (a failed test)
            with contextlib.suppress(OSError):
                os.killpg(self.pending[0].pid, signal.SIGKILL)
            self.pending[0].wait()
        with contextlib.suppress(Exception):
            self.systemctl(
                "stop", "nginx.service", "photoshare.service", "photoshare-worker.service", "redis6.service"
            )
        for pid_file in [*self.root.glob("run/systemctl-rehearsal/*.pid"), self.root / "run/nginx.pid"]:
            with contextlib.suppress(ValueError, OSError):
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
        if self.twin_of is not None:  # the first instance cleans up moto, the database, the user
            self._remove_dir()
            return
        self.moto.stop()
        with contextlib.suppress(Exception):  # only this run's keys, never FLUSHDB
            keys = self.redis_keys()
            if keys:
                client = redis.Redis.from_url(REDIS_URL)
                client.delete(*keys)
                client.close()
        with contextlib.suppress(Exception):
            import MySQLdb

            connection = MySQLdb.connect(connect_timeout=3, **DB)
            cursor = connection.cursor()
            cursor.execute(f"DROP DATABASE IF EXISTS `{self.db_name}`")
            cursor.execute("DROP USER IF EXISTS %s@'%%'", (self.db_name,))
            connection.close()
        if not self.nginx_user_in_group:
            subprocess.run(["gpasswd", "-d", NGINX_USER, APP_USER], capture_output=True)
        if not self.user_existed:
            subprocess.run(["userdel", APP_USER], capture_output=True)
            subprocess.run(["groupdel", APP_USER], capture_output=True)
        self._remove_dir()

    def _remove_dir(self):
        if os.environ.get("PHOTOSHARE_REHEARSAL_KEEP"):
            print(f"rehearsal kept in {self.dir}")
            return
        # Deleting a stage (its release's venv, static files and source: tens of thousands of files)
        # took 35-55 s of the pair's teardown on this machine's disk (ext4, online discard). Moved
        # aside at once and deleted by a shell of its own in the background: the next test does not
        # wait for the disk.
        trash = self.dir.with_name(f"{self.dir.name}.deleting")
        try:
            self.dir.rename(trash)
        except OSError:
            shutil.rmtree(self.dir, ignore_errors=True)
            return
        subprocess.run(["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(trash)], check=True)


def _exists(lookup, name):
    try:
        lookup(name)
    except KeyError:
        return False
    return True


class LoadBalancer:
    """The ALB's stand-in: an nginx of its own in front of the instances' nginx (see the top)."""

    def __init__(self, directory, backends):
        self.dir = directory
        self.port = free_port()
        self.backends = backends  # ports of the instances' nginx
        self.conf = directory / "load-balancer.conf"
        self.pid_file = directory / "load-balancer.pid"
        self.access_log = directory / "load-balancer-access.log"

    def config(self):
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.backends
        )
        temp = self.dir / "load-balancer-temp"  # request bodies and answers buffered to disk
        return f"""# The rehearsal's load balancer (deploy/tests/rehearsal/harness.py); never on an instance.
user {NGINX_USER};
worker_processes 1;  # one round robin for every request
error_log {self.dir}/load-balancer-error.log notice;
pid {self.pid_file};
events {{
    worker_connections 256;
}}
http {{
    log_format balancer '$msec "$request" $status upstreams="$upstream_addr" statuses="$upstream_status"';
    access_log {self.access_log} balancer;
    client_max_body_size {MAX_UPLOAD_BYTES * 2};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    upstream instances {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://instances;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;  # TLS ends here, as at the ALB
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # Idempotent requests only (nginx never retries a POST unless told): on the other
            # instance when this one cannot be reached, times out or its nginx answers 502.
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 10s;
            add_header X-Rehearsal-Upstream $upstream_addr always;
        }}
    }}
}}
"""

    def start(self):
        self.conf.write_text(self.config())
        temp = self.dir / "load-balancer-temp"
        temp.mkdir(exist_ok=True)
        account = pwd.getpwnam(NGINX_USER)
        os.chown(temp, account.pw_uid, account.pw_gid)
        nginx = ["nginx", "-c", str(self.conf), "-e", str(self.dir / "load-balancer-error.log")]
        subprocess.run([*nginx, "-q", "-t"], check=True, capture_output=True)
        subprocess.run(nginx, check=True, capture_output=True)

    def log(self):
        """[(epoch seconds, request line, status, [upstreams], [statuses])] of every request."""
        entries = []
        if not self.access_log.exists():
            return entries
        pattern = re.compile(r'^(\S+) "([^"]*)" (\d+) upstreams="([^"]*)" statuses="([^"]*)"$')
        for line in self.access_log.read_text().splitlines():
            match = pattern.match(line)
            if match:
                when, request, status, upstreams, statuses = match.groups()
                entries.append(
                    (float(when), request, int(status), upstreams.split(", "), statuses.split(", "))
                )
        return entries

    def stop(self):
        # The master leads the process group of its worker (nginx makes its own session).
        with contextlib.suppress(ValueError, OSError):
            os.killpg(int(self.pid_file.read_text()), signal.SIGKILL)


class Pair:
    """Two instances of the scaled topology on this host, booting at once, and the load balancer."""

    def __init__(self):
        self.a = Rehearsal()
        self.b = Rehearsal(twin_of=self.a)
        self.prefix = self.a.cache_prefix
        self.instances = [self.a, self.b]
        self.balancer = LoadBalancer(self.a.dir, [self.a.port, self.b.port])
        self.migrations_waited = None

    @property
    def port(self):
        return self.balancer.port

    def name(self, port):
        """ "a" or "b": the instance whose nginx listens on `port` ("127.0.0.1:port" works too)."""
        port = int(str(port).rsplit(":", 1)[-1])
        return {self.a.port: "a", self.b.port: "b"}[port]

    def set_up(self):
        self.a.set_up(**SCALED)
        self.b.set_up()
        # One host, one /etc/passwd (see the top): the app user exists before both boots.
        if not self.a.user_existed:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--user-group",
                    "--home-dir",
                    str(self.a.root / "opt/photoshare"),
                    "--no-create-home",
                    "--shell",
                    "/sbin/nologin",
                    APP_USER,
                ],
                check=True,
                capture_output=True,
            )
        subprocess.run(["usermod", "-a", "-G", APP_USER, NGINX_USER], check=True, capture_output=True)

    def boot(self, timeout=300):
        """First boot of both at once; returns their Runs.

        So that both are seen waiting for the migration lock at the same moment (not one done
        before the other arrives), the harness holds the lock from the moment the first one has
        its env file (it then collects the static files before it migrates) until both wait for
        it in MariaDB, and then lets go: the two race for it. self.migrations_waited says whether
        both were seen waiting.
        """
        import MySQLdb

        holder = MySQLdb.connect(connect_timeout=3, **DB)
        cursor = holder.cursor()
        held = False
        try:
            for instance in self.instances:
                instance.start()
            deadline = time.monotonic() + timeout
            env_files = [instance.path("etc/photoshare/env") for instance in self.instances]
            while time.monotonic() < deadline and all(i.running() for i in self.instances):
                if any(path.exists() for path in env_files):
                    cursor.execute("SELECT GET_LOCK(%s, 0)", (MIGRATE_LOCK,))
                    held = cursor.fetchone()[0] == 1
                    break
                time.sleep(0.02)
            self.migrations_waited = False
            while held and time.monotonic() < deadline and all(i.running() for i in self.instances):
                cursor.execute(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = %s AND INFO LIKE %s",
                    (self.a.db_name, "SELECT GET_LOCK%"),
                )
                if cursor.fetchone()[0] == 2:
                    self.migrations_waited = True
                    break
                time.sleep(0.05)
        finally:
            if held:
                cursor.execute("SELECT RELEASE_LOCK(%s)", (MIGRATE_LOCK,))
            holder.close()
        return [instance.wait(timeout) for instance in self.instances]

    def migrations(self):
        """(rows of django_migrations, distinct (app, name) among them) in the shared database."""
        import MySQLdb

        connection = MySQLdb.connect(connect_timeout=3, database=self.a.db_name, **DB)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT COUNT(*), COUNT(DISTINCT app, name) FROM django_migrations")
            return cursor.fetchone()
        finally:
            connection.close()

    def redis_keys(self):
        return self.a.redis_keys()

    def clean_up(self):
        self.balancer.stop()
        self.b.clean_up()
        self.a.clean_up()  # deletes the run's Redis keys once both instances are stopped
