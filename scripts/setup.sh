#!/usr/bin/env bash
# Create .venv and install the exact packages of requirements.lock, every file checked
# against its hash (idempotent: reinstalls only when the lock file changes).
# requirements.txt lists what we depend on; `make lock` turns it into requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# The gift tags PDF (WeasyPrint) draws text with Pango: Debian's libpango-1.0-0 and
# libpangoft2-1.0-0, installed here when missing and we are root.
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Pango for the gift tags PDF (Debian packages)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >&2
  else
    echo "The gift tags PDF needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv; then
    rm -rf .venv
    echo "Could not create .venv: on Debian/Ubuntu install the python3-venv package" >&2
    echo "(sudo apt-get install python3-venv), or set PYTHON to a Python 3.11+." >&2
    exit 1
  fi
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --require-hashes -r requirements.lock
  echo "$want" > "$stamp"
fi
