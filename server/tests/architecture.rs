//! Rules of the codebase that a reader would otherwise have to trust, checked on the source:
//! no import cycles between modules (app and server); each workflow's rules and the kernel know no
//! I/O; pages decide by the domain's enums, never by label text; matches on action and status
//! enums in pages and services are exhaustive (no `_ =>`), so the compiler lists every place a
//! new action must be handled; the workflows' actions travel as typed values; one name per type.

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

/// `app/src/<workflow>/<name>` for every workflow folder (not pages, components or the kernel).
fn workflow_files(name: &str) -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    app_src("")
        .into_iter()
        .filter(|(p, _)| {
            let rel: Vec<_> = p.strip_prefix(&src).unwrap().iter().map(|s| s.to_string_lossy().to_string()).collect();
            rel.len() == 2 && rel[1] == name && !["pages", "components", "kernel", "context", "bin"].contains(&rel[0].as_str())
        })
        .collect()
}

/// The code of a file without `//` comments and without its test module (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

#[test]
fn actions_travel_as_typed_values() {
    for (path, text) in workflow_files("api.rs").into_iter().chain(workflow_files("model.rs")) {
        assert!(!text.contains("actions: Vec<String>"), "{}: actions must be the domain's enums", path.display());
    }
}

/// The data server fns exchange lives in each workflow's `model.rs`, which both `api.rs` (the
/// server fns) and `service.rs` (their bodies) import: a service never imports a server fn, and
/// a model imports neither (no `api ↔ service` circle), nor leptos.
#[test]
fn services_and_models_do_not_import_the_server_fns() {
    let mut offenders = vec![];
    for file in ["service.rs", "model.rs"] {
        for (path, text) in workflow_files(file) {
            let code = code_of(&text);
            for (n, line) in code.lines().enumerate() {
                let api = line.contains("::api::") || line.contains("::api;") || line.contains("api as ");
                if api || (file == "model.rs" && (line.contains("::service") || line.contains("leptos::"))) {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "import the exchanged data from the workflow's model:\n{}", offenders.join("\n"));
}

// ---- import cycles -------------------------------------------------------------------------

type Module = Vec<String>;

/// The modules of a crate's src folder: `a/b.rs` and `a/b/mod.rs` are `a::b`; `lib.rs`/`main.rs` the root.
fn modules(src: &Path) -> Vec<(Module, String)> {
    let mut files = vec![];
    rust_files(src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(src).unwrap().with_extension("");
            let mut m: Module = rel.iter().map(|s| s.to_string_lossy().to_string()).collect();
            if matches!(m.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                m.pop();
            }
            (m, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The longest module that a path names (`crate::a::b::Item` → `a::b` when that is a module).
fn resolve(mods: &[Module], path: &[String]) -> Option<Module> {
    let mut p = path.to_vec();
    while !p.is_empty() {
        if mods.contains(&p) {
            return Some(p);
        }
        p.pop();
    }
    None
}

/// The identifiers of a `crate::a::b…` or `super::a…` path starting at `i` (just after the prefix).
fn path_at(code: &str, i: usize) -> Vec<String> {
    let mut out = vec![];
    let mut rest = &code[i..];
    loop {
        let ident: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if ident.is_empty() {
            break;
        }
        rest = &rest[ident.len()..];
        out.push(ident);
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    out
}

/// Module → the modules it imports, from `crate::…` paths and `super::x` inside a folder. A
/// parent and its own child never count (a `mod.rs` declaring or re-exporting its children).
fn import_graph(src: &Path) -> Vec<(Module, Vec<Module>)> {
    let files = modules(src);
    let mods: Vec<Module> = files.iter().map(|(m, _)| m.clone()).collect();
    let related = |a: &Module, b: &Module| a.starts_with(b) || b.starts_with(a);
    files
        .iter()
        .map(|(m, text)| {
            let code = code_of(text);
            let mut to: Vec<Module> = vec![];
            for (prefix, base) in [("crate::", vec![]), ("super::", m[..m.len().saturating_sub(1)].to_vec())] {
                let mut start = 0;
                while let Some(i) = code[start..].find(prefix) {
                    let at = start + i;
                    start = at + prefix.len();
                    if at > 0 && code[..at].chars().last().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                        continue;
                    }
                    let mut path = base.clone();
                    path.extend(path_at(&code, start));
                    if let Some(target) = resolve(&mods, &path) {
                        if !target.is_empty() && &target != m && !related(m, &target) && !to.contains(&target) {
                            to.push(target);
                        }
                    }
                }
            }
            (m.clone(), to)
        })
        .collect()
}

/// The strongly connected groups of more than one module (Tarjan).
fn cycles(graph: &[(Module, Vec<Module>)]) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a [(Module, Vec<Module>)],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for w in t.g[v].1.iter().filter_map(|m| t.g.iter().position(|(n, _)| n == m)) {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(i) if t.on[w] => t.low[v] = t.low[v].min(i),
                Some(_) => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut group = vec![];
            loop {
                let w = t.stack.pop().unwrap();
                t.on[w] = false;
                group.push(t.g[w].0.join("::"));
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                t.out.push(group);
            }
        }
    }
    let n = graph.len();
    let mut t = T { g: graph, index: vec![None; n], low: vec![0; n], on: vec![false; n], stack: vec![], next: 0, out: vec![] };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_cycle_detector_finds_a_cycle_and_ignores_parents_and_tests() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, s: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    };
    w("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod f;");
    w("a.rs", "use crate::b::Thing;");
    w("b.rs", "pub struct Thing; pub fn x() { crate::c::y() }");
    w("c.rs", "// crate::a::nothing\npub fn y() {}\n#[cfg(test)]\nmod tests { use crate::a::*; }");
    w("f/mod.rs", "pub mod g; pub use g::*;");
    w("f/g.rs", "use super::super::a; use crate::f::Other;");
    assert!(cycles(&import_graph(dir.path())).is_empty(), "comments, tests and parent/child are not cycles");
    w("c.rs", "pub fn y() { crate::a::z() }");
    assert_eq!(cycles(&import_graph(dir.path())), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    w("c.rs", "pub fn y() {}");
    w("f/h.rs", "use super::g::G;");
    w("f/g.rs", "pub struct G; use super::h;");
    w("f/mod.rs", "pub mod g; pub mod h;");
    assert_eq!(cycles(&import_graph(dir.path())), vec![vec!["f::g".to_string(), "f::h".into()]]);
}

#[test]
fn no_import_cycles_between_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = vec![];
    for src in [root.join("../app/src"), root.join("src")] {
        for group in cycles(&import_graph(&src)) {
            found.push(format!("{}: {}", src.display(), group.join(", ")));
        }
    }
    assert!(found.is_empty(), "import cycles (move what both sides need to the module they share, or to the kernel):\n{}", found.join("\n"));
}

// ---- rules without I/O ---------------------------------------------------------------------

/// Each workflow's rules (`rules.rs`, and the access form's parse) and the kernel are pure: no
/// server code, no storage, no clock, no network, no async; the kernel imports no workflow.
#[test]
fn rules_and_kernel_know_no_io() {
    const IO: [&str; 18] = [
        "crate::context", "::store", "::service", "::api", "crate::pages", "crate::components", "leptos", "sqlx", "tokio", "std::fs", "TcpStream", "UdpSocket", "std::env", "SystemTime", "Instant::now", "gloo", "web_sys", "async fn",
    ];
    let mut offenders = vec![];
    let mut files = workflow_files("rules.rs");
    files.extend(workflow_files("form.rs"));
    let kernel = app_src("kernel");
    assert!(kernel.len() >= 5 && files.len() >= 15, "the scan sees the rules and the kernel");
    for (path, text) in files.iter().chain(kernel.iter()) {
        let in_kernel = path.components().any(|c| c.as_os_str() == "kernel");
        for (n, line) in code_of(text).lines().enumerate() {
            for bad in IO {
                if line.contains(bad) {
                    offenders.push(format!("{}:{}: {bad}", path.display(), n + 1));
                }
            }
            if in_kernel {
                let mut rest = line;
                while let Some(i) = rest.find("crate::") {
                    rest = &rest[i + 7..];
                    if !(rest.starts_with("kernel") || rest.starts_with("error")) {
                        offenders.push(format!("{}:{}: the kernel imports a workflow", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "rules and kernel must stay pure:\n{}", offenders.join("\n"));
}

// ---- exhaustive matches on actions and statuses ----------------------------------------------

/// The `match` blocks of a source: (line, the top-level arm patterns without their guards).
fn match_arms(code: &str) -> Vec<(usize, Vec<String>)> {
    let text = code.to_string();
    let mut out = vec![];
    let mut search = 0;
    while let Some(i) = text[search..].find("match ") {
        let at = search + i;
        search = at + 6;
        if at > 0 && text[..at].chars().last().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '!') {
            continue;
        }
        let Some(open) = text[search..].find('{').map(|o| search + o) else { break };
        if text[search..open].contains(';') {
            continue;
        }
        // the block's body, by brace depth
        let mut depth = 0;
        let mut end = open;
        for (k, c) in text[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &text[open + 1..end];
        // top-level patterns: text at depth 0 before each `=>`; a body is a block or runs to the next `,`
        let chars: Vec<char> = body.chars().collect();
        let (mut k, mut arms) = (0, vec![]);
        loop {
            let (mut depth, mut pattern, mut found) = (0i32, String::new(), false);
            while k < chars.len() {
                let c = chars[k];
                if depth == 0 && c == '=' && chars.get(k + 1) == Some(&'>') {
                    k += 2;
                    found = true;
                    break;
                }
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    _ => {}
                }
                pattern.push(c);
                k += 1;
            }
            if !found {
                break;
            }
            arms.push(pattern.split(" if ").next().unwrap_or("").trim().to_string());
            while k < chars.len() && chars[k].is_whitespace() {
                k += 1;
            }
            let block = chars.get(k) == Some(&'{');
            let mut depth = 0i32;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => {
                        depth -= 1;
                        if block && depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 0 => break,
                    _ => {}
                }
            }
            if block {
                while k < chars.len() && (chars[k].is_whitespace() || chars[k] == ',') {
                    k += 1;
                }
            }
        }
        out.push((text[..at].lines().count(), arms));
    }
    out
}

/// Whether a pattern names a variant of an action or status enum (`InvitationAction::Confirm`, `(X, ApplicationStatus::Draft)`).
fn names_action_or_status(pattern: &str) -> bool {
    pattern.split("::").zip(pattern.split("::").skip(1)).any(|(before, _)| {
        let ident: String = before.chars().rev().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>().chars().rev().collect();
        ident.ends_with("Action") || ident.ends_with("Status")
    })
}

#[test]
fn the_wildcard_detector_sees_action_matches_only() {
    let m = |s: &str| match_arms(s).into_iter().any(|(_, arms)| arms.iter().any(|a| a == "_") && arms.iter().any(|a| names_action_or_status(a)));
    assert!(m("match a { InvitationAction::Confirm => 1, _ => 2 }"));
    assert!(m("match (v, a) { (Viewer::UseUnit(t), InvitationAction::Authorize) if t.ok => { 1 } _ => 2 }"));
    assert!(!m("match a { InvitationAction::Confirm => 1, InvitationAction::Refuse => 2 }"));
    assert!(!m("match x { Some(a) if a.status != ApplicationStatus::Draft => 1, _ => 2 }"));
    assert!(!m("match code { \"a\" => 1, _ => 2 }"));
    assert!(m("match &to { CapabilityStatus::Waiting { until } => format!(\"{until}\"), _ => String::new() }"));
    assert!(m("match a { A::X => if y { 1 } else { 2 }, RequestStatus::Done => { 3 } _ => 4 }"));
}

#[test]
fn matches_on_actions_and_statuses_are_exhaustive_in_pages_and_services() {
    let mut offenders = vec![];
    let mut files = workflow_files("service.rs");
    files.extend(app_src("pages"));
    files.extend(app_src("components"));
    for (path, text) in files {
        for (line, arms) in match_arms(&code_of(&text)) {
            if arms.iter().any(|a| a == "_") && arms.iter().any(|a| names_action_or_status(a)) {
                offenders.push(format!("{}:{line}", path.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "list every action/status variant instead of `_ =>` (a new one must be handled):\n{}", offenders.join("\n"));
}

// ---- one name per type -----------------------------------------------------------------------

#[test]
fn distinct_types_have_distinct_names() {
    let mut seen: Vec<(String, String)> = vec![];
    let mut twice = vec![];
    for (path, text) in app_src("") {
        for line in code_of(&text).lines() {
            for kw in ["pub enum ", "pub struct ", "pub trait "] {
                if let Some(rest) = line.trim_start().strip_prefix(kw) {
                    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    match seen.iter().find(|(n, _)| *n == name) {
                        Some((_, other)) => twice.push(format!("{name}: {other} and {}", path.display())),
                        None => seen.push((name, path.display().to_string())),
                    }
                }
            }
        }
    }
    assert!(twice.is_empty(), "two types share a name:\n{}", twice.join("\n"));
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
