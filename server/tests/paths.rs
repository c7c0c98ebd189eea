//! end2end/tests/helpers.ts computes server fn URLs (`serverFnPath`) to set up
//! access applications over HTTP. This checks its formula against the real
//! `ServerFn::PATH`s, so a change in Leptos' path scheme (or an explicit
//! endpoint on a server fn) fails here rather than as a 404 in the browser tests.
//! `cargo test -p server --test paths -- --nocapture` prints the paths.

use leptos::server_fn::xxhash_rust::const_xxh64::xxh64;
use leptos::server_fn::ServerFn;

/// `/api/<fn_name><xxh64("<app's CARGO_MANIFEST_DIR>:<module path>")>`, as helpers.ts computes it.
fn expected(fn_name: &str, module: &str) -> String {
    let app_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app").canonicalize().unwrap();
    format!("/api/{fn_name}{}", xxh64(format!("{}:{module}", app_dir.display()).as_bytes(), 0))
}

#[test]
fn helpers_ts_computes_the_server_fn_paths() {
    use app::api::access::*;
    let module = "app::api::access";
    let fns = [
        ("confirm_unit", ConfirmUnit::PATH),
        ("save_access_draft", SaveAccessDraft::PATH),
        ("submit_access_application", SubmitAccessApplication::PATH),
        ("reapply_access", ReapplyAccess::PATH),
        ("access_overview", AccessOverview::PATH),
        ("officer_queue", OfficerQueue::PATH),
        ("officer_case", OfficerCase::PATH),
        ("officer_decide", OfficerDecide::PATH),
    ];
    let helpers = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/tests/helpers.ts")).unwrap();
    for (name, path) in fns {
        println!("{path}");
        assert_eq!(path, expected(name, module), "helpers.ts serverFnPath('{name}') would not find {path}");
    }
    for used in ["confirm_unit", "submit_access_application"] {
        assert!(helpers.contains(&format!("'{used}'")), "helpers.ts calls {used}");
    }
    assert!(helpers.contains("`/api/${fnName}${xxh64(new TextEncoder().encode(`${APP_DIR}:${module}`))}`"), "helpers.ts still uses the formula checked here");
}
