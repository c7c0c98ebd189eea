//! Rules of the codebase that a reader would otherwise have to trust, checked
//! on the source: pages decide by the domain's enums, never by label text; the
//! workflows' actions travel as typed values.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn app_src(sub: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src").join(sub);
    let mut files = vec![];
    rust_files(&root, &mut files);
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect()
}

fn han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// A comparison of something with a Chinese string literal: `== "确认"`,
/// `"联用类" ==`, `!= "…"`, `.contains("超时")`, `.contains(&"授权"…)`,
/// `.starts_with("…")` — deciding by a label's text.
fn label_comparisons(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut found = vec![];
    for op in ["== \"", "!= \"", "contains(\"", "contains(&\"", "starts_with(\"", "ends_with(\""] {
        let mut rest = code;
        while let Some(i) = rest.find(op) {
            let after = &rest[i + op.len()..];
            if after.chars().next().is_some_and(han) {
                found.push(format!("{op}{}", after.chars().take(8).collect::<String>()));
            }
            rest = after;
        }
    }
    // `"联用类" == x`
    let mut rest = code;
    while let Some(i) = rest.find("\" ==").or_else(|| rest.find("\" !=")) {
        let before: String = rest[..i].chars().rev().take_while(|c| *c != '"').collect();
        if before.chars().any(han) {
            found.push(format!("\"{}\" ==", before.chars().rev().collect::<String>()));
        }
        rest = &rest[i + 4..];
    }
    found
}

#[test]
fn the_detector_finds_label_comparisons_and_nothing_else() {
    assert_eq!(label_comparisons(r#"let joint = v.category == "联用类";"#).len(), 1);
    assert_eq!(label_comparisons(r#"if yes == "受理" { "受理办理" } else { "确认办理" }"#).len(), 1);
    assert_eq!(label_comparisons(r#"actions.contains(&"重新发起邀请".to_string())"#).len(), 1);
    assert_eq!(label_comparisons(r#"Err(AppError::Refused(m)) if m.contains("超时") => {"#).len(), 1);
    assert_eq!(label_comparisons(r#"if "联用类" == v.category {"#).len(), 1);
    assert!(label_comparisons(r#"if ev.key() == "Enter" { apply() }"#).is_empty());
    assert!(label_comparisons(r#"view! { <p>"确认"</p> } // == "确认" in a comment"#).is_empty());
    assert!(label_comparisons(r#"a == InvitationAction::Confirm"#).is_empty());
}

#[test]
fn no_page_or_component_decides_by_label_text() {
    let mut offenders = vec![];
    for sub in ["pages", "components", "bin"] {
        for (path, text) in app_src(sub) {
            for (n, line) in text.lines().enumerate() {
                for hit in label_comparisons(line) {
                    offenders.push(format!("{}:{}: {hit}", path.display(), n + 1));
                }
                // Status codes are the domain's business, not a page's.
                if line.contains("status_code") {
                    offenders.push(format!("{}:{}: status_code", path.display(), n + 1));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "pages must match on the domain's enums, not on labels:\n{}", offenders.join("\n"));
}

#[test]
fn actions_travel_as_typed_values() {
    for (path, text) in app_src("api") {
        assert!(!text.contains("actions: Vec<String>"), "{}: actions must be the domain's enums", path.display());
    }
}

/// The data server fns exchange lives in `models`, which both `api` (the server
/// fns) and `services` (their bodies) import: `services` never imports `api`,
/// and `models` imports neither (no `api ↔ services` circle, issue #11).
#[test]
fn services_and_models_do_not_import_the_server_fns() {
    let mut offenders = vec![];
    for sub in ["services", "models"] {
        for (path, text) in app_src(sub) {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if code.contains("crate::api") || (sub == "models" && (code.contains("crate::services") || code.contains("leptos::"))) {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "import the exchanged data from crate::models:\n{}", offenders.join("\n"));
    // …and every api module that exchanges data re-exports its models module.
    for (path, _) in app_src("models") {
        let name = path.file_stem().unwrap().to_str().unwrap();
        if name != "mod" {
            let api = std::fs::read_to_string(path.parent().unwrap().join("../api").join(format!("{name}.rs"))).unwrap();
            assert!(api.contains(&format!("pub use crate::models::{name}::*;")), "api/{name}.rs re-exports models::{name}");
        }
    }
}

/// Issue #25: a workflow's status is written by its own store adapter (`store/<workflow>.rs` and
/// its child modules) or by the one dispatcher of cross-workflow effects (`store/effects.rs`),
/// never by another workflow's: no store module computes another workflow's status — the end of
/// service, say, asks for `Effect::EndBindings` instead of writing 已解除绑定 itself.
#[test]
fn only_a_workflows_own_adapter_writes_its_status() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let mut files = vec![];
    rust_files(&root, &mut files);
    files.sort();
    // (the table, its adapter)
    let owners = [
        ("invitations", "invitation"),
        ("capability_grants", "capability_grant"),
        ("relationship_reports", "relationship_report"),
        ("measures", "measure"),
        ("lifecycle_requests", "lifecycle"),
    ];
    let mut offenders = vec![];
    let mut seen = std::collections::HashSet::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        // One line per statement, whatever the formatting.
        let flat = std::fs::read_to_string(path).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for (table, owner) in owners {
            let write = format!("UPDATE {table} SET status");
            if !flat.contains(&write) {
                continue;
            }
            seen.insert(table);
            let own = rel == format!("{owner}.rs") || rel.starts_with(&format!("{owner}/")) || rel == "effects.rs";
            if !own {
                offenders.push(format!("store/{rel}: {write}"));
            }
        }
    }
    assert!(offenders.is_empty(), "another workflow's status is its own adapter's to write (emit an app::effect::Effect instead):\n{}", offenders.join("\n"));
    // The check sees each table's status written somewhere (its adapter), so it checks something.
    assert_eq!(seen.len(), owners.len(), "status writes found for {seen:?}");
}
