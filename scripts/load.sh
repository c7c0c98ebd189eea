#!/usr/bin/env bash
# Load benchmark (issue #16; not part of the test command): the release server
# (--profile server-release) on loopback with the demo data, logged-in sessions, a
# closed-loop generator (wrk, Debian's package) on the same machine:
#   (0) /healthz           the no-op ceiling of axum + wrk on these cores, measured in the same run
#   (a) list_invitations   the 邀请列表 page's call, as 王建国 of 四川蜀乐科技
#   (b) received_invitations   the H5 待确认 list, as 何青 of 成都青禾餐饮 (a use unit)
#   (c) invitation_act UnbindUseUnit   a transition with its timeline event and audit record,
#       each request a different invitation (100,000 bound invitations are stored first)
# at 50 and 200 clients, on SQLite and on PostgreSQL. Prints p50/p99, req/s and errors.
#
#   bash scripts/load.sh [sqlite|postgres|both]      (default both)
#   LEQI_LOAD_SECS=10 LEQI_LOAD_CLIENTS="50 200" LEQI_LOAD_PORT=3990 LEQI_LOAD_PG_PORT=55490 LEQI_LOAD_BIN=
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT"
which_db="${1:-both}"
secs="${LEQI_LOAD_SECS:-10}"
clients="${LEQI_LOAD_CLIENTS:-50 200}"
port="${LEQI_LOAD_PORT:-3990}"
pg_port="${LEQI_LOAD_PG_PORT:-55490}"
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { log "installing wrk (Debian)"; apt-get install -y wrk >/dev/null; }
command -v sqlite3 >/dev/null || { log "installing sqlite3 (Debian)"; apt-get install -y sqlite3 >/dev/null; }
bin="${LEQI_LOAD_BIN:-}"   # an already built release server, else it is built here
if [ -z "$bin" ]; then
  log "building the release server (--profile server-release)"
  cargo build -q -p server --profile server-release --bin leqi-server
  bin="$CARGO_TARGET_DIR/server-release/leqi-server"
fi

work="$(mktemp -d /tmp/leqi-load.XXXXXX)"
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  bash scripts/pg.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start_server() { # $1: DATABASE_URL or empty (SQLite)
  mkdir -p "$work/data" "$work/site"
  DATABASE_URL="$1" LEQI_MODE=demo LEQI_FIXED_CAPTCHA=7K3P LEQI_SECURE_COOKIES=0 LEQI_ADDR="127.0.0.1:$port" \
    LEQI_DATA_DIR="$work/data" LEQI_SITE_DIR="$work/site" RUST_LOG=warn "$bin" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.2
  done
  echo "server did not start" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# 企业登录 → 办税人员选择 → 密码验证; prints the Cookie header value.
login() { # $1 credit code, $2 person, $3 identity
  local jar="$work/jar.$RANDOM"
  local cap flow link
  cap="$(curl -fsS -c "$jar" -b "$jar" -X POST "$base/api/new_captcha" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  read -r flow link < <(curl -fsS -c "$jar" -b "$jar" -X POST "$base/api/enterprise_login" \
      --data-urlencode "code=$1" --data-urlencode password=Demo1234 --data-urlencode "captcha_id=$cap" --data-urlencode captcha=7K3P |
    python3 -c 'import json,sys; s=json.load(sys.stdin); p=[p for p in s["people"] if p["name"]==sys.argv[1] and p["identity"]==sys.argv[2]][0]; print(s["flow_id"], p["link_id"])' "$2" "$3")
  curl -fsS -c "$jar" -b "$jar" -X POST "$base/api/person_login_password" \
    --data-urlencode "flow_id=$flow" --data-urlencode "link_id=$link" --data-urlencode password=Demo1234 >/dev/null
  awk '$0 !~ /^#/ || $0 ~ /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s", $6, $7 }' "$jar"
}

# wrk's script: the cookie, a JSON body, and for the write a different invitation per request.
cat > "$work/req.lua" <<'EOF'
local cookie, path, body, first, span = os.getenv("LOAD_COOKIE"), os.getenv("LOAD_PATH"), os.getenv("LOAD_BODY"), tonumber(os.getenv("LOAD_FIRST") or "0"), tonumber(os.getenv("LOAD_SPAN") or "0")
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) next_id = first + tid * span end
function request()
  local b = body
  if span > 0 then b = string.format(body, next_id); next_id = next_id + 1 end
  return wrk.format("POST", path, { ["Cookie"] = cookie, ["Content-Type"] = "application/json" }, b)
end
EOF

results="$work/results.txt"
run_wrk() { # $1 db label, $2 request label, $3 clients
  local out
  local script=(-s "$work/req.lua")
  [ "${LOAD_PLAIN:-0}" = 1 ] && script=()
  out="$(wrk -t2 -c"$3" -d"${secs}s" --latency "${script[@]}" "$base$LOAD_PATH" 2>&1)"
  echo "$out" >> "$work/wrk.log"
  python3 - "$1" "$2" "$3" "$out" >> "$results" <<'EOF'
import re, sys
db, what, c, out = sys.argv[1:5]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n = float(m.group(1)); return n / 1000 if m.group(2) == "us" else n * 1000 if m.group(2) == "s" else n
p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M); p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
rps = re.search(r"Requests/sec:\s+([\d.]+)", out); total = re.search(r"(\d+) requests in", out)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out); sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
print(f"| {db} | {what} | {c} | {ms(p50.group(1)):.1f} ms | {ms(p99.group(1)):.1f} ms | {float(rps.group(1)):,.0f} | {int(total.group(1)):,} | {errors} |")
EOF
  tail -1 "$results" >&2
}

