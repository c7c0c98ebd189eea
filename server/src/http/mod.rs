//! The HTTP surface: server fns under /api, the signed API under /openapi/v1
//! (`crate::http::openapi`), the generated service workers, and trunk's build
//! served as one SPA per bundle of `bundles.json` (the portal at /, the H5 app at
//! /kkjrh5/, …) with deep-link fallback, compression and cache headers.

pub mod audit;
pub mod bundles;
pub mod guard;
pub mod invite;
pub mod invite_links;
pub mod materials;
pub mod openapi;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::context::Ctx;
use app::pages::h5_shell::H5Route;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use sha2::{Digest, Sha256};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::http::bundles::{bundle, bundles, Bundle};

#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
}

/// The router. The site's pages come from the bundle table (`bundles.json`, see [`bundles`]):
/// each bundle's folder (`dist/` + its prefix) is a SPA with deep-link fallback, the addresses
/// it shows outside its prefix are answered with its `index.html`, a bundle with a service
/// worker gets `<prefix>sw.js`, and a bundle with a `signed_out` bundle has its pages gated
/// by the session ([`gated_pages`]).
pub fn router(ctx: Ctx, site_dir: &Path) -> Router {
    app::server_fns::register_server_fns();
    let guard = Arc::new(crate::http::guard::Guard::new(site_dir, ctx.secure_cookies, ctx.api.trust_forwarded_for));
    let state = AppState { ctx };
    let dir = |b: &Bundle| site_dir.join(b.folder());
    let mut pages = Router::new();
    for b in bundles() {
        // 注册, 忘记密码, 我的信息 (account), 授权申请… (jrgl_admin): at other bundles' addresses.
        // Those inside a gated bundle's prefix are the gate's to answer.
        for path in b.pages.iter().filter(|p| !is_gated_page(p)) {
            pages = pages.route_service(path, ServeFile::new(dir(b).join("index.html")));
        }
        if b.worker.as_deref() == Some(b.name.as_str()) {
            let worker = Arc::new(service_worker(&dir(b), &b.prefix, &b.worker_pages()));
            pages = pages.route(&format!("{}sw.js", b.prefix), get(move || {
                let worker = worker.clone();
                async move { javascript(&worker) }
            }));
        }
    }
    let mut app = Router::new()
        .merge(pages)
        .merge(crate::http::materials::routes())
        .route("/api/{*fn_name}", post(server_fn).get(server_fn))
        .route("/healthz", get(|| async { "ok" }))
        .merge(crate::http::invite::routes())
        .merge(crate::http::invite_links::routes())
        .merge(crate::http::audit::routes())
        .merge(crate::http::openapi::routes());
    // Each bundle's folder; a bundle inside another's folder (the H5 login) is served by it.
    for b in bundles().iter().filter(|b| b.prefix != "/" && b.parent().is_none()) {
        app = if b.signed_out.is_some() {
            let gate = Gate { ctx: state.ctx.clone(), bundle: b };
            app.nest_service(b.mount(), tower::ServiceBuilder::new().layer(middleware::from_fn_with_state(gate, gated_pages)).service(spa(&dir(b))))
        } else {
            app.nest_service(b.mount(), spa(&dir(b)))
        };
    }
    app.fallback_service(spa(site_dir))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn_with_state(guard, crate::http::guard::guard))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Whether `path` is a page (not a file) of a bundle whose pages are gated by the session
/// (the H5 app): `/kkjrh5/`, `/kkjrh5/invitation/7` …, but not `/kkjrh5/h5-….js` nor the
/// folders of the bundles inside its own (`/kkjrh5/login/…`, `/kkjrh5/invite/…`).
pub fn is_gated_page(path: &str) -> bool {
    crate::http::bundles::gated().iter().any(|(b, inside)| {
        let Some(rest) = path.strip_prefix(b.mount()) else { return false };
        (rest.is_empty() || rest.starts_with('/'))
            && !inside.iter().any(|prefix| path.starts_with(prefix))
            && !rest.rsplit('/').next().unwrap_or("").contains('.')
    })
}

/// The bundle whose pages [`gated_pages`] answers.
#[derive(Clone)]
struct Gate {
    ctx: Ctx,
    bundle: &'static Bundle,
}

