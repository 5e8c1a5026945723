#!/usr/bin/env bash
# README command 2: install what the tests need and run them all.
# Debian's Chromium (and the CJK fonts its screenshots and PDFs need) from apt, the project with its
# test extras into .venv from requirements-test.txt (scripts/install.sh), the Node tools from
# package-lock.json with `npm ci` when there are any; then the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || apt_packages+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || apt_packages+=(poppler-utils)
# The python:3.11 image CI runs in has no Node; a fresh machine does (Debian's npm then).
if [ -f package-lock.json ] && ! command -v npm >/dev/null 2>&1; then apt_packages+=(npm); fi
if ((${#apt_packages[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi
bash scripts/install.sh --test
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
.venv/bin/python -m pytest -q "$@"
