#!/usr/bin/env bash
# Installs what `make run` and `make test` need on a Debian machine: the system packages that
# building mysqlclient (and the browser tests) require, then a virtualenv with the requirements.
set -euo pipefail

VENV=${VENV:-.venv}
missing=()

python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
include_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$include_dir/Python.h" ] || missing+=(python3-dev)
command -v gcc >/dev/null || missing+=(gcc)
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists mysqlclient 2>/dev/null || pkg-config --exists libmariadb 2>/dev/null \
  || missing+=(default-libmysqlclient-dev)
# msgfmt compiles the translation catalogs (make run, make test); xgettext checks they are complete.
command -v msgfmt >/dev/null && command -v xgettext >/dev/null || missing+=(gettext)
# Browser tests drive Debian's chromium through Playwright (it cannot download its own).
command -v chromium >/dev/null || missing+=(chromium)
# A font with Hangul, so the Korean pages' screenshots show text, not boxes.
fc-list :lang=ko 2>/dev/null | grep -q . || missing+=(fonts-nanum)
# The deploy tests: shellcheck on deploy/userdata.sh, and the rehearsal that runs it for real with
# nginx in front of gunicorn, building its virtualenv with Debian's own python3.11 (the app user
# cannot read a python installed under /root).
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
command -v git >/dev/null || missing+=(git)
/usr/bin/python3.11 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3.11-venv)
[ -f /usr/include/python3.11/Python.h ] || missing+=(python3.11-dev)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt
