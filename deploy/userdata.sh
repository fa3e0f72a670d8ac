#!/bin/bash
# photoshare on Amazon Linux 2023: EC2 user data, run as root at first boot (docs/deploy.md).
# Kept as /usr/local/sbin/photoshare-deploy [VERSION] for later deploys; a rerun changes nothing.
# deploy/cloudformation.yaml embeds it after the PHOTOSHARE_* settings (names, never secrets).
# Set only by the rehearsal (deploy/tests/test_rehearsal.py): PHOTOSHARE_ROOT (prefix of every
# path written), _LISTEN, _NGINX_USER, _CFN_SIGNAL, AWS_ENDPOINT_URL and the metadata endpoint.
set -euo pipefail
umask 022
for name in "${!PHOTOSHARE_@}"; do export "${name?}"; done

ROOT=${PHOTOSHARE_ROOT:-}
VERSION=${1:-${PHOTOSHARE_APP_VERSION:-}}
APP_USER=photoshare
APP_HOME=$ROOT/opt/photoshare
RELEASES=$APP_HOME/releases
CURRENT=$APP_HOME/current
ENV_FILE=$ROOT/etc/photoshare/env
SOCKET=$ROOT/run/photoshare/gunicorn.sock
NGINX_CONF=$ROOT/etc/nginx/nginx.conf
MANAGE=$ROOT/usr/local/bin/photoshare-manage
LOG=$ROOT/var/log/photoshare-userdata.log
LISTEN=${PHOTOSHARE_LISTEN:-80 [::]:80}
NGINX_USER=${PHOTOSHARE_NGINX_USER:-nginx}
CFN_SIGNAL=${PHOTOSHARE_CFN_SIGNAL:-/opt/aws/bin/cfn-signal}
PACKAGES=(python3.11 python3.11-devel python3.11-pip gcc pkgconf-pkg-config mariadb-connector-c-devel
  nginx git tar awscli-2 aws-cfn-bootstrap)
export HOME=${HOME:-/root} PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

install -d -m 0755 "$ROOT/var/log" "$ROOT/var/lib/photoshare" "$ROOT/run"
touch "$LOG" && chmod 0600 "$LOG"
exec > >(tee -a "$LOG") 2>&1
TEE_PID=$!
exec 9>"$ROOT/run/photoshare-deploy.lock"
flock -w 900 9

log() { printf '%s photoshare-deploy: %s\n' "$(date -u +%FT%TZ)" "$*"; }

STEP=start
RELEASE_ID=""
finish() {
  local status=$?
  trap - EXIT
  if [ "$status" -eq 0 ]; then
    log "SUCCESS: release $RELEASE_ID ($VERSION) is live and /healthz answers 200"
  else
    log "FAILURE: step \"$STEP\" failed with status $status; the lines above say why"
  fi
  # Tell CloudFormation once, on the run that creates the instance.
  local marker=$ROOT/var/lib/photoshare/cfn-signalled
  if [ -n "${PHOTOSHARE_CFN_STACK:-}" ] && [ ! -e "$marker" ]; then
    if "$CFN_SIGNAL" --success "$([ "$status" -eq 0 ] && echo true || echo false)" --stack "$PHOTOSHARE_CFN_STACK" \
      --resource "${PHOTOSHARE_CFN_RESOURCE:-WebServer}" --region "${PHOTOSHARE_REGION:-}"; then
      touch "$marker"
    else
      log "cfn-signal failed; the stack will time out"
    fi
  fi
  exec >&- 2>&-
  wait "$TEE_PID" || true
  exit "$status"
}
trap finish EXIT

retry() {  # retry CMD...: three attempts, for the network steps
  local n
  for n in 1 2 3; do
    if "$@"; then return 0; fi
    log "attempt $n of $1 failed" && sleep $((n * 5))
  done
  return 1
}

put() {  # put FILE MODE < CONTENT: replace FILE in one step
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  mv -f "$tmp" "$1"
}

STEP="checking the settings"
for name in PHOTOSHARE_REGION PHOTOSHARE_APP_SOURCE PHOTOSHARE_BUCKET PHOTOSHARE_TABLE PHOTOSHARE_DB_HOST \
  PHOTOSHARE_DB_PORT PHOTOSHARE_DB_NAME PHOTOSHARE_DB_MASTER_SECRET PHOTOSHARE_DB_APP_SECRET \
  PHOTOSHARE_SECRET_KEY_SECRET PHOTOSHARE_HOSTS PHOTOSHARE_MAX_UPLOAD_BYTES VERSION; do
  [ -n "${!name:-}" ] || { log "setting $name is missing"; exit 1; }
