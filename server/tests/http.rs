//! The HTTP surface through the real router: SPA deep links, cache headers,
//! compression, service workers, and the login over server-fn calls.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::http::call;
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use tower::ServiceExt;

use app::auth::api::{CurrentPrincipal, EnterpriseLogin, Logout, NewCaptcha, PersonLoginPassword, SmsOutbox};
use app::context::Mode;

async fn site(mode: Mode) -> Site {
    let js = "export default function init(){}
".repeat(50);
    site_with(mode, &[
        ("index.html", "<!doctype html><title>portal</title>"),
        ("portal-0123456789abcdef.js", &js),
        ("kkjrh5/index.html", "<!doctype html><title>h5</title>"),
        ("kkjrh5/login/index.html", "<!doctype html><title>h5login</title>"),
        ("kkjrh5/invite/index.html", "<!doctype html><title>h5invite</title>"),
        ("jrgl/index.html", "<!doctype html><title>jrgl</title>"),
        ("jrgl_admin/index.html", "<!doctype html><title>jrgl_admin</title>"),
        ("account/index.html", "<!doctype html><title>account</title>"),
        ("tax/index.html", "<!doctype html><title>tax</title>"),
        ("xxzx/index.html", "<!doctype html><title>xxzx</title>"),
        ("tax_admin/index.html", "<!doctype html><title>tax_admin</title>"),
    ])
    .await
}

async fn get(router: &Router, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}


