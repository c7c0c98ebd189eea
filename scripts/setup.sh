#!/usr/bin/env bash
# Idempotent set-up: installs only what is missing. Used by both README
# commands. `setup.sh` = what running the app needs; `setup.sh --test` adds
# what the tests need (PostgreSQL, Chromium, CJK fonts, Playwright).
# Tools go to ~/.cache/leqi (outside the clone); nothing is downloaded from
# anywhere but Debian, crates.io and npm.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEQI_ROOT"
want_test=0
[ "${1:-}" = "--test" ] && want_test=1
mkdir -p "$LEQI_CACHE/tools" "$LEQI_CACHE/npm"

# --- Debian packages -------------------------------------------------------
apt_pkgs=(python3)   # scripts/h5-css.py (the H5 bundles' stylesheet), scripts/bundles.py (json)
if ! rustup_has_wasm; then
  # No wasm32 std in rustup: Debian's rustc-web ships one (std source for -Zbuild-std) and wasm-ld.
  for p in rustc-web cargo-web rust-web-src lld-19; do apt_pkgs+=("$p"); done
fi
if [ "$want_test" = 1 ]; then
  for p in postgresql chromium fonts-noto-cjk; do apt_pkgs+=("$p"); done
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- crates for the offline builds (every run: a no-op when all are here) --
# trunk runs cargo with --offline (Trunk.toml), so every crate the client
# needs must be in the registry before it starts. `cargo fetch` without
# --target takes every platform's dependencies (host, wasm32, build scripts).
fetch() { "$@" --offline --quiet 2>/dev/null || "$@" --quiet; }
log "fetching the workspace's crates (every target)"
fetch cargo fetch --locked
if ! rustup_has_wasm; then
  # -Zbuild-std compiles std from rust-web-src; its own dependencies (dlmalloc,
  # compiler_builtins, ...) are pinned by the Cargo.lock that package ships.
  std_manifest="$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
  log "fetching the standard library's crates (for -Zbuild-std)"
  fetch /usr/bin/cargo fetch --locked --manifest-path "$std_manifest"
fi

# --- cargo tools (into the cache, built with the rustup toolchain) ---------
# Build tools, not shipped code: no fat LTO / single codegen unit (trunk's own
# release profile took 14 minutes on 2 cores that way).
tool_profile=(
  CARGO_PROFILE_RELEASE_LTO=false
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1
  CARGO_PROFILE_RELEASE_DEBUG=false
  CARGO_PROFILE_RELEASE_INCREMENTAL=false
  CARGO_TARGET_DIR="$LEQI_CACHE/tools-build"
)
if ! trunk --version 2>/dev/null | grep -q "trunk $LEQI_TRUNK_VERSION"; then
  # No TLS or update check: trunk runs offline here (its code is cfg-gated for that).
  log "installing trunk $LEQI_TRUNK_VERSION (several minutes on 2 cores)"
  env "${tool_profile[@]}" cargo install "trunk@$LEQI_TRUNK_VERSION" --locked --no-default-features --root "$LEQI_CACHE/tools" --quiet
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $LEQI_WASM_BINDGEN_VERSION"; then
  # Not --locked: its own lockfile pins a crate version crates.io no longer serves.
  log "installing wasm-bindgen-cli $LEQI_WASM_BINDGEN_VERSION (Cargo.lock's version)"
  env "${tool_profile[@]}" cargo install "wasm-bindgen-cli@$LEQI_WASM_BINDGEN_VERSION" --root "$LEQI_CACHE/tools" --quiet
fi
rm -rf "$LEQI_CACHE/tools-build"

# --- npm tools -------------------------------------------------------------
if ! wasm-opt --version 2>/dev/null | grep -q "version ${LEQI_BINARYEN_VERSION%%.*}"; then
  log "installing wasm-opt (npm binaryen@$LEQI_BINARYEN_VERSION; Debian's binaryen is too old)"
  printf '{ "name": "leqi-tools", "private": true, "dependencies": { "binaryen": "%s" } }\n' "$LEQI_BINARYEN_VERSION" > "$LEQI_CACHE/npm/package.json"
  (cd "$LEQI_CACHE/npm" && npm install --no-audit --no-fund --silent)
fi
# Again whenever package-lock.json changed since the last install.
lock_sum="$(sha256sum end2end/package-lock.json | cut -d' ' -f1)"
if [ "$want_test" = 1 ] && [ "$(cat end2end/node_modules/.leqi-lock 2>/dev/null)" != "$lock_sum" ]; then
  log "installing @playwright/test and the test packages (browser: Debian's /usr/bin/chromium; no download)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  echo "$lock_sum" > end2end/node_modules/.leqi-lock
fi
log "set-up complete"
