#!/usr/bin/env bash
# Starts a throw-away PostgreSQL (Debian's packages) on 127.0.0.1 for the tests.
#   scripts/pg.sh start <dir> <port>   prints the database URL
#   scripts/pg.sh stop <dir>
#   scripts/pg.sh createdb <port> <name>  another database in that server; prints its URL
set -euo pipefail
cmd="$1"; dir="$2"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$pgbin" ] || { echo "PostgreSQL is not installed (scripts/setup.sh --test installs it)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port="$3"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$pgbin/initdb" -D "$dir" -A trust -U leqi -E UTF8 --no-sync >/dev/null
    as_pg "$pgbin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
    as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U leqi leqi
    echo "postgres://leqi@127.0.0.1:$port/leqi"
    ;;
  createdb)
    port="$2"; name="$3"
    as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U leqi "$name"
    echo "postgres://leqi@127.0.0.1:$port/$name"
    ;;
  stop)
    as_pg "$pgbin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac
