#!/usr/bin/env bash
# Builds the two wasm clients with trunk: the web portal into dist/ and the
# H5 app into dist/kkjrh5/. Uses rustup's wasm32 target when installed,
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
log "building the web portal (dist/)"
env "${client_env[@]}" trunk build index.html --release --dist dist --public-url /
log "building the H5 app (dist/kkjrh5/)"
env "${client_env[@]}" trunk build h5.html --release --dist dist/kkjrh5 --public-url /kkjrh5/
# The H5 login bundle: the server answers H5 pages with it while signed out
# (after the H5 app's build, which empties dist/kkjrh5/).
log "building the H5 login (dist/kkjrh5/login/)"
env "${client_env[@]}" trunk build h5login.html --release --dist dist/kkjrh5/login --public-url /kkjrh5/login/
if [ -f dist/kkjrh5/login/h5login.html ]; then mv dist/kkjrh5/login/h5login.html dist/kkjrh5/login/index.html; fi
# One invitation (确认 / 拒绝 / 授权) at /kkjrh5/invitation/ID: its own bundle, so the
# H5 home and the invitation each stay under issue #16's 120 KB.
log "building the H5 invitation page (dist/kkjrh5/invite/)"
env "${client_env[@]}" trunk build h5invite.html --release --dist dist/kkjrh5/invite --public-url /kkjrh5/invite/
if [ -f dist/kkjrh5/invite/h5invite.html ]; then mv dist/kkjrh5/invite/h5invite.html dist/kkjrh5/invite/index.html; fi
log "building the tax console (dist/tax/)"
env "${client_env[@]}" trunk build tax.html --release --dist dist/tax --public-url /tax/
log "building 接入管理 (invitations, responses, invoicing staff: dist/jrgl/)"
env "${client_env[@]}" trunk build jrgl.html --release --dist dist/jrgl --public-url /jrgl/
if [ -f dist/jrgl/jrgl.html ]; then mv dist/jrgl/jrgl.html dist/jrgl/index.html; fi
log "building 接入管理's 授权申请, 接口凭证, 审计日志 (dist/jrgl_admin/)"
env "${client_env[@]}" trunk build jrgl_admin.html --release --dist dist/jrgl_admin --public-url /jrgl_admin/
if [ -f dist/jrgl_admin/jrgl_admin.html ]; then mv dist/jrgl_admin/jrgl_admin.html dist/jrgl_admin/index.html; fi
log "building the account pages (注册, 忘记密码, 我的信息: dist/account/)"
env "${client_env[@]}" trunk build account.html --release --dist dist/account --public-url /account/
if [ -f dist/account/account.html ]; then mv dist/account/account.html dist/account/index.html; fi
log "building 能力中心 (capabilities, the 测试中心: dist/nlzx/)"
env "${client_env[@]}" trunk build nlzx.html --release --dist dist/nlzx --public-url /nlzx/
if [ -f dist/nlzx/nlzx.html ]; then mv dist/nlzx/nlzx.html dist/nlzx/index.html; fi
log "building 消息中心, 版本升级通知, 管理措施 (dist/xxzx/)"
env "${client_env[@]}" trunk build xxzx.html --release --dist dist/xxzx --public-url /xxzx/
if [ -f dist/xxzx/xxzx.html ]; then mv dist/xxzx/xxzx.html dist/xxzx/index.html; fi
log "building the tax console's 版本升级通知 and 管理措施 (dist/tax_admin/)"
env "${client_env[@]}" trunk build tax_admin.html --release --dist dist/tax_admin --public-url /tax_admin/
if [ -f dist/tax_admin/tax_admin.html ]; then mv dist/tax_admin/tax_admin.html dist/tax_admin/index.html; fi
log "building 资格管理 (资格延续, 事项变更, 终止服务备案: dist/zgzl/)"
env "${client_env[@]}" trunk build zgzl.html --release --dist dist/zgzl --public-url /zgzl/
if [ -f dist/zgzl/zgzl.html ]; then mv dist/zgzl/zgzl.html dist/zgzl/index.html; fi
# trunk names its output after the source page; the H5 page is the index of /kkjrh5/.
if [ -f dist/kkjrh5/h5.html ]; then mv dist/kkjrh5/h5.html dist/kkjrh5/index.html; fi
# A wasm file that is not wasm (a build racing another checkout on the shared
# target dir) must fail here, not as a blank page in the browser.
for w in dist/*_bg.wasm dist/*/*_bg.wasm; do
  [ "$(head -c 4 "$w" | od -An -tx1 | tr -d ' ')" = "0061736d" ] || { log "corrupt wasm: $w"; exit 1; }
done
log "client built: $(du -sh dist | cut -f1)"
