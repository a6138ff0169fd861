#!/usr/bin/env bash
# Runs the bench against a throwaway PostgreSQL server (a fresh cluster on a
# loopback port, owned by the postgres user, removed at the end), the way
# scripts/test-postgres.sh does for the tests. Durability settings are the
# server defaults (fsync on). Usage: bash bench/postgres.sh [bench flags…]
# Port: BENCH_PG_PORT (default 55439; 55432 is the test suite's).
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; fi
port=${BENCH_PG_PORT:-55439}
work=$(mktemp -d /tmp/fanpin-bench-pg.XXXXXX)
run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
stop() {
  run_as_postgres "$pg_bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
run_as_postgres "$pg_bin/initdb" -D "$work/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
run_as_postgres "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
BENCH_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres" npx tsx bench/main.ts --db postgres "$@"
