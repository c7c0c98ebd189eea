//! The HTTP surface: server fns under /api, the signed API under /openapi/v1
//! (`crate::http::openapi`), the generated service worker,
//! and trunk's build served as two SPAs (portal at /, H5 at /kkjrh5/) with
//! deep-link fallback, compression and cache headers.

pub mod audit;
pub mod guard;
pub mod invite;
pub mod invite_links;
pub mod materials;
pub mod openapi;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::context::Ctx;
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

#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
    /// The portal's worker (scope /) and the H5 app's (scope /kkjrh5/).
    pub portal_worker: Arc<String>,
    pub h5_worker: Arc<String>,
}

pub fn router(ctx: Ctx, site_dir: &Path) -> Router {
    app::server_fns::register_server_fns();
    let h5_dir = site_dir.join("kkjrh5");
    let guard = Arc::new(crate::http::guard::Guard::new(site_dir, ctx.secure_cookies, ctx.api.trust_forwarded_for));
    let state = AppState {
        ctx,
        portal_worker: Arc::new(service_worker(site_dir, "/", &[("/", "")])),
        // Offline, an invitation's address gets the invitation bundle's shell (which shows 无网络).
        h5_worker: Arc::new(service_worker(&h5_dir, "/kkjrh5/", &[("/kkjrh5/invitation/", "invite/"), ("/kkjrh5/", "")])),
    };
    let account_dir = site_dir.join("account");
    let mut pages = Router::new();
    // 注册, 忘记密码, 我的信息: the account bundle at the portal's addresses.
    for path in app::pages::account::ACCOUNT_PAGES {
        pages = pages.route_service(path, ServeFile::new(account_dir.join("index.html")));
    }
    // 授权申请, 接口凭证, 审计日志: the jrgl_admin bundle at 接入管理's addresses.
    let jrgl_admin_dir = site_dir.join("jrgl_admin");
    for path in app::pages::jrgl::admin::JRGL_ADMIN_PAGES {
        pages = pages.route_service(path, ServeFile::new(jrgl_admin_dir.join("index.html")));
    }
    // 消息中心, 版本升级通知, 管理措施: the xxzx bundle at the portal's addresses.
    let xxzx_dir = site_dir.join("xxzx");
    for path in app::pages::xxzx::XXZX_PAGES {
        pages = pages.route_service(path, ServeFile::new(xxzx_dir.join("index.html")));
    }
    // The tax console's 版本升级通知 and 管理措施: the tax_admin bundle at the console's addresses.
    let tax_admin_dir = site_dir.join("tax_admin");
    for path in app::pages::tax_admin::TAX_ADMIN_PAGES {
        pages = pages.route_service(path, ServeFile::new(tax_admin_dir.join("index.html")));
    }
    Router::new()
        .merge(pages)
        .merge(crate::http::materials::routes())
        .route("/api/{*fn_name}", post(server_fn).get(server_fn))
        .route("/sw.js", get(|State(s): State<AppState>| async move { javascript(&s.portal_worker) }))
        .route("/kkjrh5/sw.js", get(|State(s): State<AppState>| async move { javascript(&s.h5_worker) }))
        .route("/healthz", get(|| async { "ok" }))
        .merge(crate::http::invite::routes())
        .merge(crate::http::invite_links::routes())
        .merge(crate::http::audit::routes())
        .merge(crate::http::openapi::routes())
        .nest_service("/kkjrh5", tower::ServiceBuilder::new().layer(middleware::from_fn_with_state(state.ctx.clone(), h5_pages)).service(spa(&h5_dir)))
        .nest_service("/tax", spa(&site_dir.join("tax")))
        .nest_service("/jrgl", spa(&site_dir.join("jrgl")))
        .nest_service("/account", spa(&account_dir))
        .nest_service("/jrgl_admin", spa(&jrgl_admin_dir))
        .nest_service("/nlzx", spa(&site_dir.join("nlzx")))
        .nest_service("/xxzx", spa(&xxzx_dir))
        .nest_service("/tax_admin", spa(&tax_admin_dir))
        .nest_service("/zgzl", spa(&site_dir.join("zgzl")))
        .fallback_service(spa(site_dir))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn_with_state(guard, crate::http::guard::guard))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Whether `path` is a page of the H5 app (not one of its files): `/kkjrh5/`,
