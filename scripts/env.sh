# Shared settings for the project scripts. Source it; it changes nothing on disk.
LEQI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEQI_CACHE="${LEQI_CACHE:-$HOME/.cache/leqi}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$LEQI_CACHE/target}"
export PATH="$LEQI_CACHE/tools/bin:$LEQI_CACHE/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
LEQI_WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$LEQI_ROOT/Cargo.lock")"
LEQI_TRUNK_VERSION="0.21.14"
LEQI_BINARYEN_VERSION="132.0.0"
log() { printf '\033[1;34m[leqi]\033[0m %s\n' "$*" >&2; }

# Whether the rustup toolchain already has the wasm32 standard library (a laptop).
rustup_has_wasm() {
  command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}
