#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for storylint's tests and print the line to use it:
#
#     eval "$(bash scripts/start-postgres.sh)"     # sets STORYLINT_TEST_POSTGRES_URL
#     bash scripts/start-postgres.sh --stop "$STORYLINT_TEST_POSTGRES_DIR"
#
# Installs Debian's `postgresql` package when initdb/pg_ctl are missing (apt-get update
# first), creates a cluster in a fresh temporary folder, listens on a free port on
# 127.0.0.1 only (trust auth: a disposable, loopback-only test cluster), and runs it as a
# non-root user when started as root (PostgreSQL refuses to run as root).
# Only `export ...` lines go to stdout; everything else goes to stderr.
set -euo pipefail

log() { echo "start-postgres: $*" >&2; }

find_bin() {
  local name=$1 found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ]; then found=$(command -v "$name" || true); fi
  echo "$found"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) to run: $*"; exit 1; fi
}

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: start-postgres.sh --stop DIR}
  pg_ctl=$(find_bin pg_ctl)
  owner=$(stat -c %U "$dir/data")
  if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ]; then
    runuser -u "$owner" -- "$pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  else
    "$pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
  exit 0
fi

INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  log "initdb/pg_ctl not found: installing postgresql"
  as_root apt-get update >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
  INITDB=$(find_bin initdb)
  PG_CTL=$(find_bin pg_ctl)
fi
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then log "initdb/pg_ctl still missing after install"; exit 1; fi
BIN=$(dirname "$PG_CTL")

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
DIR=$(mktemp -d "${TMPDIR:-/tmp}/storylint-pg.XXXXXX")
chmod 755 "$DIR"

run() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  RUNAS=postgres
  if ! id "$RUNAS" >/dev/null 2>&1; then
    RUNAS=storylint-pg
    id "$RUNAS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS"
  fi
  chown "$RUNAS" "$DIR"
  run() { runuser -u "$RUNAS" -- "$@"; }
fi

log "initialising a cluster in $DIR (port $PORT)"
run "$INITDB" -D "$DIR/data" -U storylint -A trust -E UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
run "$PG_CTL" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >&2 || { cat "$DIR/server.log" >&2; exit 1; }
run "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U storylint -d postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE DATABASE storylint_test" >&2

log "running; stop with: bash scripts/start-postgres.sh --stop $DIR"
echo "export STORYLINT_TEST_POSTGRES_URL=postgresql://storylint@127.0.0.1:$PORT/storylint_test"
echo "export STORYLINT_TEST_POSTGRES_DIR=$DIR"