/// A gated bundle's page (the H5 app's) while signed out is answered with its `signed_out`
/// bundle (the H5 login, `/kkjrh5/login/index.html`) at the same address; signed in, a page
/// of a bundle inside its folder (`/kkjrh5/invitation/ID`: the invitation bundle,
/// `/kkjrh5/invite/`) with that bundle, any other page with its own. Never cached and never
/// answered 304 (one address, several documents). For the H5 app, `/kkjrh5/?invitation=ID`
/// (older links) is redirected to the invitation's own address.
async fn gated_pages(State(gate): State<Gate>, mut req: Request, next: Next) -> Response<Body> {
    // Inside the nest the path has lost its prefix.
    let path = format!("{}{}", gate.bundle.mount(), req.uri().path());
    if !is_gated_page(&path) {
        return next.run(req).await;
    }
    let token = app::context::web::cookie_value(req.headers(), app::context::web::SESSION_COOKIE);
    let signed_in = match token {
        Some(t) => matches!(app::auth::service::principal_for(&gate.ctx, &t).await, Ok(Some(_))),
        None => false,
    };
    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    // A bundle's index.html, as the nest's path.
    let document = |b: &Bundle| format!("{}index.html", b.prefix.strip_prefix(gate.bundle.mount()).unwrap_or(&b.prefix));
    let shown = if !signed_in {
        gate.bundle.signed_out.as_deref().and_then(bundle)
    } else {
        bundles().iter().find(|b| b.has_page(&path))
    };
    if signed_in && shown.is_none() && gate.bundle.prefix == H5Route::Home.path() {
        let old_link = query.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("invitation=")?.parse::<i64>().ok());
        if let Some(id) = old_link {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::SEE_OTHER;
            if let Ok(to) = HeaderValue::from_str(&H5Route::Invitation(id).path()) {
                res.headers_mut().insert(header::LOCATION, to);
            }
            return res;
        }
    }
    if let Some(b) = shown {
        if let Ok(uri) = format!("{}{query}", document(b)).parse() {
            *req.uri_mut() = uri;
        }
    }
    req.headers_mut().remove(header::IF_NONE_MATCH);
    req.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let mut res = next.run(req).await;
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Cookie"));
    res
}

/// Files of one app, and its index.html for any other path (deep links). The
/// fallback keeps ServeFile's own status, so a conditional re-request of a
/// deep link gets 304, not an error.
fn spa(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))
}

async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> Response<Body> {
    if !is_server_fn(req.uri().path()) {
        return outdated_client();
    }
    let ctx = state.ctx.clone();
    leptos_axum::handle_server_fns_with_context(move || provide_context(ctx.clone()), req).await.into_response()
}

/// Whether `path` is a registered server fn (`/api/<name>`, see `server_fn_paths`).
fn is_server_fn(path: &str) -> bool {
    static PATHS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).collect());
    PATHS.contains(path)
}

/// A call to a server fn this build does not have comes from a page older than
/// the deployment: 404 with [`AppError::Outdated`] in the server-fn error
/// encoding, so the page shows 页面已更新，请刷新 with 【刷新】 (not 系统繁忙).
fn outdated_client() -> Response<Body> {
    use leptos::server_fn::error::FromServerFnError;
    let body = app::error::AppError::Outdated.ser();
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::NOT_FOUND;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// Every registered server-fn path, sorted (`server/tests/server_fns.txt` is the committed list).
pub fn server_fn_paths() -> Vec<String> {
    app::server_fns::register_server_fns();
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, m)| format!("{m} {p}")).collect();
    paths.sort();
    paths
}

fn javascript(body: &str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], body.to_owned())
}

/// Whether a file name carries trunk's content hash (`name-0123456789abcdef.js`).
/// trunk prints the 64-bit hash without leading zeros, so one build in sixteen
/// names a file with 15 hex digits (`h5-99016b00b48fe40_bg.wasm`), fewer yet more rarely.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.split(['-', '.', '_']).any(|part| (13..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_headers(req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let is_html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
        || (res.status() == StatusCode::NOT_MODIFIED && !path.contains('.'));
    // 邀请链接 (/kkjrh5/i/TOKEN) redirect by the link's state now: never cached.
    let policy = if path.starts_with("/api/") || path.starts_with("/kkjrh5/i/") || is_gated_page(&path) || (path.starts_with("/openapi/") && !path.ends_with("/openapi.json")) {
        "no-store"
    } else if is_html || path.ends_with("/sw.js") || path.ends_with(".webmanifest") {
        "no-cache"
    } else if is_hashed_asset(&path) && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    res
}

