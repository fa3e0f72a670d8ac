#!/usr/bin/env bash
# Installs what `make run` and `make test` need on a Debian machine: the system packages that
# building mysqlclient (and the browser tests) require, then a virtualenv with the requirements.
set -euo pipefail

VENV=${VENV:-.venv}
missing=()

# Django 6 needs Python >= 3.12: Debian 13's python3.13, a python3.12 or python3.13 on PATH, else the
# newest such version pyenv has installed (Debian 12's own python3 is 3.11). A pyenv shim on PATH
# exits non-zero when its version is not selected, so every candidate is run, not just found.
new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null && new_enough "$candidate"; then
      command -v "$candidate"
      return
    fi
  done
  local root
  root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-${HOME:-/root}/.pyenv}")
  local version
  for version in $(cd "$root/versions" 2>/dev/null && printf '%s\n' 3.* | sort -V -r); do
    candidate=$root/versions/$version/bin/python3
    if [ -x "$candidate" ] && new_enough "$candidate"; then
      echo "$candidate"
      return
    fi
  done
  return 1
}
PYTHON=$(find_python) || {
  echo "bootstrap: photoshare needs Python >= 3.12 (Django 6) and found none: neither python3.13 nor" >&2
  echo "python3.12 on PATH, nor a 3.12+ under pyenv's versions. Install one (Debian 13: python3.13;" >&2
  echo "pyenv install 3.12) and run make again." >&2
  exit 1
}
PY_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || missing+=("python$PY_VERSION-venv")
include_dir=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$include_dir/Python.h" ] || missing+=("python$PY_VERSION-dev")
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
# nginx in front of gunicorn. Its virtualenv is built with AL2023's python3.12, which the
# rehearsal's dnf stands in for with a copy of pyenv's 3.12 build in /opt/python3.12 (the app user
# cannot read a python installed under /root; Debian has no python3.12 package), its RUNPATH set
# with patchelf: without a pyenv 3.12 the rehearsal skips, saying so.
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
command -v git >/dev/null || missing+=(git)
command -v patchelf >/dev/null || missing+=(patchelf)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# A virtualenv built by an older Python (3.11, before Django 6) is built anew.
if [ -e "$VENV" ] && ! new_enough "$VENV/bin/python"; then
  echo "bootstrap: $VENV is not Python >= 3.12; rebuilding it with $PYTHON"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt
