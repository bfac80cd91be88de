#!/usr/bin/env bash
# The HTTP load run of docs/performance.md: locust users against gunicorn on PostgreSQL,
# then the stock check; its table is written into the document.
#   scripts/loadrun.sh [manage.py loadrun options]   (defaults: 20 users, 60 s, 4 workers)
# Uses the PostgreSQL server of DATABASE_URL when it names one, else a throwaway server of
# this run's own (scripts/postgres.sh); the command creates and drops its own database.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${DATABASE_URL:-}
if [[ "$URL" != postgres* ]]; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bakeplanner-pg.XXXXXX")
  trap 'scripts/postgres.sh stop "$PG_DIR"' EXIT
  URL=$(BAKEPLANNER_PG_DIR="$PG_DIR" scripts/postgres.sh start)
fi
DATABASE_URL="$URL" .venv/bin/python manage.py loadrun --write-doc docs/performance.md "$@"
