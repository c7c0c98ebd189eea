#!/usr/bin/env bash
# Builds the wasm bundles of bundles.json with trunk, each into dist/ + its URL
# prefix (the web portal into dist/, the H5 app into dist/kkjrh5/, …), from its
# entry page in entries/. Uses rustup's wasm32 target when installed,
# otherwise Debian's rustc-web with -Zbuild-std (set-up installs it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT"

# Flags for the wasm code only (host build scripts and proc macros keep theirs).
# `erase_components` is a leptos cfg that type-erases each component's view:
# far fewer monomorphised copies (H5 -5 KB gzip, portal -17 KB), same behaviour.
wasm_rustflags="--cfg erase_components"
# The client has its own target dir (LEQI_WASM_TARGET_DIR for a parallel checkout).
client_env=(CARGO_TARGET_DIR="${LEQI_WASM_TARGET_DIR:-$LEQI_CACHE/target-wasm}")
if rustup_has_wasm; then
  log "client: rustup toolchain with wasm32-unknown-unknown"
else
  mkdir -p "$LEQI_CACHE/wasm-bin"
  ln -sf /usr/bin/cargo "$LEQI_CACHE/wasm-bin/cargo"
  ln -sf /usr/bin/rustc "$LEQI_CACHE/wasm-bin/rustc"
  client_env+=(
    PATH="$LEQI_CACHE/wasm-bin:$PATH"
    RUSTC_BOOTSTRAP=1
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    # std's smaller variants of sorting, formatting etc. (about -0.5/-0.9 KB gzip).
    CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
    RUSTUP_TOOLCHAIN=
  )
  # A panic is a plain wasm trap: no panic messages, locations or formatting
  # machinery in the bundle (H5 -12 KB gzip). console_error_panic_hook then
  # has nothing to report; laptops (rustup, no build-std) keep panic=abort and
  # the hook's messages.
  wasm_rustflags+=" -Zunstable-options -Cpanic=immediate-abort"
  log "client: Debian rustc-web $(/usr/bin/rustc --version | cut -d' ' -f2) with build-std"
fi
# The target-specific variable (not RUSTFLAGS): a RUSTFLAGS or
# CARGO_ENCODED_RUSTFLAGS set by the user still wins over it, as usual.
client_env+=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:+$CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS }$wasm_rustflags")

# The H5 bundles' stylesheet: main.css's rules the H5 pages can use (not committed).
python3 scripts/h5-css.py
# One trunk build per bundle of bundles.json, into dist/ + its URL prefix; a bundle
# inside another's folder (the H5 login and invitation in /kkjrh5/) after it, since
# trunk empties the folder it builds into.
table="$(python3 scripts/bundles.py --build-order)"
folders=()
while IFS=$'\t' read -r name entry prefix folder _budget label <&3; do
  out="dist/$folder"; [ "$folder" != . ] || out=dist
  log "building $name: $label ($out/)"
  env "${client_env[@]}" trunk build "$entry" --release --dist "$out" --public-url "$prefix" --html-output index.html
  folders+=("$folder")
done 3<<< "$table"
# A wasm file that is not wasm (a build racing another checkout on the shared
# target dir) must fail here, not as a blank page in the browser.
for folder in "${folders[@]}"; do
  for w in "dist/$folder"/*_bg.wasm; do
    [ "$(head -c 4 "$w" | od -An -tx1 | tr -d ' ')" = "0061736d" ] || { log "corrupt wasm: $w"; exit 1; }
  done
done
log "client built: $(du -sh dist | cut -f1)"