done
log "deploying $VERSION from $PHOTOSHARE_APP_SOURCE"

STEP="installing packages"
retry dnf install -y -q "${PACKAGES[@]}"

STEP="creating the app user"
id -u "$APP_USER" >/dev/null 2>&1 \
  || useradd --system --user-group --home-dir "$APP_HOME" --no-create-home --shell /sbin/nologin "$APP_USER"
# nginx reaches gunicorn's socket through the app's group.
usermod -a -G "$APP_USER" "$NGINX_USER"
install -d -m 0755 "$APP_HOME" "$RELEASES" "$(dirname "$MANAGE")" "$ROOT/usr/local/sbin" \
  "$ROOT/etc/systemd/system" "$ROOT/etc/nginx" "$ROOT/var/log/nginx"
install -d -m 0750 -o root -g "$APP_USER" "$(dirname "$ENV_FILE")"

STEP="fetching $VERSION"
find "$RELEASES" -mindepth 1 -maxdepth 1 -name '.staging.*' -exec rm -rf {} +
staging=$(mktemp -d "$RELEASES/.staging.XXXXXX")
chmod 0755 "$staging"
case $PHOTOSHARE_APP_SOURCE in
  s3://*)
    retry aws s3 cp --only-show-errors --region "$PHOTOSHARE_REGION" \
      "${PHOTOSHARE_APP_SOURCE%/}/$VERSION.tar.gz" "$staging.tar.gz"
    RELEASE_ID=$(sha256sum "$staging.tar.gz" | cut -c1-12)
    tar -xzf "$staging.tar.gz" -C "$staging" --no-same-owner
    rm -f "$staging.tar.gz"
    ;;
  *)
    git -C "$staging" -c init.defaultBranch=main init -q
    retry git -C "$staging" fetch -q --depth 1 "$PHOTOSHARE_APP_SOURCE" "$VERSION"
    git -C "$staging" checkout -q FETCH_HEAD
    RELEASE_ID=$(git -C "$staging" rev-parse --short=12 FETCH_HEAD)
    rm -rf "$staging/.git"
    ;;
esac
RELEASE=$RELEASES/$RELEASE_ID
if [ -e "$RELEASE/.complete" ]; then
  log "release $RELEASE_ID is already built"
  rm -rf "$staging"
else
  rm -rf "$RELEASE"
  mv "$staging" "$RELEASE"
  STEP="installing requirements.txt of $RELEASE_ID"
  python3.11 -m venv "$RELEASE/venv"
  retry "$RELEASE/venv/bin/pip" install -q -r "$RELEASE/requirements.txt"
fi

STEP="writing $ENV_FILE from Secrets Manager"
# Secrets stay inside this Python process. The RDS master account only creates the app's own,
# so RDS rotating the master password does not affect the site.
PHOTOSHARE_ENV_FILE=$ENV_FILE PHOTOSHARE_USER=$APP_USER "$RELEASE/venv/bin/python" - <<'PY'
import json, os, pwd, re
from urllib.parse import quote
import boto3, MySQLdb

e = os.environ
secrets = boto3.client("secretsmanager", region_name=e["PHOTOSHARE_REGION"])
def secret(name):
    return secrets.get_secret_value(SecretId=e[name])["SecretString"]

master = json.loads(secret("PHOTOSHARE_DB_MASTER_SECRET"))
app = json.loads(secret("PHOTOSHARE_DB_APP_SECRET"))
db, user, host, port = e["PHOTOSHARE_DB_NAME"], app["username"], e["PHOTOSHARE_DB_HOST"], e["PHOTOSHARE_DB_PORT"]
if not (re.fullmatch(r"\w{1,32}", db) and re.fullmatch(r"\w{1,32}", user)):
    raise SystemExit("database and user names may hold only letters, digits and _")