#[tokio::test]
async fn deep_links_fall_back_to_their_app_and_caching_follows_the_file() {
    let s = site(Mode::Demo).await;
    let (status, h, body) = get(&s.router, "/leqi/access/apply", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("portal"));
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    // A reload of a deep link (conditional request) is 304 or 200, never an error.
    let (_, h, _) = get(&s.router, "/leqi/access/apply", &[]).await;
    let modified = h[header::LAST_MODIFIED].to_str().unwrap().to_string();
    let (status, h, _) = get(&s.router, "/leqi/capability", &[("if-modified-since", &modified)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    let (_, h, _) = get(&s.router, "/portal-0123456789abcdef.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(h[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    // Each worker names the cached page that answers its addresses offline.
    for (sw, pages) in [("/sw.js", r#"[["/","/index.html"]]"#), ("/kkjrh5/sw.js", r#"[["/kkjrh5/invitation/","/kkjrh5/invite/index.html"],["/kkjrh5/","/kkjrh5/index.html"]]"#)] {
        let (status, h, body) = get(&s.router, sw, &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        assert!(body.contains(&format!("const PAGES = {pages};")), "{body}");
    }
}

/// Logs 王建国 in over server-fn calls; the `leqi_sid=…` pair.
async fn signed_in(router: &Router) -> String {
    let (_, _, body) = call(router, NewCaptcha::PATH, &[], None).await;
    let captcha: serde_json::Value = serde_json::from_str(&body).unwrap();
    let cid = captcha["id"].as_str().unwrap().to_string();
    let (_, _, body) = call(router, EnterpriseLogin::PATH, &[("code", "91510104MA6CLQ001T"), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    let sel: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (flow, link) = (sel["flow_id"].as_str().unwrap().to_string(), sel["people"][0]["link_id"].as_i64().unwrap().to_string());
    let (_, headers, _) = call(router, PersonLoginPassword::PATH, &[("flow_id", &flow), ("link_id", &link), ("password", "Demo1234")], None).await;
    headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string()
}

/// Each bundle answers its own addresses (the server's page table: the
/// `pages` of `bundles.json`, the paths the bundles' `Routes` show).
#[tokio::test]
async fn each_address_gets_its_bundle() {
    let s = site(Mode::Demo).await;
    for (path, title) in [
        ("/register", "account"),
        ("/forgot", "account"),
        ("/me", "account"),
        ("/me/users", "account"),
        ("/me/sessions", "account"),
        ("/dev/outbox", "account"),
        ("/jrgl/invite", "jrgl"),
        ("/jrgl/invite/17", "jrgl"),
        ("/jrgl/respond/17", "jrgl"),
        ("/jrgl/invoicers", "jrgl"),
        ("/jrgl/invite/api", "jrgl_admin"),
        ("/jrgl/invite/requests", "jrgl_admin"),
        ("/jrgl/invite/requests/17", "jrgl_admin"),
        ("/jrgl/respond/apply", "jrgl_admin"),
        ("/jrgl/respond/requests/17", "jrgl_admin"),
        ("/jrgl/audit", "jrgl_admin"),
        ("/leqi/access/apply", "portal"),
        ("/login", "portal"),
        ("/leqi/messages", "xxzx"),
        ("/leqi/notices", "xxzx"),
        ("/leqi/measures", "xxzx"),
        ("/tax", "tax"),
        ("/tax/case/3", "tax"),
        ("/tax/notices", "tax_admin"),
        ("/tax/notices/3", "tax_admin"),
        ("/tax/measures", "tax_admin"),
        ("/tax/done", "tax_admin"),
        ("/tax/units", "tax_admin"),
    ] {
        let (status, h, body) = get(&s.router, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body, format!("<!doctype html><title>{title}</title>"), "{path}");
        assert_eq!(h[header::CACHE_CONTROL], "no-cache", "{path}");
    }
}

/// The table drives the site: every bundle answers at its prefix and at each of its pages
/// (signed out, a gated bundle's addresses are its `signed_out` bundle's).
#[tokio::test]
async fn every_bundle_of_the_table_answers_its_prefix_and_pages() {
    use server::http::bundles::{bundle, bundles};
    let files: Vec<(String, String)> = bundles().iter().map(|b| (format!("{}index.html", b.prefix.trim_start_matches('/')), format!("<!doctype html><title>{}</title>", b.name))).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let s = site_with(Mode::Demo, &files).await;
    // Signed out, a gated page is its gate's `signed_out` bundle.
    let shown = |path: &str, own: &str| match server::http::is_gated_page(path) {
        true => bundles().iter().find(|g| g.signed_out.is_some() && path.starts_with(g.prefix.trim_end_matches('/'))).and_then(|g| bundle(g.signed_out.as_deref()?)).unwrap().name.clone(),
        false => own.to_string(),
    };
    for b in bundles() {
        for path in std::iter::once(b.prefix.clone()).chain(b.pages.iter().map(|p| p.replace("{id}", "3"))) {
            let (status, _, body) = get(&s.router, &path, &[]).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(body, format!("<!doctype html><title>{}</title>", shown(&path, &b.name)), "{path}");
        }
    }
}

/// An H5 page is the login bundle while signed out and, once signed in, the H5
/// home — or for one invitation the invitation bundle — at the same address, so
/// it is never cached nor answered 304.
#[tokio::test]
async fn h5_pages_are_the_login_until_signed_in() {
    let s = site(Mode::Demo).await;
    for path in ["/kkjrh5/", "/kkjrh5/invitation/42", "/kkjrh5/?invitation=42", "/kkjrh5"] {
        let (status, h, body) = get(&s.router, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("<title>h5login</title>"), "{path}: {body}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
        assert_eq!(h[header::VARY], "Cookie", "{path}");
    }
    let (_, _, body) = get(&s.router, "/kkjrh5/invitation/42", &[("cookie", "leqi_sid=forged")]).await;
    assert!(body.contains("h5login"), "a forged or ended session is signed out");
    let pair = signed_in(&s.router).await;
    let (_, h, body) = get(&s.router, "/kkjrh5/invitation/42", &[("cookie", &pair)]).await;
    assert!(body.contains("<title>h5invite</title>"), "{body}");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    assert_eq!(h[header::VARY], "Cookie");
    // Older links (`?invitation=ID`) go to the invitation's own address once signed in.
    let (status, h, _) = get(&s.router, "/kkjrh5/?invitation=42", &[("cookie", &pair)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/kkjrh5/invitation/42");
    // The invitation bundle's files are files (the service worker caches them too).
    let (_, _, body) = get(&s.router, "/kkjrh5/invite/index.html", &[]).await;
    assert!(body.contains("<title>h5invite</title>"));
    // A conditional reload after the login still gets the app, never a 304 for the login page.
    let (status, _, body) = get(&s.router, "/kkjrh5/", &[("cookie", &pair), ("if-modified-since", "Thu, 01 Jan 2099 00:00:00 GMT")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<title>h5</title>"));
    // The app's own files are files, whoever asks (the service worker caches the shell).
    let (_, _, body) = get(&s.router, "/kkjrh5/index.html", &[]).await;
    assert!(body.contains("<title>h5</title>"));
    let (_, _, body) = get(&s.router, "/kkjrh5/login/index.html", &[("cookie", &pair)]).await;
    assert!(body.contains("h5login"));
    let (_, _, _) = call(&s.router, Logout::PATH, &[], Some(&pair)).await;
    let (_, _, body) = get(&s.router, "/kkjrh5/", &[("cookie", &pair)]).await;
    assert!(body.contains("h5login"), "after 退出 the login again");
}

#[tokio::test]
async fn login_over_http_sets_a_strict_httponly_cookie() {
    let s = site(Mode::Demo).await;
    let (status, _, body) = call(&s.router, NewCaptcha::PATH, &[], None).await;
    assert_eq!(status, StatusCode::OK);
    let captcha: serde_json::Value = serde_json::from_str(&body).unwrap();
    let cid = captcha["id"].as_str().unwrap().to_string();
    let (status, _, body) = call(
        &s.router,
        EnterpriseLogin::PATH,
        &[("code", "91510104MA6CLQ001T"), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sel: serde_json::Value = serde_json::from_str(&body).unwrap();
    let flow = sel["flow_id"].as_str().unwrap().to_string();
    let link = sel["people"][0]["link_id"].as_i64().unwrap().to_string();
    let (status, headers, body) =
        call(&s.router, PersonLoginPassword::PATH, &[("flow_id", &flow), ("link_id", &link), ("password", "Demo1234")], None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("leqi_sid="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
    let pair = cookie.split(';').next().unwrap().to_string();

    let (_, headers, body) = call(&s.router, CurrentPrincipal::PATH, &[], Some(&pair)).await;
    assert!(body.contains("王建国") && body.contains("LegalRepresentative"), "{body}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store", "server fn answers are never cached");
    let (_, _, body) = call(&s.router, CurrentPrincipal::PATH, &[], Some("leqi_sid=forged")).await;
    assert_eq!(body, "null");
    let (_, headers, _) = call(&s.router, Logout::PATH, &[], Some(&pair)).await;
    assert!(headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let (_, _, body) = call(&s.router, CurrentPrincipal::PATH, &[], Some(&pair)).await;
    assert_eq!(body, "null", "logged out on the server, not only in the browser");
}

#[tokio::test]
async fn errors_arrive_typed_and_without_internals() {
    let s = site(Mode::Demo).await;
    let (_, _, body) = call(&s.router, NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (status, _, body) = call(
        &s.router,
        EnterpriseLogin::PATH,
        &[("code", "91510104MA6CLQ001T"), ("password", "Wrong1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)],
        None,
    )
    .await;
    assert!(!status.is_success());
    let err: app::error::AppError = serde_json::from_str(&body).expect("a typed AppError");
    assert_eq!(err, app::error::AppError::LoginFailed("统一社会信用代码（纳税人识别号）或密码错误".into()));
    // Malformed arguments: a typed error too, with no parser internals.
    let (status, _, body) = call(&s.router, PersonLoginPassword::PATH, &[("flow_id", "x"), ("link_id", "not-a-number")], None).await;
    assert!(!status.is_success());
    let err: app::error::AppError = serde_json::from_str(&body).expect("a typed AppError");
    assert!(!err.to_string().contains("invalid digit"), "{err}");
}

#[tokio::test]
async fn the_sms_outbox_is_demo_only() {
    let demo = site(Mode::Demo).await;
    let (status, _, _) = call(&demo.router, SmsOutbox::PATH, &[], None).await;
    assert_eq!(status, StatusCode::OK);
    let prod = site(Mode::Production).await;
    let (status, _, body) = call(&prod.router, SmsOutbox::PATH, &[], None).await;
    assert!(!status.is_success());
    assert_eq!(serde_json::from_str::<app::error::AppError>(&body).unwrap(), app::error::AppError::NotFound);
}

/// A page older than the deployment calls a server fn this build does not have:
/// a typed "outdated" answer (the page then offers 【刷新】), never 系统繁忙.
#[tokio::test]
async fn an_unknown_server_fn_answers_outdated_as_a_typed_error() {
    use leptos::server_fn::error::FromServerFnError;
    let s = site(Mode::Demo).await;
    let res = s.router.clone().oneshot(Request::post("/api/list_invitations_v0").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from("a=1")).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(app::error::AppError::de(bytes), app::error::AppError::Outdated);
    // A known one still answers.
    let res = s.router.clone().oneshot(Request::post(NewCaptcha::PATH).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(NewCaptcha::PATH, "/api/new_captcha");
}
