#!/usr/bin/env bash
# Create .venv and install the exact packages of requirements.lock, every file checked
# against its hash (idempotent: reinstalls only when the lock file changes).
# requirements.txt lists what we depend on; `make lock` turns it into requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
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
