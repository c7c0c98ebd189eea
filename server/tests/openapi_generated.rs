//! A test generated from the OpenAPI document itself (issue #14): for every
//! operation of `/openapi/v1/openapi.json`, requests are derived from its
//! schemas — a valid one, then each required field missing, each field of the
//! wrong type, out-of-enum values, empty and oversized arrays, huge and odd
//! strings, bad query parameters — signed with a real credential (and once
//! unsigned, once with a forged signature). Every answer must be a documented
//! status, never 5xx, and its body must match the documented schema.

mod common;

use std::net::SocketAddr;

use app::api_credentials::api::{IssueApiCredential, IssuedSecret};
use app::api_credentials::rules::canonical_string;
use app::context::Mode;
use app::api_credentials::service::{sha256_hex, sign};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use common::http::{call_typed, login};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::{json, Map, Value};
use server::store::SqlStore;
use tower::ServiceExt;

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut v = doc;
            for part in r.trim_start_matches("#/").split('/') {
                v = &v[part];
            }
            resolve(doc, v)
        }
        None => schema,
    }
}

/// Checks `value` against the subset of JSON Schema the document uses.
fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if value.is_null() {
        return if schema["nullable"] == json!(true) || schema.get("type").is_none() { Ok(()) } else { Err(format!("{at}: null but not nullable")) };
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        return if options.iter().filter(|o| validate(doc, o, value, at).is_ok()).count() == 1 { Ok(()) } else { Err(format!("{at}: not exactly one of oneOf")) };
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} not in enum"));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let obj = value.as_object().ok_or(format!("{at}: not an object"))?;
            for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !obj.contains_key(r.as_str().unwrap()) {
                    return Err(format!("{at}: required {r} missing"));
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in obj {
                    if let Some(s) = props.get(k) {
                        validate(doc, s, v, &format!("{at}.{k}"))?;
                    }
                }
            }
            Ok(())
        }
        Some("array") => {
            let arr = value.as_array().ok_or(format!("{at}: not an array"))?;
            for (i, v) in arr.iter().enumerate() {
                validate(doc, &schema["items"], v, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        Some("string") => value.is_string().then_some(()).ok_or(format!("{at}: not a string")),
        Some("integer") => value.as_i64().map(|_| ()).ok_or(format!("{at}: not an integer")),
        Some("boolean") => value.is_boolean().then_some(()).ok_or(format!("{at}: not a boolean")),
        _ => Ok(()),
    }
}

/// A valid instance of a schema (examples and first enum values).
fn example(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    if let Some(e) = schema.get("example") {
        return e.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(first) = schema.get("oneOf").and_then(|o| o.get(0)) {
        return example(doc, first);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut m = Map::new();
            for (k, s) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                m.insert(k.clone(), example(doc, s));
            }
            Value::Object(m)
        }
        Some("array") => json!([example(doc, &schema["items"])]),
        Some("integer") => json!(1),
        Some("boolean") => json!(false),
        _ => json!("文本"),
    }
}

/// Values of the wrong kind, or at the edges, for a schema.
fn odd_values(schema: &Value) -> Vec<Value> {
    let mut v = vec![Value::Null, json!({}), json!([]), json!(true)];
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => v.extend([json!(-1), json!(0), json!(i64::MAX), json!(9.5), json!("12")]),
        Some("array") => v.extend([json!("x"), json!([null]), json!([1, "a", {}])]),
        _ => v.extend([json!(""), json!("x".repeat(20_000)), json!("\u{0}\u{202e}'\";--<script>"), json!(123), json!("🙂🙂")]),
    }
    v
}

/// Every body the generator derives from a request schema.
fn bodies(doc: &Value, schema: &Value) -> Vec<Value> {
    let schema = resolve(doc, schema);
    let valid = example(doc, schema);
    let mut out = vec![valid.clone(), json!({}), json!([]), json!("text"), Value::Null];
    let props = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
        let mut b = valid.clone();
        b.as_object_mut().unwrap().remove(r.as_str().unwrap());
        out.push(b);
    }
    for (k, s) in &props {
        let s = resolve(doc, s);
        for odd in odd_values(s) {
            let mut b = valid.clone();
            b[k] = odd;
            out.push(b);
        }
        if s.get("type").and_then(Value::as_str) == Some("array") {
            let item = resolve(doc, &s["items"]);
            if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
                let mut b = valid.clone();
                b[k] = Value::Array(vec![example(doc, item); max as usize + 1]);
                out.push(b);
            }
            // Each field of an item made odd, one at a time.
            for (ik, is) in item.get("properties").and_then(Value::as_object).into_iter().flatten() {
                for odd in odd_values(resolve(doc, is)) {
                    let mut row = example(doc, item);
                    row[ik] = odd;
                    let mut b = valid.clone();
                    b[k] = json!([row]);
                    out.push(b);
                }
            }
            for r in item.get("required").and_then(Value::as_array).into_iter().flatten() {
                let mut row = example(doc, item);
                row.as_object_mut().unwrap().remove(r.as_str().unwrap());
                let mut b = valid.clone();
                b[k] = json!([row]);
                out.push(b);
            }
        }
    }
    out
}