/// The shell files of one app (not its sub-apps' folders), as served URLs.
fn shell_files(site_dir: &Path, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(site_dir) else { return out };
    for entry in entries.flatten() {
        let p: PathBuf = entry.path();
        if p.is_file() {
            if let Some(name) = p.file_name().and_then(|n| n.to_str()) {
                let url = format!("{prefix}{name}");
                // The pages themselves are fetched network-first; icons are not shell.
                if [".js", ".wasm", ".css", ".webmanifest", "index.html"].iter().any(|ext| url.ends_with(ext)) {
                    out.push(url);
                }
            }
        }
    }
    out.sort();
    out
}

/// The service worker: caches the app shell under a name derived from the
/// build's hashed files, and never caches server fns or API responses.
/// `pages` maps an address prefix to the bundle folder (below `site_dir`, `""`
/// for the app itself) whose `index.html` answers it offline, first match
/// first; each of those bundles' files is part of the shell.
pub fn service_worker(site_dir: &Path, prefix: &str, pages: &[(String, String)]) -> String {
    let mut files = Vec::new();
    let mut offline: Vec<(String, String)> = Vec::new();
    for (path, folder) in pages {
        let url = format!("{prefix}{folder}");
        let page = format!("{url}index.html");
        if !offline.iter().any(|(_, p)| *p == page) {
            files.extend(shell_files(&site_dir.join(folder), &url));
        }
        offline.push((path.clone(), page));
    }
    let version: String = Sha256::digest(files.join("\n").as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect();
    let list = serde_json::to_string(&files).unwrap_or_else(|_| "[]".into());
    let pages = serde_json::to_string(&offline).unwrap_or_else(|_| "[]".into());
    include_str!("sw.js.tmpl")
        .replace("__VERSION__", &version)
        .replace("__SHELL__", &list)
        .replace("__PAGES__", &pages)
        .replace("__PREFIX__", prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashes_are_recognised() {
        assert!(is_hashed_asset("/portal-3f2a9c0d1e4b5a6c_bg.wasm"));
        assert!(is_hashed_asset("/kkjrh5/h5-3f2a9c0d1e4b5a6c.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(is_hashed_asset("/kkjrh5/h5-99016b00b48fe40_bg.wasm"), "a hash with a leading zero dropped");
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(!is_hashed_asset("/sw.js"));
    }

    #[test]
    fn service_worker_lists_the_shell_and_changes_with_the_build() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("kkjrh5")).unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join("portal-0123456789abcdef.js"), "x").unwrap();
        std::fs::write(dir.path().join("kkjrh5/index.html"), "x").unwrap();
        let sw = service_worker(dir.path(), "/", &bundle("portal").unwrap().worker_pages());
        assert!(sw.contains("\"/portal-0123456789abcdef.js\""));
        assert!(!sw.contains("kkjrh5/index.html"), "the portal worker must not cache the H5 app");
        assert!(sw.contains("/api/"), "the worker must exclude the API");
        std::fs::create_dir_all(dir.path().join("kkjrh5/invite")).unwrap();
        std::fs::write(dir.path().join("kkjrh5/invite/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("kkjrh5/invite/h5invite-0123456789abcdef.js"), "x").unwrap();
        let h5 = service_worker(&dir.path().join("kkjrh5"), "/kkjrh5/", &bundle("h5").unwrap().worker_pages());
        assert!(h5.contains("\"/kkjrh5/index.html\""));
        // The invitation bundle is shell too, and answers an invitation's address offline.
        assert!(h5.contains("\"/kkjrh5/invite/h5invite-0123456789abcdef.js\""));
        assert!(h5.contains("[\"/kkjrh5/invitation/\",\"/kkjrh5/invite/index.html\"]"), "{h5}");
        std::fs::write(dir.path().join("portal-fedcba9876543210.js"), "x").unwrap();
        assert_ne!(service_worker(dir.path(), "/", &bundle("portal").unwrap().worker_pages()), sw, "a new build must get a new cache");
    }
}

/// The one answer for an `AppError` on a route that is not a server fn (uploads,
/// downloads): its status (`AppError::http_status`) and the error as JSON, the
/// way server-fn errors reach the client.
pub fn error_response(e: &app::error::AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(e).unwrap_or_default()).into_response()
}
