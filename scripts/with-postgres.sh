#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on 127.0.0.1.
#
#   scripts/with-postgres.sh npm test
#   scripts/with-postgres.sh npx vitest run test/exec
#
# It finds initdb/pg_ctl (PATH, then the newest /usr/lib/postgresql/*/bin), creates a
# cluster in a temporary directory (as the `postgres` user when run as root: the server
# refuses to run as root), starts it on a free port, exports
#
#   MIGRATELINT_TEST_PG_URL=postgres://postgres:<password>@127.0.0.1:<port>/postgres
#   MIGRATELINT_TEST_PG_SSL_CA=<the server's self-signed certificate, for sslrootcert>
#
# The server speaks SSL (ssl=on, a self-signed certificate for CN=localhost made with
# openssl) and plain TCP alike, as most servers do, so the sslmode tests can try both.
# One role is refused without SSL (pg_hba `hostnossl ... reject`): migratelint_ssl_only,
# which the tests create, for sslmode=allow's retry with SSL. Without openssl the server
# starts without SSL and MIGRATELINT_TEST_PG_SSL_CA stays unset: the SSL tests then fail.
# runs the command, and stops the cluster and removes the directory when the command
# ends, fails or is interrupted. The exit code is the command's.
# When MIGRATELINT_TEST_PG_URL is already set, the command runs against that server.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-postgres.sh <command> [args...]" >&2
  exit 2
fi

if [ -n "${MIGRATELINT_TEST_PG_URL:-}" ]; then
  exec "$@"
fi

find_bin() {
  local name="$1" dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  return 1
}

INITDB=$(find_bin initdb) || { echo "with-postgres: initdb not found (install postgresql)" >&2; exit 2; }
PG_CTL=$(find_bin pg_ctl) || { echo "with-postgres: pg_ctl not found (install postgresql)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/migratelint-pg.XXXXXX")
chmod 0755 "$TMP"
PASSWORD="mlt-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$PASSWORD" > "$TMP/pwfile"

# The server must not run as root: run the cluster as `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "with-postgres: running as root but there is no postgres user" >&2; exit 2; }
  chown postgres "$TMP" "$TMP/pwfile"
fi

started=0
cleanup() {
  local code=$?
  if [ "$started" = 1 ]; then
    as_owner "$PG_CTL" -D "$TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

as_owner "$INITDB" -D "$TMP/data" -U postgres --pwfile="$TMP/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log" >&2; exit 2; }

# SSL: a self-signed certificate whose CN is localhost (so verify-full passes for
# "localhost" and fails for "127.0.0.1"); the server refuses a key others can read.
SSL_OPTS=""
if command -v openssl >/dev/null 2>&1; then
  if openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
      -keyout "$TMP/server.key" -out "$TMP/server.crt" >"$TMP/openssl.log" 2>&1; then
    chmod 0600 "$TMP/server.key"
    chmod 0644 "$TMP/server.crt"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$TMP/server.key" "$TMP/server.crt"; fi
    SSL_OPTS="-c ssl=on -c ssl_cert_file=$TMP/server.crt -c ssl_key_file=$TMP/server.key"
  else
    echo "with-postgres: openssl could not make a certificate; the server runs without SSL:" >&2
    cat "$TMP/openssl.log" >&2
  fi
else
  echo "with-postgres: openssl not found; the server runs without SSL (the SSL tests will fail)" >&2
fi
# Both SSL and plain TCP connections are accepted (initdb's `host` lines match both);
# the one role the tests use to see sslmode=allow retry with SSL is refused without it.
HBA="$TMP/data/pg_hba.conf"
{ echo "hostnossl all migratelint_ssl_only all reject"; cat "$HBA"; } > "$HBA.new"
mv "$HBA.new" "$HBA"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$HBA"; fi
chmod 0600 "$HBA"

for attempt in 1 2 3 4 5; do
  PORT=$(free_port)
  if as_owner "$PG_CTL" -D "$TMP/data" -l "$TMP/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $TMP -c fsync=off -c max_connections=50 $SSL_OPTS" start >/dev/null; then
    started=1
    break
  fi
  sleep 0.2
done
if [ "$started" != 1 ]; then
  echo "with-postgres: the server did not start:" >&2
  cat "$TMP/server.log" >&2 || true
  exit 2
fi

export MIGRATELINT_TEST_PG_URL="postgres://postgres:${PASSWORD}@127.0.0.1:${PORT}/postgres"
if [ -n "$SSL_OPTS" ]; then export MIGRATELINT_TEST_PG_SSL_CA="$TMP/server.crt"; fi
echo "with-postgres: PostgreSQL $("$INITDB" --version | awk '{print $3}') on 127.0.0.1:${PORT}${SSL_OPTS:+ with SSL} (data in $TMP)" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