/// Query strings from the parameters: none, each valid value, each odd one.
fn queries(doc: &Value, params: &[Value]) -> Vec<String> {
    let mut out = vec![String::new()];
    for p in params {
        let name = p["name"].as_str().unwrap();
        let schema = resolve(doc, &p["schema"]);
        let mut values: Vec<String> = schema.get("enum").and_then(Value::as_array).into_iter().flatten().map(|v| v.as_str().unwrap().to_string()).collect();
        values.extend(["", "abc", "-1", "0", "99999999999999999999", "%E4%BD%A0", "%ZZ", "1%3B2", "91510104MA6CLQ0132"].map(String::from));
        for v in values {
            out.push(format!("{name}={v}"));
        }
    }
    out.push(params.iter().map(|p| format!("{}=x", p["name"].as_str().unwrap())).collect::<Vec<_>>().join("&"));
    out
}

struct Caller {
    app_id: String,
    secret: String,
    n: u32,
}

impl Caller {
    fn request(&mut self, method: &str, path: &str, query: &str, body: Option<String>, how: Signing) -> Request<Body> {
        self.n += 1;
        let nonce = format!("generated-{:010}", self.n);
        let body = body.unwrap_or_default();
        let canonical = canonical_string(method, path, query, T0, &nonce, &sha256_hex(body.as_bytes()));
        let signature = match how {
            Signing::Forged => "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_string(),
            _ => sign(&self.secret, &canonical),
        };
        let uri = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
        let mut b = Request::builder().method(method).uri(uri).header("content-type", "application/json");
        if how != Signing::None {
            b = b.header("X-Leqi-AppId", &self.app_id).header("X-Leqi-Timestamp", T0.to_string()).header("X-Leqi-Nonce", nonce).header("X-Leqi-Signature", signature);
        }
        let mut req = b.body(Body::from(body)).unwrap();
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
        req
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Signing {
    Valid,
    Forged,
    None,
}

async fn check(r: &Router, doc: &Value, op: &Value, req: Request<Body>, what: &str) -> u16 {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert!(status < 500, "{what}: {status} {}", String::from_utf8_lossy(&bytes));
    let documented = &op["responses"][status.to_string()];
    assert!(documented.is_object(), "{what}: status {status} is not documented");
    if let Some(schema) = documented.pointer("/content/application~1json/schema") {
        let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{what}: {status} not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
        validate(doc, schema, &body, "body").unwrap_or_else(|e| panic!("{what}: {status} violates the schema: {e}\n{body}"));
    }
    status
}

async fn every_operation_with_generated_requests(store: &SqlStore) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let r = server::http::router(ctx(store, clock(), Mode::Demo), dir.path());
    let cookie = login(&r, "91510104MA6CLQ001T", "王建国", "LegalRepresentative").await.unwrap();
    let issued: IssuedSecret = call_typed(&r, IssueApiCredential::PATH, &[], &cookie).await.unwrap();
    let mut caller = Caller { app_id: issued.app_id, secret: issued.secret, n: 0 };

    let res = r.clone().oneshot(Request::get("/openapi/v1/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
    let doc: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let mut total = 0;
    let mut statuses = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let m = method.to_uppercase();
            let params: Vec<Value> = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            let mut cases: Vec<(String, Option<String>)> = Vec::new();
            for q in queries(&doc, &params) {
                cases.push((q, None));
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                for b in bodies(&doc, schema) {
                    cases.push((String::new(), Some(b.to_string())));
                }
                cases.push((String::new(), Some("{not json".into())));
                cases.push((String::new(), Some("x".repeat(2 * 1024 * 1024 + 1))));
            }
            let secured = op.get("security").map(|s| s.as_array().is_some_and(|a| !a.is_empty())).unwrap_or(true);
            for (i, (q, body)) in cases.iter().enumerate() {
                let what = format!("{m} {path}?{q} case {i}");
                let status = check(&r, &doc, op, caller.request(&m, path, q, body.clone(), Signing::Valid), &what).await;
                *statuses.entry(status).or_insert(0) += 1;
                total += 1;
            }
            if secured {
                for how in [Signing::None, Signing::Forged] {
                    let status = check(&r, &doc, op, caller.request(&m, path, "", cases[0].1.clone(), how), &format!("{m} {path} unsigned/forged")).await;
                    assert_eq!(status, 401);
                    total += 1;
                }
            }
        }
    }
    eprintln!("{total} generated requests, statuses {statuses:?}");
    assert!(total > 100, "{total}");
    assert!(statuses.contains_key(&200) && statuses.contains_key(&422) && statuses.contains_key(&400), "{statuses:?}");
}

on_both_backends!(every_operation_with_generated_requests);
