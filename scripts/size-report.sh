#!/usr/bin/env bash
# Prints the gzip bytes a browser downloads for each entry (wasm + js + css)
# and fails (exit 1) when an entry is over its budget. Run after a build.
# Budgets (KB = 1000 bytes): the targets of issue #16 (each H5 bundle ≤ 120,
# others ≤ 300). The measured table is kept in docs/sizes.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT/dist"
gz() { gzip -9 -c "$1" | wc -c; }
over=0
report() {
  local label="$1" dir="$2" bin="$3" target_kb="$4" total=0 f b
  if ! compgen -G "$dir/$bin-*_bg.wasm" > /dev/null; then
    printf '%-22s not built (%s/%s-*_bg.wasm missing)\n' "$label" "$dir" "$bin"; over=1; return
  fi
  for f in "$dir"/"$bin"-*_bg.wasm "$dir"/"$bin"-*.js "$dir"/*.css; do
    b=$(gz "$f"); total=$((total + b))
    printf '  %-45s %8d bytes gzip\n' "$f" "$b"
  done
  local verdict="ok"
  if [ "$total" -gt $((target_kb * 1000)) ]; then verdict="OVER BUDGET"; over=1; fi
  printf '%-22s %8d bytes gzip (%d KB; budget <= %d KB, 1 KB = 1000 bytes) %s\n' "$label" "$total" $((total / 1000)) "$target_kb" "$verdict"
}
echo "size report (gzip -9):"
report "H5 app (home)" kkjrh5 h5 120
report "H5 invitation" kkjrh5/invite h5invite 120
report "H5 login" kkjrh5/login h5login 120
report "web portal" . portal 300
report "tax console" tax tax 300
report "jrgl (接入管理)" jrgl jrgl 300
report "jrgl_admin (授权申请…)" jrgl_admin jrgl_admin 300
report "account (注册/我的信息)" account account 300
report "nlzx (能力中心)" nlzx nlzx 300
report "xxzx (消息中心…)" xxzx xxzx 300
report "tax_admin (通知/措施)" tax_admin tax_admin 300
report "zgzl (资格管理)" zgzl zgzl 300
if [ "$over" -ne 0 ]; then echo "size report: an entry is over its budget (or missing)"; exit 1; fi