tls = {"ssl_mode": e["PHOTOSHARE_DB_SSL_MODE"]} if e.get("PHOTOSHARE_DB_SSL_MODE") else {}
connection = MySQLdb.connect(
    host=host, port=int(port), user=master["username"], password=master["password"], connect_timeout=10, **tls
)
cursor = connection.cursor()
cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{db}` CHARACTER SET utf8mb4")
cursor.execute("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (user, app["password"]))
cursor.execute("ALTER USER %s@'%%' IDENTIFIED BY %s", (user, app["password"]))
cursor.execute(f"GRANT ALL PRIVILEGES ON `{db}`.* TO %s@'%%'", (user,))
connection.close()

url = f"mysql://{quote(user, safe='')}:{quote(app['password'], safe='')}@{host}:{port}/{db}"
if tls:
    url += "?ssl_mode=" + tls["ssl_mode"]
https = e.get("PHOTOSHARE_BEHIND_LOAD_BALANCER") == "true"  # TLS ends there
values = {
    "DJANGO_SECRET_KEY": secret("PHOTOSHARE_SECRET_KEY_SECRET"),
    "DJANGO_DEBUG": "false",
    # localhost: nginx sends /healthz with it, whatever address a load balancer asked for.
    "DJANGO_ALLOWED_HOSTS": e["PHOTOSHARE_HOSTS"] + ",localhost",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
    # No TLS without a load balancer: no redirect, HSTS, Secure cookies.
    **({} if https else {"DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
                         "DJANGO_SECURE_HSTS_SECONDS": "0"}),
    "PHOTOSHARE_TRUSTED_PROXY_COUNT": "2" if https else "1",  # XFF: ALB, nginx
    "DJANGO_CACHE_URL": "dbcache://photoshare_cache",  # shared rate limits
    "DATABASE_URL": url,
    "AWS_REGION": e["PHOTOSHARE_REGION"],
    "AWS_STORAGE_BUCKET_NAME": e["PHOTOSHARE_BUCKET"],
    "DYNAMODB_TABLE_NAME": e["PHOTOSHARE_TABLE"],
    "PHOTOSHARE_MAX_UPLOAD_BYTES": e["PHOTOSHARE_MAX_UPLOAD_BYTES"],
}
for name in ("AWS_ENDPOINT_URL", "AWS_EC2_METADATA_SERVICE_ENDPOINT"):  # set only in the rehearsal
    if e.get(name):
        values[name] = e[name]
lines = []
for name, value in values.items():
    # With these characters, quotes mean the same to systemd's EnvironmentFile= and to bash.
    if not re.fullmatch(r"[^\s'\"\\$`]+", value):
        raise SystemExit(f"{name} is empty or holds a character the env file cannot carry")
    lines.append(f"{name}='{value}'\n")
