#!/usr/bin/env bash
# Runs the database test suite against a real PostgreSQL server: a throwaway
# cluster on a loopback port, owned by the postgres user, removed at the end.
# Usage: scripts/test-postgres.sh [vitest args…]   (default: npm run test:db, then npm run test:crash)
set -euo pipefail
source "$(dirname "$0")/throwaway-postgres.sh"

# The database suite includes the simulator's and the console's browser tests, and object storage's on moto's S3 server.
bash "$(dirname "$0")/ensure-browser.sh"
bash "$(dirname "$0")/ensure-s3-server.sh"

# Durability is not what the tests measure.
start_throwaway_postgres "${TEST_PG_PORT:-55432}" -c fsync=off
export TEST_DATABASE_URL="$pg_url"
if [ $# -gt 0 ]; then npx vitest run "$@"; else npm run test:db && npm run test:crash; fi