store_bound_invitations() { # $1 sqlite|postgres; stores 100,000 确认通过 invitations of 蜀乐科技; prints the first id
  local sql_sel n=100000
  local head="SELECT b.id, d.id, u.id, 'L' || %s, '压测单位' || CAST(i AS TEXT), u.tax_office_id, '51', '母子公司关系', 'ziyong', 0, NULL, '\"Confirmed\"', 'confirmed', 1, 1, i, i"
  local cols="(batch_id, direct_enterprise_id, use_enterprise_id, use_code, use_name, use_tax_office_id, province_code, relationship, category, pre_authorize, filing, status, status_code, active, version, created_at, updated_at)"
  local join="JOIN enterprises d ON d.credit_code = '91510104MA6CLQ001T' JOIN enterprises u ON u.credit_code = '91150203MA0NCY021B' JOIN invitation_batches b ON b.file_name = 'load.xlsx'"
  local batch="INSERT INTO invitation_batches (direct_enterprise_id, source, file_name, created_by, created_at, rows_total, rows_ok, rows_failed, failures) SELECT id, 'import', 'load.xlsx', 'load', 0, $n, $n, 0, '[]' FROM enterprises WHERE credit_code = '91510104MA6CLQ001T';"
  if [ "$1" = sqlite ]; then
    # shellcheck disable=SC2059
    sql_sel="$(printf "$head" "printf('%017d', i)")"
    sqlite3 "$work/data/leqi.db" "PRAGMA busy_timeout=10000; $batch WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n) INSERT INTO invitations $cols $sql_sel FROM n $join; SELECT MAX(id) - $n + 1 FROM invitations;" | tail -1
  else
    sql_sel="$(printf "$head" "lpad(CAST(i AS TEXT), 17, '0')")"
    "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" -qtA "$2" -c "$batch" -c "INSERT INTO invitations $cols $sql_sel FROM generate_series(1, $n) AS g(i) $join" -c "ANALYZE invitations" -c "SELECT MAX(id) - $n + 1 FROM invitations" | tail -1
  fi
}

bench_db() { # $1 sqlite|postgres
  local url="" label="SQLite"
  if [ "$1" = postgres ]; then
    url="$(bash scripts/pg.sh start "$work/pg" "$pg_port")"; label="PostgreSQL"
  fi
  rm -rf "$work/data"
  start_server "$url"
  local direct use
  direct="$(login 91510104MA6CLQ001T 王建国 LegalRepresentative)"
  use="$(login 91510104MA6CLQ0158 何青 LegalRepresentative)"
  # The ceiling on these cores: a GET that touches neither the session nor the database.
  for c in $clients; do
    LOAD_PLAIN=1 LOAD_PATH=/healthz run_wrk "$label" "(0) /healthz (no-op ceiling)" "$c"
  done
  for c in $clients; do
    LOAD_COOKIE="$direct" LOAD_PATH=/api/list_invitations LOAD_BODY='{"query":{"status":"","search":"","before_id":null}}' LOAD_SPAN=0 \
      run_wrk "$label" "(a) list_invitations" "$c"
  done
  for c in $clients; do
    LOAD_COOKIE="$use" LOAD_PATH=/api/received_invitations LOAD_BODY='{}' LOAD_SPAN=0 run_wrk "$label" "(b) received_invitations (H5 待确认)" "$c"
  done
  local first offset=0
  first="$(store_bound_invitations "$1" "$url")"
  for c in $clients; do
    # Two wrk threads, each with its own range of invitation ids (25,000 ids a thread and run).
    LOAD_COOKIE="$direct" LOAD_PATH=/api/invitation_act LOAD_FIRST=$((first + offset)) LOAD_SPAN=25000 \
      LOAD_BODY='{"id":%d,"version":1,"action":"UnbindUseUnit","reason":"压测","invoicer_link_ids":[],"period_code":""}' \
      run_wrk "$label" "(c) invitation_act 解除绑定 (write + timeline + audit)" "$c"
    offset=$((offset + 50000))
  done
  stop_server
  [ "$1" = postgres ] && bash scripts/pg.sh stop "$work/pg"
  return 0
}

echo "| database | request | clients | p50 | p99 | req/s | requests | errors |" > "$results"
echo "|---|---|---|---|---|---|---|---|" >> "$results"
case "$which_db" in
  sqlite) bench_db sqlite ;;
  postgres) bench_db postgres ;;
  both) bench_db sqlite; bench_db postgres ;;
esac
log "load benchmark: ${secs}s per row, wrk -t2, release server on 127.0.0.1 ($(nproc) cores shared with the generator)"
cat "$results"
log "to keep this run: add the table to docs/load.md with the date, the commit and the machine's load"
