#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `postgres.sh start` prints the DATABASE_URL,
# `postgres.sh stop` removes it. Installs Debian's postgresql package when it is missing.
set -euo pipefail
PORT=${BAKEPLANNER_PG_PORT:-54329}
DIR=${BAKEPLANNER_PG_DIR:-/tmp/bakeplanner-pg-$(id -u)}
URL="postgres://bake@127.0.0.1:${PORT}/bakeplanner"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres system user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  BIN=$(find_bin)
  if [ -z "$BIN" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL is not installed; run: sudo apt-get install postgresql" >&2; exit 1
    fi
    echo "Installing PostgreSQL (Debian package)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BIN=$(find_bin)
  fi
  stop >/dev/null 2>&1 || true
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; fi
  as_owner "$BIN/initdb" -D "$DIR/data" -U bake --auth=trust -E UTF8 --no-locale >/dev/null
  # Durability is not what these tests measure; speed is welcome.
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U bake bakeplanner
  echo "$URL"
}

stop() {
  BIN=$(find_bin)
  if [ -n "$BIN" ] && [ -d "$DIR/data" ]; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
