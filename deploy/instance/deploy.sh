#!/bin/bash
# photoshare on Amazon Linux 2023: the release's own deploy script (docs/deploy.md). The user data's
# bootstrap (in deploy/cloudformation.yaml, kept as /usr/local/sbin/photoshare-deploy [VERSION]) puts
# a release in /opt/photoshare/releases/<id> and runs its copy of this file as root, with the stack's
# PHOTOSHARE_* settings exported (names, never secrets), PHOTOSHARE_INSTANCE_ROLE and
# PHOTOSHARE_BOOTSTRAP (its own path), the deploy lock held and the output going to the deploy log.
# This builds the release (two levels above this file), installs the files of its deploy/instance
# and switches to it; a rerun changes nothing. The bootstrap signals CloudFormation on our status.
# database-setup (the scaled stack's one-off step, the only role that may read the RDS master
# secret) makes the app's account and migrates, and stops there.
# Set only by the rehearsal (deploy/tests/test_rehearsal.py): PHOTOSHARE_ROOT (prefix of every
# path written), _LISTEN, _NGINX_USER and AWS_ENDPOINT_URL.
set -euo pipefail
umask 022

ROOT=${PHOTOSHARE_ROOT:-}
RELEASE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
RELEASE_ID=${RELEASE##*/}
ROLE=${PHOTOSHARE_INSTANCE_ROLE:-site}
APP_USER=photoshare
APP_HOME=$ROOT/opt/photoshare
RELEASES=$APP_HOME/releases
CURRENT=$APP_HOME/current
ENV_FILE=$ROOT/etc/photoshare/env
SOCKET=$ROOT/run/photoshare/gunicorn.sock
NGINX_CONF=$ROOT/etc/nginx/nginx.conf
MANAGE=$ROOT/usr/local/bin/photoshare-manage
DEPLOY_COMMAND=$ROOT/usr/local/sbin/photoshare-deploy
LOG=$ROOT/var/log/photoshare-userdata.log
LISTEN=${PHOTOSHARE_LISTEN:-80 [::]:80}
NGINX_USER=${PHOTOSHARE_NGINX_USER:-nginx}
PY=$RELEASE/venv/bin/python
INSTANCE=$RELEASE/deploy/instance
# git, tar, awscli-2 and aws-cfn-bootstrap: the bootstrap's, installed before it fetched us.
PACKAGES=(python3.12 python3.12-devel python3.12-pip gcc pkgconf-pkg-config mariadb-connector-c-devel
  nginx gettext amazon-cloudwatch-agent)
# No stack Redis (Topology=single): one here, shared by the workers (configure_env.py). AL2023's
# redis6.conf binds 127.0.0.1 -::1 with protected-mode on.
LOCAL_REDIS=$([ -z "${PHOTOSHARE_CACHE_URL:-}" ] && echo true || echo false)
if [ "$LOCAL_REDIS" = true ]; then PACKAGES+=(redis6); fi
if [ "$ROLE" = database-setup ]; then export PHOTOSHARE_DB_ACCOUNT=create; fi
export HOME=${HOME:-/root} PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

log() { printf '%s photoshare-deploy: %s\n' "$(date -u +%FT%TZ)" "$*"; }

STEP=start
failed() {  # the bootstrap then logs the one FAILURE line and signals; this says where it broke
  local status=$?
  [ "$status" -eq 0 ] || log "step \"$STEP\" of deploy.sh failed with status $status"
}
trap failed EXIT

retry() {  # retry CMD...: three attempts, for the network steps
  local n
  for n in 1 2 3; do
    if "$@"; then return 0; fi
    log "attempt $n of $1 failed" && sleep $((n * 5))
  done
  return 1
}

install_file() {  # install_file TEMPLATE DEST MODE NAME=VALUE...: deploy/instance/TEMPLATE filled in
  "$PY" "$INSTANCE/render.py" "$INSTANCE/$1" "${@:2}"
}
manage() { PHOTOSHARE_RELEASE=$RELEASE "$MANAGE" "$@"; }

STEP="checking the settings"
for name in PHOTOSHARE_REGION PHOTOSHARE_BUCKET PHOTOSHARE_TABLE PHOTOSHARE_DB_HOST PHOTOSHARE_DB_PORT \
  PHOTOSHARE_DB_NAME PHOTOSHARE_DB_MASTER_SECRET PHOTOSHARE_DB_APP_SECRET PHOTOSHARE_SECRET_KEY_SECRET \
  PHOTOSHARE_HOSTS PHOTOSHARE_MAX_UPLOAD_BYTES; do
  [ -n "${!name:-}" ] || { log "setting $name is missing"; exit 1; }
done
[ "$(dirname "$RELEASE")" -ef "$RELEASES" ] || { log "$RELEASE is not under $RELEASES"; exit 1; }
log "deploy.sh of release $RELEASE_ID, as $ROLE"
# The bootstrap (the user data itself) is the command of later deploys.
if [ -f "${PHOTOSHARE_BOOTSTRAP:-}" ] && ! [ "$PHOTOSHARE_BOOTSTRAP" -ef "$DEPLOY_COMMAND" ]; then
  install -D -m 0700 "$PHOTOSHARE_BOOTSTRAP" "$DEPLOY_COMMAND"
fi

STEP="installing packages"
retry dnf install -y -q "${PACKAGES[@]}"
if [ "$LOCAL_REDIS" = true ]; then
  STEP="starting Redis on 127.0.0.1"
  systemctl enable --now redis6.service
fi

STEP="creating the app user"
id -u "$APP_USER" >/dev/null 2>&1 \
  || useradd --system --user-group --home-dir "$APP_HOME" --no-create-home --shell /sbin/nologin "$APP_USER"
# nginx reaches gunicorn's socket through the app's group.
usermod -a -G "$APP_USER" "$NGINX_USER"
install -d -m 0755 "$APP_HOME" "$RELEASES" "$(dirname "$MANAGE")" "$ROOT/etc/systemd/system" \
  "$ROOT/etc/nginx" "$ROOT/var/log/nginx"
install -d -m 0750 -o root -g "$APP_USER" "$(dirname "$ENV_FILE")"

if [ ! -e "$RELEASE/.complete" ]; then
  STEP="installing requirements.txt of $RELEASE_ID"
  python3.12 -m venv "$RELEASE/venv"
  retry "$RELEASE/venv/bin/pip" install -q -r "$RELEASE/requirements.txt"
fi

if [ -n "${PHOTOSHARE_DB_SSL_CA_URL:-}" ]; then
  STEP="fetching the database's CA bundle"
  export PHOTOSHARE_DB_SSL_CA=$ROOT/etc/photoshare/database-ca.pem
  retry curl -fsS -m 30 -o "$PHOTOSHARE_DB_SSL_CA.new" "$PHOTOSHARE_DB_SSL_CA_URL"
  chmod 0644 "$PHOTOSHARE_DB_SSL_CA.new" && mv -f "$PHOTOSHARE_DB_SSL_CA.new" "$PHOTOSHARE_DB_SSL_CA"
fi

STEP="writing $ENV_FILE from Secrets Manager"
# The secrets stay inside this Python process (deploy/instance/configure_env.py).
PHOTOSHARE_ENV_FILE=$ENV_FILE PHOTOSHARE_USER=$APP_USER "$PY" "$INSTANCE/configure_env.py"
install_file photoshare-manage "$MANAGE" 0755 APP_USER="$APP_USER" APP_HOME="$APP_HOME" \
  CURRENT="$CURRENT" ENV_FILE="$ENV_FILE" MANAGE="$MANAGE"

if [ ! -e "$RELEASE/.complete" ]; then
  STEP="collecting the static files of $RELEASE_ID"
  # shellcheck source=/dev/null
  (set -a && . "$ENV_FILE" && set +a && cd "$RELEASE" && "$PY" manage.py collectstatic --noinput -v 0)
  # The translations (.mo files are built, never committed); from locale/, so nothing else is searched.
  # shellcheck source=/dev/null
  (set -a && . "$ENV_FILE" && set +a && cd "$RELEASE/locale" && "$PY" ../manage.py compilemessages -v 0)
  "$PY" -m compileall -q -x /venv/ "$RELEASE" >/dev/null  # the app user cannot write .pyc
  touch "$RELEASE/.complete"
fi

STEP="migrating the database"
manage migrate_once  # under a database lock: instances booting at once take turns
if [ "$ROLE" = database-setup ]; then
  log "SUCCESS: release $RELEASE_ID migrated the database; powering off"
  exit 0
fi
STEP="checking the bucket and the table"
manage init_aws

STEP="switching to release $RELEASE_ID"
touch "$RELEASE"
ln -sfn "$RELEASE" "$CURRENT.new"
mv -Tf "$CURRENT.new" "$CURRENT"

STEP="writing the gunicorn and nginx configuration"
# 2 workers per CPU + 1, but at most one per 256 MB of memory, and 16.
workers=$(awk -v cpus="$(nproc)" '/MemTotal/ {w = 2 * cpus + 1; m = int($2 / 262144)
  if (m < w) w = m; if (w > 16) w = 16; if (w < 2) w = 2; print w}' /proc/meminfo)
install -d -m 0755 "$ROOT/var/log/photoshare"
install_file photoshare.service "$ROOT/etc/systemd/system/photoshare.service" 0644 APP_USER="$APP_USER" \
  CURRENT="$CURRENT" ENV_FILE="$ENV_FILE" SOCKET="$SOCKET" WORKERS="$workers" \
  APP_LOG="$ROOT/var/log/photoshare/app.log"
install_file photoshare-worker.service "$ROOT/etc/systemd/system/photoshare-worker.service" 0644 \
  APP_USER="$APP_USER" CURRENT="$CURRENT" ENV_FILE="$ENV_FILE" APP_LOG="$ROOT/var/log/photoshare/app.log"
# nginx admits the requests Django admits (DATA_UPLOAD_MAX_MEMORY_SIZE, from PHOTOSHARE_MAX_UPLOAD_BYTES).
body_size=$(manage shell -v 0 -c 'from django.conf import settings; print(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)')
[[ $body_size =~ ^[0-9]+$ ]]
# The browser's scheme: a load balancer's X-Forwarded-Proto, or else nginx's own.
if [ "${PHOTOSHARE_BEHIND_LOAD_BALANCER:-false}" = true ]; then proto=forwarded_proto; else proto=scheme; fi
read -ra addresses <<<"$LISTEN"
install_file nginx.conf "$NGINX_CONF" 0644 NGINX_USER="$NGINX_USER" NGINX_LOGS="$ROOT/var/log/nginx" \
  NGINX_PID="$ROOT/run/nginx.pid" CLIENT_MAX_BODY_SIZE="$body_size" SOCKET="$SOCKET" CURRENT="$CURRENT" \
  PROTO_VARIABLE="$proto" "${addresses[@]/#/LISTEN=}"

if [ -n "${PHOTOSHARE_LOG_GROUP:-}" ]; then
  STEP="sending the logs to CloudWatch ($PHOTOSHARE_LOG_GROUP)"
  agent=$ROOT/opt/aws/amazon-cloudwatch-agent/etc/photoshare.json
  install_file cloudwatch-agent.json "$agent" 0644 LOG_GROUP="$PHOTOSHARE_LOG_GROUP" \
    DEPLOY_LOG="$LOG" APP_LOG="$ROOT/var/log/photoshare/app.log" NGINX_LOGS="$ROOT/var/log/nginx"
  "$ROOT/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s -c "file:$agent"
fi

STEP="starting gunicorn, the worker and nginx"
nginx -t -q -c "$NGINX_CONF"
systemctl daemon-reload
systemctl enable photoshare.service photoshare-worker.service nginx.service
systemctl restart photoshare.service photoshare-worker.service
systemctl reload-or-restart nginx.service

STEP="checking /healthz through nginx"
first=${LISTEN%% *}
case $first in *:*) target=$first ;; *) target=127.0.0.1:$first ;; esac
body=$(mktemp)
status=000
for _ in $(seq 60); do  # a minute at most; gunicorn's workers answer within seconds of starting
  status=$(curl -sS -m 10 -o "$body" -w '%{http_code}' "http://$target/healthz") || status=000
  [ "$status" = 200 ] && break
  sleep 1
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
log "SUCCESS: release $RELEASE_ID is live and /healthz answers 200"
