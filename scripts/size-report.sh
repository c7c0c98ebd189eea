#!/usr/bin/env bash
# Prints the gzip bytes a browser downloads for each bundle of bundles.json
# (wasm + js + css) and fails (exit 1) when one is over its budget (bundles.json's
# budget_kb, 1 KB = 1000 bytes: the targets of issue #16, each H5 bundle ≤ 120,
# others ≤ 300). Run after a build. The measured table is kept in docs/sizes.md.
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
table="$(python3 "$LEQI_ROOT/scripts/bundles.py")"
while IFS=$'\t' read -r name _entry _prefix folder budget label; do
  report "$label" "$folder" "$name" "$budget"
done <<< "$table"
if [ "$over" -ne 0 ]; then echo "size report: an entry is over its budget (or missing)"; exit 1; fi
