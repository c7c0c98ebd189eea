#!/usr/bin/env bash
# Prints the gzip bytes a browser downloads for each entry (wasm + js + css),
# against the targets: H5 <= 150 KB, web portal <= 350 KB. Run after a build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT/dist"
gz() { gzip -9 -c "$1" | wc -c; }
report() {
  local label="$1" dir="$2" bin="$3" target_kb="$4" total=0 f b
  for f in "$dir"/"$bin"-*_bg.wasm "$dir"/"$bin"-*.js "$dir"/main-*.css; do
    b=$(gz "$f"); total=$((total + b))
    printf '  %-45s %8d bytes gzip\n' "$f" "$b"
  done
  local verdict="ok"
  [ "$total" -le $((target_kb * 1000)) ] || verdict="OVER TARGET"
  printf '%-12s %8d bytes gzip (%d KB; target <= %d KB, 1 KB = 1000 bytes) %s\n' "$label" "$total" $((total / 1000)) "$target_kb" "$verdict"
}
echo "size report (gzip -9):"
report "H5" kkjrh5 h5 150
report "web portal" . portal 350
report "tax console" tax tax 350
report "接入管理" jrgl jrgl 350
report "能力中心" nlzx nlzx 350