/// `/kkjrh5/invitation/7` …, but not `/kkjrh5/h5-….js`, `/kkjrh5/login/…` or
/// `/kkjrh5/invite/…` (the bundles' folders).
pub fn is_h5_page(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/kkjrh5") else { return false };
    (rest.is_empty() || rest.starts_with('/'))
        && !rest.starts_with("/login/")
        && !rest.starts_with("/invite/")
        && !rest.starts_with("/i/")
        && !rest.rsplit('/').next().unwrap_or("").contains('.')
}

/// An H5 page while signed out is answered with the login bundle
/// (`/kkjrh5/login/index.html`) at the same address; signed in, an invitation
/// (`/kkjrh5/invitation/ID`) with the invitation bundle (`/kkjrh5/invite/`),
/// any other page with the H5 home. Never cached and never answered 304 (one
/// address, several documents). `/kkjrh5/?invitation=ID` (older links) is
/// redirected to the invitation's own address.
async fn h5_pages(State(ctx): State<Ctx>, mut req: Request, next: Next) -> Response<Body> {
    // Inside the nest the path has lost its `/kkjrh5` prefix.
    let inner = req.uri().path().to_owned();
    if !is_h5_page(&format!("/kkjrh5{inner}")) {
        return next.run(req).await;
    }
    let token = app::context::web::cookie_value(req.headers(), app::context::web::SESSION_COOKIE);
    let signed_in = match token {
        Some(t) => matches!(app::auth::service::principal_for(&ctx, &t).await, Ok(Some(_))),
        None => false,
    };
    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    let route = app::pages::h5::H5Route::parse(&inner);
    let document = if !signed_in {
        Some("/login/index.html")
    } else if let app::pages::h5::H5Route::Invitation(_) = route {
        Some("/invite/index.html")
    } else {
        let old_link = query.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("invitation=")?.parse::<i64>().ok());
        if let Some(id) = old_link {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::SEE_OTHER;
            if let Ok(to) = HeaderValue::from_str(&app::pages::h5::H5Route::Invitation(id).path()) {
                res.headers_mut().insert(header::LOCATION, to);
            }
            return res;
        }
        None
    };
    if let Some(doc) = document {
        if let Ok(uri) = format!("{doc}{query}").parse() {
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
    let policy = if path.starts_with("/api/") || path.starts_with("/kkjrh5/i/") || is_h5_page(&path) || (path.starts_with("/openapi/") && !path.ends_with("/openapi.json")) {
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
pub fn service_worker(site_dir: &Path, prefix: &str, pages: &[(&str, &str)]) -> String {
    let mut files = Vec::new();
    let mut offline: Vec<(String, String)> = Vec::new();
    for (path, folder) in pages {
        let url = format!("{prefix}{folder}");
        let page = format!("{url}index.html");
        if !offline.iter().any(|(_, p)| *p == page) {
            files.extend(shell_files(&site_dir.join(folder), &url));
        }
        offline.push((path.to_string(), page));
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
        let sw = service_worker(dir.path(), "/", &[("/", "")]);
        assert!(sw.contains("\"/portal-0123456789abcdef.js\""));
        assert!(!sw.contains("kkjrh5/index.html"), "the portal worker must not cache the H5 app");
        assert!(sw.contains("/api/"), "the worker must exclude the API");
        std::fs::create_dir_all(dir.path().join("kkjrh5/invite")).unwrap();
        std::fs::write(dir.path().join("kkjrh5/invite/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("kkjrh5/invite/h5invite-0123456789abcdef.js"), "x").unwrap();
        let h5 = service_worker(&dir.path().join("kkjrh5"), "/kkjrh5/", &[("/kkjrh5/invitation/", "invite/"), ("/kkjrh5/", "")]);
        assert!(h5.contains("\"/kkjrh5/index.html\""));
        // The invitation bundle is shell too, and answers an invitation's address offline.
        assert!(h5.contains("\"/kkjrh5/invite/h5invite-0123456789abcdef.js\""));
        assert!(h5.contains("[\"/kkjrh5/invitation/\",\"/kkjrh5/invite/index.html\"]"), "{h5}");
        std::fs::write(dir.path().join("portal-fedcba9876543210.js"), "x").unwrap();
        assert_ne!(service_worker(dir.path(), "/", &[("/", "")]), sw, "a new build must get a new cache");
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
