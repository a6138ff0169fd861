# Sourced by scripts/test-postgres.sh and bench/postgres.sh: a throwaway
# PostgreSQL cluster on a loopback port, owned by the postgres user, removed
# when the calling script exits.
# Usage: start_throwaway_postgres <port> [server -c settings…]; sets pg_url.

start_throwaway_postgres() {
  local port=$1
  shift
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "PostgreSQL server binaries not found; installing the postgresql package" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "run as root, or install postgresql first" >&2; exit 1; fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  pg_work=$(mktemp -d /tmp/fanpin-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_work"
  trap stop_throwaway_postgres EXIT
  run_as_postgres "$pg_bin/initdb" -D "$pg_work/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  run_as_postgres "$pg_bin/pg_ctl" -D "$pg_work/data" -l "$pg_work/server.log" -w \
    -o "-p $port -k $pg_work -c listen_addresses=127.0.0.1 -c max_connections=200 $*" start >/dev/null
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
  pg_url="postgresql://postgres@127.0.0.1:$port/postgres"
}

run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_throwaway_postgres() {
  run_as_postgres "$pg_bin/pg_ctl" -D "$pg_work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_work"
}
