#!/usr/bin/env bash
# `npm test`: the whole suite. Where a PostgreSQL server is installed, the server tests
# run against a throwaway cluster (scripts/with-postgres.sh); without one they are
# skipped locally and fail under CI=true, so CI never passes without them.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CLI-path tests run again with the cache on and with two worker threads.
suite='npx vitest run && npm run -s test:modes'
have_server() {
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if [ -z "${MIGRATELINT_TEST_PG_URL:-}" ] && have_server; then
  exec scripts/with-postgres.sh bash -c "$suite"
fi
exec bash -c "$suite"
