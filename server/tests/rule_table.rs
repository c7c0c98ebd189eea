//! The rule table (rules/README.md) cannot drift: every test it names exists, every row
//! names a test or says it is not enforced, and the last section says "not in the seeds".

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Row {
    id: String,
    section: String,
    cells: Vec<String>,
}

/// The rows of the tables under "## Rule table": `| # | seed | sentence | enforced in | tests |`.
fn rows(text: &str) -> Vec<Row> {
    let mut out = Vec::new();
    let mut in_table = false;
    let mut section = String::new();
    for line in text.lines() {
        if line.starts_with("## ") {
            in_table = line.trim() == "## Rule table";
            continue;
        }
        if !in_table {
            continue;
        }
        if let Some(h) = line.strip_prefix("### ") {
            section = h.trim().to_string();
            continue;
        }
        let Some(inner) = line.trim().strip_prefix('|').and_then(|l| l.strip_suffix('|')) else { continue };
        let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_string()).collect();
        if cells[0] == "#" || cells[0].starts_with("---") {
            continue;
        }
        assert_eq!(cells.len(), 5, "row {:?} should have 5 cells: {line}", cells[0]);
        out.push(Row { id: cells[0].clone(), section: section.clone(), cells });
    }
    out
}

/// `path::name` entries of a tests cell.
fn tests_of(cell: &str) -> Vec<(String, String)> {
    cell.split("<br>")
        .map(|t| t.trim().trim_matches('`').to_string())
        .filter(|t| !t.is_empty() && t != "—")
        .map(|t| {
            let (path, name) = t.split_once("::").unwrap_or_else(|| panic!("a test is written path::name: {t}"));
            (path.to_string(), name.to_string())
        })
        .collect()
}

/// Whether `name` is a test in the Rust file: `fn name(` with a test attribute just above,
/// or listed in a scenario macro (`on_both!(…)`, `on_both_backends!(…)`).
fn rust_test_exists(src: &str, name: &str) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.contains(&format!("fn {name}(")) {
            let above = &lines[i.saturating_sub(3)..i];
            if above.iter().any(|l| l.contains("#[test]") || l.contains("#[tokio::test")) {
                return true;
            }
            // A scenario run by a macro on both databases.
            for (j, l) in lines.iter().enumerate() {
                if l.contains("on_both!(") || l.contains("on_both_backends!(") {
                    let list: String = lines[j..].iter().take_while(|x| !x.contains(");")).chain(lines[j..].iter().find(|x| x.contains(");"))).copied().collect::<Vec<_>>().join(" ");
                    if list.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == name) && !l.contains("macro_rules") {
                        return true;
                    }
                }
            }
        }
    }
    false
}

fn playwright_test_exists(src: &str, title: &str) -> bool {
    let escaped = title.replace('\'', "\\'");
    src.contains(&format!("test('{escaped}'")) || src.contains(&format!("test(\"{title}\""))
}

#[test]
fn every_test_the_rule_table_names_exists() {
    let text = std::fs::read_to_string(root().join("rules/README.md")).expect("rules/README.md");
    let rows = rows(&text);
    assert!(rows.len() >= 60, "the table has {} rows", rows.len());
    let mut ids = std::collections::HashSet::new();
    let mut missing = Vec::new();
    for r in &rows {
        assert!(ids.insert(r.id.clone()), "row {} appears twice", r.id);
        let tests = tests_of(&r.cells[4]);
        if tests.is_empty() {
            assert!(r.cells[3].contains("not enforced"), "row {} names no test and does not say \"not enforced\"", r.id);
        }
        for (path, name) in tests {
            let src = std::fs::read_to_string(root().join(&path)).unwrap_or_else(|_| panic!("row {}: no file {path}", r.id));
            let ok = if path.ends_with(".rs") { rust_test_exists(&src, &name) } else { playwright_test_exists(&src, &name) };
            if !ok {
                missing.push(format!("{}: {path}::{name}", r.id));
            }
        }
    }
    assert!(missing.is_empty(), "the rule table names tests that do not exist:\n{}", missing.join("\n"));
}

#[test]
fn values_not_in_the_seeds_say_so() {
    let text = std::fs::read_to_string(root().join("rules/README.md")).unwrap();
    let rows = rows(&text);
    let x: Vec<&Row> = rows.iter().filter(|r| r.section.starts_with("Values the seeds do not give")).collect();
    assert!(x.len() >= 8, "{}", x.len());
    for r in x {
        assert!(r.cells[1].contains("not in the seeds"), "row {} should be marked \"not in the seeds\"", r.id);
    }
}

#[test]
fn the_checker_catches_a_missing_test() {
    let src = "#[test]\nfn real_one() {}\nasync fn scenario(s: Site) {}\non_both!(scenario, other);\n";
    assert!(rust_test_exists(src, "real_one"));
    assert!(rust_test_exists(src, "scenario"));
    assert!(!rust_test_exists(src, "not_there"));
    assert!(!rust_test_exists("fn helper() {}", "helper"), "a plain fn is not a test");
    assert!(playwright_test_exists("test('the pack\\'s values', async", "the pack's values"));
    assert!(!playwright_test_exists("test('other', async", "the pack's values"));
}
