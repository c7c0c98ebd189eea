#!/usr/bin/env bash
# README "run": set up, build, and start the app in demo mode on 127.0.0.1
# (SQLite in ./data, demo data, SMS outbox at /dev/outbox).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT"
bash scripts/setup.sh
bash scripts/build-client.sh
log "building the server"
cargo build -p server --bin leqi-server
export LEQI_MODE="${LEQI_MODE:-demo}"
export LEQI_ADDR="${LEQI_ADDR:-127.0.0.1:3000}"
export LEQI_DATA_DIR="${LEQI_DATA_DIR:-$LEQI_ROOT/data}"
export LEQI_SITE_DIR="${LEQI_SITE_DIR:-$LEQI_ROOT/dist}"
log "starting: http://$LEQI_ADDR/  (H5: http://$LEQI_ADDR/kkjrh5/, 税务人员: http://$LEQI_ADDR/tax/login, 短信发件箱: http://$LEQI_ADDR/dev/outbox)"
exec "$CARGO_TARGET_DIR/debug/leqi-server"
