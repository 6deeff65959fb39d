#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server from Debian's packages, with
# SIGNPOST_TEST_DATABASE_URL pointing at it; the server and its files go when it ends.
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries not found: run scripts/setup.sh" >&2; exit 1; }
port=${SIGNPOST_TEST_PG_PORT:-55432}
workdir=$(mktemp -d /tmp/signpost-pg.XXXXXX)
chmod 755 "$workdir"

as_owner() {
  # initdb refuses to run as root: use Debian's postgres account when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres: "$workdir"

stop() {
  as_owner "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT

as_owner "$pg_bin/initdb" -D "$workdir/data" -U signpost --auth=trust -E UTF8 --no-sync >/dev/null
as_owner "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
as_owner "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U signpost signpost_test

export SIGNPOST_TEST_DATABASE_URL="postgresql+psycopg://signpost@127.0.0.1:$port/signpost_test"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
