#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, private to one run, so several runs on one
# machine never touch each other's server.
#
#   postgres.sh start        prints the DATABASE_URL; the server's folder is named on stderr
#   postgres.sh stop DIR     stops that server and removes its folder
#
# BAKEPLANNER_PG_DIR names the folder (empty, or one an earlier `start` made; `stop` reads it
# when DIR is not given); unset, `start` makes a new one with mktemp. BAKEPLANNER_PG_PORT
# names the port; unset, `start` takes a free one. Installs Debian's postgresql package when
# it is missing.
set -euo pipefail
MARKER=.bakeplanner-postgres  # only folders with this file are ever stopped or removed

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres system user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  # The kernel hands out an unused port; the server binds it a moment later (a clash in
  # between is retried by `start`).
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install_postgres() {
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed; run: sudo apt-get install postgresql" >&2; exit 1
  fi
  echo "Installing PostgreSQL (Debian package)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

stop_server() {  # DIR: stop the server whose folder it is and remove the folder
  local dir=$1 bin
  if [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then
    rmdir "$dir"; return 0  # made for a server that never started
  fi
  if [ ! -e "$dir/$MARKER" ]; then
    echo "$dir was not made by postgres.sh start; leaving it alone" >&2; return 1
  fi
  bin=$(find_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

start() {
  local bin dir port attempt
  bin=$(find_bin)
  if [ -z "$bin" ]; then install_postgres; bin=$(find_bin); fi

  dir=${BAKEPLANNER_PG_DIR:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/bakeplanner-pg.XXXXXX")
  elif [ -e "$dir/$MARKER" ]; then
    stop_server "$dir"  # a server left over from an earlier run in this folder
  elif [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "$dir is not empty and was not made by postgres.sh start; choose another folder" >&2
    exit 1
  fi
  mkdir -p "$dir"
  touch "$dir/$MARKER"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U bake --auth=trust -E UTF8 --no-locale >/dev/null

  for attempt in 1 2 3 4 5; do
    port=${BAKEPLANNER_PG_PORT:-$(free_port)}
    # Durability is not what these tests measure; speed is welcome.
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
      break
    fi
    if [ -n "${BAKEPLANNER_PG_PORT:-}" ] || [ "$attempt" = 5 ]; then
      echo "PostgreSQL did not start on port $port; see $dir/server.log" >&2
      exit 1
    fi
  done
  echo "$port" >"$dir/port"
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U bake bakeplanner
  echo "PostgreSQL on port $port in $dir; stop it with: $0 stop $dir" >&2
  echo "postgres://bake@127.0.0.1:${port}/bakeplanner"
}

stop() {
  local dir=${1:-${BAKEPLANNER_PG_DIR:-}}
  if [ -z "$dir" ]; then
    echo "usage: $0 stop DIR (the folder \`start\` named), or set BAKEPLANNER_PG_DIR" >&2
    exit 2
  fi
  if [ ! -e "$dir" ]; then return 0; fi
  stop_server "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | $0 stop DIR" >&2; exit 2 ;;
esac
