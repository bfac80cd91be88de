#!/usr/bin/env bash
# The benchmark of docs/performance.md on both databases, tables written into the document.
#   scripts/bench.sh [SCALES]      SCALES defaults to 1,4,16,64
# SQLite runs on temporary files; PostgreSQL on the server of DATABASE_URL when it names
# one, else on a throwaway server of this run's own (scripts/postgres.sh). Every scale gets
# its own database, created and dropped by `manage.py bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${1:-1,4,16,64}
URL=${DATABASE_URL:-}
unset DATABASE_URL

echo "== Bench on SQLite (S=$SCALES)" >&2
.venv/bin/python manage.py bench --scales "$SCALES" --write-doc docs/performance.md

echo "== Bench on PostgreSQL (S=$SCALES)" >&2
if [[ "$URL" != postgres* ]]; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bakeplanner-pg.XXXXXX")
  trap 'scripts/postgres.sh stop "$PG_DIR"' EXIT
  URL=$(BAKEPLANNER_PG_DIR="$PG_DIR" scripts/postgres.sh start)
fi
DATABASE_URL="$URL" .venv/bin/python manage.py bench --scales "$SCALES" \
  --write-doc docs/performance.md
