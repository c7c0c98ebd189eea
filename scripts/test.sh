#!/usr/bin/env bash
# README "test": every test. Unit and integration tests (cargo test) with the
# storage tests on SQLite AND a real PostgreSQL started here on loopback; then
# the app is built and started (fresh SQLite demo database) and Playwright
# drives Debian's Chromium at desktop and 360 px; last, the size report.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT"
bash scripts/setup.sh --test

work="$(mktemp -d /tmp/leqi-test.XXXXXX)"
chmod 755 "$work"
server_pid=""
pair_pids=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  for p in $pair_pids; do kill "$p" 2>/dev/null || true; done
  bash scripts/pg.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

pg_port="${LEQI_TEST_PG_PORT:-55432}"
log "starting PostgreSQL on 127.0.0.1:$pg_port"
export LEQI_TEST_PG_URL="$(bash scripts/pg.sh start "$work/pg" "$pg_port")"
export LEQI_REQUIRE_PG=1

log "cargo test (unit + integration; storage on SQLite and PostgreSQL)"
cargo test --workspace --features app/ssr

bash scripts/build-client.sh
log "building the server"
cargo build -p server --bin leqi-server

port="${LEQI_TEST_PORT:-3901}"
export LEQI_FIXED_CAPTCHA="7K3P"
log "starting the app on 127.0.0.1:$port (demo, fresh SQLite)"
# Plain http on loopback: LEQI_SECURE_COOKIES=0 (the explicit opt-out; production keeps Secure on).
LEQI_MODE=demo LEQI_SECURE_COOKIES=0 LEQI_ADDR="127.0.0.1:$port" LEQI_DATA_DIR="$work/data" LEQI_SITE_DIR="$LEQI_ROOT/dist" \
  "$CARGO_TARGET_DIR/debug/leqi-server" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done

# Two more server processes on one PostgreSQL database (issue #16): two_servers.spec.ts logs in
# through one and goes on through the other. Started one after the other, so only the first
# loads the demo data.
pair_db="$(bash scripts/pg.sh createdb "$pg_port" leqi_pair)"
for n in 1 2; do
  pair_port=$((port + n))
  LEQI_MODE=demo LEQI_SECURE_COOKIES=0 LEQI_ADDR="127.0.0.1:$pair_port" LEQI_DATA_DIR="$work/pair$n" LEQI_SITE_DIR="$LEQI_ROOT/dist" \
    DATABASE_URL="$pair_db" "$CARGO_TARGET_DIR/debug/leqi-server" > "$work/pair$n.log" 2>&1 &
  pid=$!
  pair_pids="$pair_pids $pid"
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$pair_port/healthz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/pair$n.log"; exit 1; }
    sleep 0.2
  done
done
export LEQI_PAIR_A="http://127.0.0.1:$((port + 1))" LEQI_PAIR_B="http://127.0.0.1:$((port + 2))"
log "server pair on one PostgreSQL: $LEQI_PAIR_A and $LEQI_PAIR_B"

log "Playwright e2e (Chromium, desktop and 360 px)"
e2e_status=0
(cd end2end && LEQI_BASE_URL="http://127.0.0.1:$port" LEQI_E2E_OUT="$work/e2e" npx playwright test) || e2e_status=$?
if [ "$e2e_status" != 0 ]; then
  log "e2e failed; server log follows"
  tail -50 "$work/server.log"
  exit "$e2e_status"
fi

bash scripts/size-report.sh
log "all tests passed"
