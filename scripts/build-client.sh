#!/usr/bin/env bash
# Builds the two wasm clients with trunk: the web portal into dist/ and the
# H5 app into dist/kkjrh5/. Uses rustup's wasm32 target when installed,
# otherwise Debian's rustc-web with -Zbuild-std (set-up installs it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT"

client_env=(CARGO_TARGET_DIR="$LEQI_CACHE/target-wasm")
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
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
    RUSTUP_TOOLCHAIN=
  )
  log "client: Debian rustc-web $(/usr/bin/rustc --version | cut -d' ' -f2) with build-std"
fi

log "building the web portal (dist/)"
env "${client_env[@]}" trunk build index.html --release --dist dist --public-url /
log "building the H5 app (dist/kkjrh5/)"
env "${client_env[@]}" trunk build h5.html --release --dist dist/kkjrh5 --public-url /kkjrh5/
# trunk names its output after the source page; the H5 page is the index of /kkjrh5/.
if [ -f dist/kkjrh5/h5.html ]; then mv dist/kkjrh5/h5.html dist/kkjrh5/index.html; fi
log "client built: $(du -sh dist | cut -f1)"