path = e["PHOTOSHARE_ENV_FILE"]
account = pwd.getpwnam(e["PHOTOSHARE_USER"])
with open(os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
    file.write("".join(lines))
os.chown(path + ".new", account.pw_uid, account.pw_gid)
os.chmod(path + ".new", 0o600)
os.replace(path + ".new", path)
print(f"wrote {path} ({len(values)} settings); {user} may use database {db}")
PY

put "$MANAGE" 0755 <<EOF
#!/bin/bash
# manage.py of the live release as $APP_USER, with the app's settings. Written by photoshare-deploy.
# Example: sudo $MANAGE createsuperuser
set -euo pipefail
release=\${PHOTOSHARE_RELEASE:-$CURRENT}
cd /
# shellcheck disable=SC2016 # \$1 and \$2 are the inner bash's
exec runuser -u $APP_USER -- env -i PATH=/usr/bin:/bin HOME=$APP_HOME LANG=C.UTF-8 \\
  bash -c 'set -ae; . "\$1"; set +a; cd "\$2"; shift 2; exec venv/bin/python manage.py "\$@"' \\
  photoshare-manage $ENV_FILE "\$release" "\$@"
EOF

if [ ! -e "$RELEASE/.complete" ]; then
  STEP="collecting the static files of $RELEASE_ID"
  # shellcheck source=/dev/null
  (set -a && . "$ENV_FILE" && set +a && cd "$RELEASE" && venv/bin/python manage.py collectstatic --noinput -v 0)
  "$RELEASE/venv/bin/python" -m compileall -q -x /venv/ "$RELEASE" >/dev/null  # the app user cannot write .pyc
  touch "$RELEASE/.complete"
fi

STEP="migrating the database"
PHOTOSHARE_RELEASE=$RELEASE "$MANAGE" migrate --noinput
PHOTOSHARE_RELEASE=$RELEASE "$MANAGE" createcachetable
STEP="checking the bucket and the table"
PHOTOSHARE_RELEASE=$RELEASE "$MANAGE" init_aws

STEP="switching to release $RELEASE_ID"
touch "$RELEASE"
ln -sfn "$RELEASE" "$CURRENT.new"
mv -Tf "$CURRENT.new" "$CURRENT"

STEP="writing the gunicorn and nginx configuration"
# 2 workers per CPU + 1, but at most one per 256 MB of memory, and 16.
workers=$(awk -v cpus="$(nproc)" '/MemTotal/ {w = 2 * cpus + 1; m = int($2 / 262144)
  if (m < w) w = m; if (w > 16) w = 16; if (w < 2) w = 2; print w}' /proc/meminfo)
put "$ROOT/etc/systemd/system/photoshare.service" 0644 <<EOF
# Written by photoshare-deploy (deploy/userdata.sh).
[Unit]
Description=photoshare (gunicorn)
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
User=$APP_USER
Group=$APP_USER
WorkingDirectory=$CURRENT
EnvironmentFile=$ENV_FILE
RuntimeDirectory=photoshare
RuntimeDirectoryMode=0750
ExecStart=$CURRENT/venv/bin/gunicorn photoshare.wsgi:application --bind unix:$SOCKET --umask 0o007 --workers $workers --timeout 60 --forwarded-allow-ips=* --access-logfile -
ExecReload=/bin/kill -s HUP \$MAINPID
Restart=on-failure
RestartSec=2
KillMode=mixed
TimeoutStopSec=30
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
ProtectHome=true

[Install]
WantedBy=multi-user.target
EOF

listen_lines=""
read -ra addresses <<<"$LISTEN"
for address in "${addresses[@]}"; do
  listen_lines+="        listen $address default_server;"$'\n'
done
# Behind a load balancer the browser's scheme comes from its X-Forwarded-Proto; without one, a
# client could claim https, so nginx states its own. (nginx variables, not shell ones:)
# shellcheck disable=SC2016
if [ "${PHOTOSHARE_BEHIND_LOAD_BALANCER:-false}" = true ]; then proto='$forwarded_proto'; else proto='$scheme'; fi
put "$NGINX_CONF" 0644 <<EOF
# Written by photoshare-deploy (deploy/userdata.sh); a new deploy overwrites it.
user $NGINX_USER;
worker_processes auto;
error_log $ROOT/var/log/nginx/error.log notice;
pid $ROOT/run/nginx.pid;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $ROOT/var/log/nginx/access.log;
    sendfile on;
    keepalive_timeout 65;
    server_tokens off;
    # The largest photo and the form around it.
    client_max_body_size $((PHOTOSHARE_MAX_UPLOAD_BYTES + 1048576));

    upstream photoshare {
        server unix:$SOCKET fail_timeout=0;
    }
    map \$http_x_forwarded_proto \$forwarded_proto {
        default \$http_x_forwarded_proto;
        "" \$scheme;
    }
    # Hashed names (site.0123456789ab.css) never change; others may with a release.
    map \$uri \$static_expires {
        "~\\.[0-9a-f]{12}\\.[A-Za-z0-9]+\$" max;
        default 1h;
    }

    server {
$listen_lines        server_name _;

        location /static/ {
            alias $CURRENT/staticfiles/;
            expires \$static_expires;
            gzip_static on;
            access_log off;
        }

        location = /healthz {
            proxy_set_header Host localhost;
            proxy_set_header X-Forwarded-Proto $proto;
            proxy_pass http://photoshare;
        }

        location / {
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $proto;
            proxy_redirect off;
            proxy_read_timeout 70s;
            proxy_pass http://photoshare;
        }
    }
}
EOF

STEP="starting gunicorn and nginx"
nginx -t -q -c "$NGINX_CONF"
systemctl daemon-reload
systemctl enable photoshare.service nginx.service
systemctl restart photoshare.service
systemctl reload-or-restart nginx.service

STEP="checking /healthz through nginx"
first=${LISTEN%% *}
case $first in *:*) target=$first ;; *) target=127.0.0.1:$first ;; esac
body=$(mktemp)
status=000
for _ in $(seq 30); do
  status=$(curl -sS -m 10 -o "$body" -w '%{http_code}' "http://$target/healthz") || status=000
  [ "$status" = 200 ] && break
  sleep 2
done
log "/healthz answered $status: $(head -c 300 "$body")"
rm -f "$body"
[ "$status" = 200 ]

STEP="cleaning up"
# Keep the live release and the two newest others, for a rollback without a rebuild.
find "$RELEASES" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\n' | sort -rn | tail -n +4 \
  | cut -d' ' -f2- | while read -r old; do
  [ "$old" -ef "$CURRENT" ] || rm -rf "$old"
done
if [ -f "$0" ] && ! [ "$0" -ef "$ROOT/usr/local/sbin/photoshare-deploy" ]; then
  install -m 0700 "$0" "$ROOT/usr/local/sbin/photoshare-deploy"
fi
