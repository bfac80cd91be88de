#!/usr/bin/env bash
# The whole test suite: once on SQLite, once on a throwaway PostgreSQL server.
# Extra arguments go to pytest (e.g. scripts/test.sh -k fifo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/browser.sh
unset DATABASE_URL

echo "== Tests on SQLite"
.venv/bin/python -m pytest "$@"

echo "== Tests on PostgreSQL (the browser walkthrough ran above)"
URL=$(scripts/postgres.sh start)
trap 'scripts/postgres.sh stop' EXIT
DATABASE_URL="$URL" .venv/bin/python -m pytest -m "not browser" "$@"
