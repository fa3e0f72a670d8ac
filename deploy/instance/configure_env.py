"""Write /etc/photoshare/env from Secrets Manager: the one step of deploy/instance/deploy.sh
that sees secrets.

deploy.sh runs it as root with the release's Python, the PHOTOSHARE_* settings of the user data
(names of secrets, never secrets) in its environment, and two more:

    PHOTOSHARE_ENV_FILE=/etc/photoshare/env PHOTOSHARE_USER=photoshare venv/bin/python configure_env.py

The secrets stay inside this process; bash never holds one. With PHOTOSHARE_DB_ACCOUNT=create
(the single instance, or the scaled stack's one-off database-setup instance) it reads the RDS
master account and creates the database and the app's own account, which is the only one the env
file names, so RDS rotating the master password does not affect the site. The scaled stack's web
instances ("exists") never read the master secret: their role may not.
"""

import json
import os
import pwd
import re
from dataclasses import dataclass, field
from urllib.parse import quote

# MySQL identifiers used unquoted in the statements below.
IDENTIFIER = re.compile(r"\w{1,32}")
# With these characters, single quotes mean the same to systemd's EnvironmentFile= and to bash.
ENV_VALUE = re.compile(r"[^\s'\"\\$`]+")
# Set only by the rehearsal: moto's endpoints, the key prefix of its Redis, which it shares with
# the test suite, and a 1 s queue wait so its workers stop at once (deploy/tests/rehearsal/harness.py).
REHEARSAL_ONLY = (
    "AWS_ENDPOINT_URL",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "DJANGO_CACHE_KEY_PREFIX",
    "PHOTOSHARE_JOBS_WAIT_SECONDS",
)
# The instance's own Redis, when the stack has no shared cache (Topology=single): deploy.sh then
# installs AL2023's redis6, which listens on 127.0.0.1 only. The rehearsal's machine shares its Redis
# with others, so the rehearsal names a database of its own (PHOTOSHARE_LOCAL_CACHE_URL).
LOCAL_CACHE_URL = "redis://127.0.0.1:6379/0"


def cache_url(environ):
    """The Redis of the rate limits, media URLs and list pages: the stack's, else the instance's own.

    A scaled web server ("exists": one of a group behind a load balancer) must share the stack's
    ElastiCache: a Redis of its own would count every limit once per instance. The template's
    Rules refuse Topology=scaled without CacheNodeType; this refuses it again here.
    """
    if environ.get("PHOTOSHARE_CACHE_URL"):
        return environ["PHOTOSHARE_CACHE_URL"]
    if environ.get("PHOTOSHARE_DB_ACCOUNT") == "exists":
        raise SystemExit(
            "PHOTOSHARE_CACHE_URL is empty on a scaled web server: its rate limits need the stack's "
            "shared Redis (CacheNodeType), not one per instance"
        )
    return environ.get("PHOTOSHARE_LOCAL_CACHE_URL") or LOCAL_CACHE_URL


