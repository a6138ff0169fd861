#!/usr/bin/env bash
# Runs the bench against a throwaway PostgreSQL server, the one
# scripts/test-postgres.sh uses for the tests, but with the server's default
# durability (fsync on) and a larger buffer cache.
# Usage: bash bench/postgres.sh [bench flags…]
# Port: BENCH_PG_PORT (default 55439; 55432 is the test suite's).
set -euo pipefail
source "$(dirname "$0")/../scripts/throwaway-postgres.sh"
start_throwaway_postgres "${BENCH_PG_PORT:-55439}" -c shared_buffers=512MB
BENCH_DATABASE_URL="$pg_url" npx tsx bench/main.ts --db postgres "$@"
