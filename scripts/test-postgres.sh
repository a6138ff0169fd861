#!/usr/bin/env bash
# Runs the database test suite against a real PostgreSQL server: a throwaway
# cluster on a loopback port, owned by the postgres user, removed at the end.
# Usage: scripts/test-postgres.sh [vitest args…]   (default: npm run test:db)
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "PostgreSQL server binaries not found; installing the postgresql package" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "run as root, or install postgresql first" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# The database suite includes the simulator's and the console's browser tests.
bash "$(dirname "$0")/ensure-browser.sh"

port=${TEST_PG_PORT:-55432}
work=$(mktemp -d /tmp/fanpin-pg.XXXXXX)
run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$work"

stop() {
  run_as_postgres "$pg_bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

run_as_postgres "$pg_bin/initdb" -D "$work/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
run_as_postgres "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
if [ $# -gt 0 ]; then npx vitest run "$@"; else npm run test:db; fi