@dataclass(frozen=True)
class Database:
    host: str
    port: str
    name: str
    user: str
    password: str = field(repr=False)  # kept out of tracebacks and logs
    ssl_mode: str = ""
    ssl_ca: str = ""  # the CA bundle the server's certificate must chain to

    def __post_init__(self):
        if not (IDENTIFIER.fullmatch(self.name) and IDENTIFIER.fullmatch(self.user)):
            raise SystemExit("database and user names may hold only letters, digits and _")

    @property
    def url(self):
        user, password = quote(self.user, safe=""), quote(self.password, safe="")
        url = f"mysql://{user}:{password}@{self.host}:{self.port}/{self.name}"
        return url + (f"?ssl_mode={self.ssl_mode}" if self.ssl_mode else "")

    def create(self, connect, master):
        """Create the database and the app's account if needed, with master's dict of credentials."""
        tls = {"ssl_mode": self.ssl_mode} if self.ssl_mode else {}
        if self.ssl_ca:
            tls["ssl"] = {"ca": self.ssl_ca}
        connection = connect(
            host=self.host,
            port=int(self.port),
            user=master["username"],
            password=master["password"],
            connect_timeout=10,
            **tls,
        )
        try:
            cursor = connection.cursor()
            cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{self.name}` CHARACTER SET utf8mb4")
            cursor.execute("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (self.user, self.password))
            cursor.execute("ALTER USER %s@'%%' IDENTIFIED BY %s", (self.user, self.password))
            cursor.execute(f"GRANT ALL PRIVILEGES ON `{self.name}`.* TO %s@'%%'", (self.user,))
        finally:
            connection.close()


def env_values(environ, database_url, secret_key, ssl_ca=""):
    """The settings of the env file, from the user data's settings and the two secret values."""
    https = environ.get("PHOTOSHARE_BEHIND_LOAD_BALANCER") == "true"  # TLS ends there
    shared_cache = cache_url(environ)
    values = {
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_DEBUG": "false",
        # localhost: nginx sends /healthz with it, whatever address a load balancer asked for.
        "DJANGO_ALLOWED_HOSTS": environ["PHOTOSHARE_HOSTS"] + ",localhost",
        # Links in mails the worker sends (no request to take a host from): the last host is the
        # public name (the domain, CloudFront's, or a single instance's address; the template says).
        "PHOTOSHARE_SITE_URL": f"{'https' if https else 'http'}://{environ['PHOTOSHARE_HOSTS'].split(',')[-1]}",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
        # No TLS without a load balancer: no redirect, HSTS, Secure cookies.
        **(
            {}
            if https
            else {
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
            }
        ),
        # X-Forwarded-For entries in front of the app: nginx, the ALB, CloudFront (the template says).
        "PHOTOSHARE_TRUSTED_PROXY_COUNT": environ.get("PHOTOSHARE_TRUSTED_PROXIES")
        or ("2" if https else "1"),
        # Rate limits, media URLs and list pages shared by every worker of every instance, in Redis,
        # whose INCR is atomic (a database cache's increments are not: concurrent bad logins slip
        # past the limit): the stack's ElastiCache, or the single instance's own (cache_url).
        "DJANGO_CACHE_URL": shared_cache,
        "PHOTOSHARE_MEDIA_URL_CACHE_URL": shared_cache,
        "PHOTOSHARE_LIST_CACHE_URL": shared_cache,
        # A process trusts the list pages' generation for 1 s: most pages then make no round trip
        # to Redis; another visitor's write shows within 1 s (the lists index lags about as much),
        # a browser's own at once (gallery/web/list_writes.py).
        "PHOTOSHARE_LIST_GENERATION_SECONDS": "1",
        "DATABASE_URL": database_url,
        **({"DATABASE_SSL_CA": ssl_ca} if ssl_ca else {}),
        "AWS_REGION": environ["PHOTOSHARE_REGION"],
        "AWS_STORAGE_BUCKET_NAME": environ["PHOTOSHARE_BUCKET"],
        "DYNAMODB_TABLE_NAME": environ["PHOTOSHARE_TABLE"],
        # The one source of the upload limit: Django reads it, and nginx's limit comes from Django.
        "PHOTOSHARE_MAX_UPLOAD_BYTES": environ["PHOTOSHARE_MAX_UPLOAD_BYTES"],
    }
    # The sender of the site's mail: the address the role may send as through SES (MailFromAddress).
    if environ.get("PHOTOSHARE_MAIL_FROM"):
        values["DEFAULT_FROM_EMAIL"] = environ["PHOTOSHARE_MAIL_FROM"]
    # The job queue of direct uploads (the stack's JobQueue); without it, the app's default name.
    if environ.get("PHOTOSHARE_QUEUE"):
        values["PHOTOSHARE_JOBS_QUEUE"] = environ["PHOTOSHARE_QUEUE"]
    for name in REHEARSAL_ONLY:
        if environ.get(name):
            values[name] = environ[name]
    return values


def env_file_text(values):
    """NAME='value' lines, the same to systemd's EnvironmentFile= and to bash's `.`."""
    lines = []
    for name, value in values.items():
        if not ENV_VALUE.fullmatch(value):
            raise SystemExit(f"{name} is empty or holds a character the env file cannot carry")
        lines.append(f"{name}='{value}'\n")
    return "".join(lines)


def write_env_file(path, text, user):
    """Replace path with text, mode 0600 and owned by user from the start."""
    account = pwd.getpwnam(user)
    new = path + ".new"
    with open(os.open(new, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write(text)
    os.chown(new, account.pw_uid, account.pw_gid)
    os.chmod(new, 0o600)
    os.replace(new, path)


def main(environ=os.environ, secrets=None, connect=None):
    """Read the secrets, create the app's database account, write the env file."""
    if secrets is None:
        import boto3

        secrets = boto3.client("secretsmanager", region_name=environ["PHOTOSHARE_REGION"])
    if connect is None:
        import MySQLdb

        connect = MySQLdb.connect

    def secret(name):
        return secrets.get_secret_value(SecretId=environ[name])["SecretString"]

    app = json.loads(secret("PHOTOSHARE_DB_APP_SECRET"))
    database = Database(
        host=environ["PHOTOSHARE_DB_HOST"],
        port=environ["PHOTOSHARE_DB_PORT"],
        name=environ["PHOTOSHARE_DB_NAME"],
        user=app["username"],
        password=app["password"],
        ssl_mode=environ.get("PHOTOSHARE_DB_SSL_MODE", ""),
        ssl_ca=environ.get("PHOTOSHARE_DB_SSL_CA", ""),
    )
    if environ.get("PHOTOSHARE_DB_ACCOUNT", "create") == "create":
        database.create(connect, json.loads(secret("PHOTOSHARE_DB_MASTER_SECRET")))
    values = env_values(environ, database.url, secret("PHOTOSHARE_SECRET_KEY_SECRET"), database.ssl_ca)
    path = environ["PHOTOSHARE_ENV_FILE"]
    write_env_file(path, env_file_text(values), environ["PHOTOSHARE_USER"])
    print(f"wrote {path} ({len(values)} settings) for {database.user} on database {database.name}")


if __name__ == "__main__":
    main()
