#!/usr/bin/env bash
# Install the project into its own virtual environment, .venv, from the hashed lock files.
#
#   bash scripts/install.sh          what the site needs (requirements.txt), README command 1
#   bash scripts/install.sh --test   that plus the test tools (requirements-test.txt), README command 2
#   bash scripts/install.sh --pdf    that plus what `weekly pdf` drives Chromium with (requirements-pdf.txt)
#
# Nothing is installed system-wide, so this works where python3 is "externally managed" (PEP 668,
# Debian 12/13's python3). Every package comes from the lock, checked against its sha256, so the
# same commit always installs the same files; the project itself is installed editable with
# --no-deps and without build isolation (its build backend, setuptools, is in the lock too).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
lock=requirements.txt
[ "${1:-}" = "--test" ] && lock=requirements-test.txt
[ "${1:-}" = "--pdf" ] && lock=requirements-pdf.txt

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    # Debian's python3 ships without ensurepip until python3-venv is installed.
    rm -rf .venv
    echo "python3 -m venv failed: installing Debian's python3-venv" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    "$PYTHON" -m venv .venv
  fi
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install -q --require-hashes -r "$lock"
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
