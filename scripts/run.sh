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
# Plain http on loopback: the session cookie must not be Secure here (production keeps it on).
export LEQI_SECURE_COOKIES="${LEQI_SECURE_COOKIES:-0}"
cat >&2 <<MSG

  Leqi Portal (demo data, SQLite in $LEQI_DATA_DIR) is starting on http://$LEQI_ADDR/

  企业登录      http://$LEQI_ADDR/login
                统一社会信用代码 91510104MA6CLQ001T，密码 Demo1234，图形验证码见图片
                → 办税人员选择 王建国 → 密码 Demo1234（或短信验证码）
  短信发件箱    http://$LEQI_ADDR/dev/outbox   (demo only: every SMS code "sent" appears here)
  H5 接入确认   http://$LEQI_ADDR/kkjrh5/
  税务人员登录  http://$LEQI_ADDR/tax/login   (e.g. sc_jj_shouli / Demo1234)
  More demo units and people: README.md, "Demo accounts". Stop with Ctrl-C.

MSG
exec "$CARGO_TARGET_DIR/debug/leqi-server"
