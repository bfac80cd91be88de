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
# A server of this run's own (its own folder and a free port, unless BAKEPLANNER_PG_PORT
# names one), so two runs on one machine do not disturb each other.
PG_DIR=${BAKEPLANNER_PG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/bakeplanner-pg.XXXXXX")}
trap 'scripts/postgres.sh stop "$PG_DIR"' EXIT
URL=$(BAKEPLANNER_PG_DIR="$PG_DIR" scripts/postgres.sh start)
DATABASE_URL="$URL" .venv/bin/python -m pytest -m "not browser" "$@"
