//! The bundle table (`bundles.json` at the repository root, compiled in): every wasm bundle
//! with its entry page, URL prefix, the addresses it answers, its service worker and its size
//! budget. The build and the size report read the same file (`scripts/bundles.py`); here it
//! gives the router its page routes and folders ([`super::router`]), the service workers and
//! the pages whose inline loader the CSP lists (`super::guard`).

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// The binary: `app/src/bin/<name>.rs`.
    pub name: String,
    /// Its trunk page (`entries/<name>.html`).
    pub entry: String,
    /// Where its files are served (`/`, `/kkjrh5/`, …): `dist/` + the prefix.
    pub prefix: String,
    /// The size report's name for it.
    pub label: String,
    /// Its size budget (gzip, 1 KB = 1000 bytes).
    pub budget_kb: u32,
    /// Addresses outside its prefix answered with its `index.html` (axum routes; `{id}`: a number).
    #[serde(default)]
    pub pages: Vec<String>,
    /// The bundle whose service worker caches this one (itself: it has a worker at `<prefix>sw.js`).
    #[serde(default)]
    pub worker: Option<String>,
    /// The bundle that answers this one's pages while nobody is signed in.
    #[serde(default)]
    pub signed_out: Option<String>,
}

#[derive(Deserialize)]
struct Table {
    #[allow(dead_code)]
    about: Vec<String>,
    bundles: Vec<Bundle>,
}

/// The table's source, as committed.
pub const SOURCE: &str = include_str!("../../../bundles.json");

/// Every bundle, in the table's order.
pub fn bundles() -> &'static [Bundle] {
    static TABLE: LazyLock<Vec<Bundle>> = LazyLock::new(|| serde_json::from_str::<Table>(SOURCE).expect("bundles.json").bundles);
    &TABLE
}

/// The bundle of that name.
pub fn bundle(name: &str) -> Option<&'static Bundle> {
    bundles().iter().find(|b| b.name == name)
}

/// The bundles whose pages the session gates (those with a `signed_out` bundle), each with the
/// prefixes of the bundles inside its folder (files, not pages).
pub fn gated() -> &'static [(&'static Bundle, Vec<&'static str>)] {
    static GATED: LazyLock<Vec<(&'static Bundle, Vec<&'static str>)>> = LazyLock::new(|| {
        bundles()
            .iter()
            .filter(|b| b.signed_out.is_some())
            .map(|b| (b, bundles().iter().filter(|c| c.parent().is_some_and(|p| p.name == b.name)).map(|c| c.prefix.as_str()).collect()))
            .collect()
    });
    &GATED
}

impl Bundle {
    /// Its folder below the site's root (`""` for the root, `kkjrh5/login` …).
    pub fn folder(&self) -> &str {
        self.prefix.trim_matches('/')
    }

    /// The prefix without its trailing slash, as axum nests it (`/kkjrh5`; `""` for the root).
    pub fn mount(&self) -> &str {
        self.prefix.trim_end_matches('/')
    }

    /// The bundle whose folder holds this one's (`h5` for `h5login`), if any; the root's
    /// folder holds every other, but is not counted.
    pub fn parent(&self) -> Option<&'static Bundle> {
        bundles().iter().filter(|b| b.prefix != "/" && b.name != self.name && self.prefix.starts_with(&b.prefix)).max_by_key(|b| b.prefix.len())
    }

    /// Whether `path` is one of its [`pages`](Self::pages): segment by segment, `{…}` a number.
    pub fn has_page(&self, path: &str) -> bool {
        self.pages.iter().any(|p| page_matches(p, path))
    }

    /// Its service worker's offline pages: (address prefix, folder below this bundle's whose
    /// `index.html` answers it), first match first — the bundles it caches, then itself.
    /// Empty when it has no worker.
    pub fn worker_pages(&self) -> Vec<(String, String)> {
        if self.worker.as_deref() != Some(&self.name) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for b in bundles().iter().filter(|b| b.name != self.name && b.worker.as_deref() == Some(&self.name)) {
            let folder = format!("{}/", b.folder().strip_prefix(self.folder()).unwrap_or(b.folder()).trim_start_matches('/'));
            for p in &b.pages {
                let fixed = p.split('{').next().unwrap_or(p);
                out.push((fixed.to_string(), folder.clone()));
            }
        }
        out.push((self.prefix.clone(), String::new()));
        out
    }
}

/// `/kkjrh5/invitation/{id}` matches `/kkjrh5/invitation/42` (and `…/42/`), not `…/abc`.
pub fn page_matches(pattern: &str, path: &str) -> bool {
    let segments = |s: &str| s.split('/').filter(|x| !x.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let (want, got) = (segments(pattern), segments(path));
    want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| if w.starts_with('{') { g.parse::<i64>().is_ok() } else { w == g })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::Path;

    fn root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    fn read(rel: &str) -> String {
        std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The `[[bin]]`s of app/Cargo.toml: (name, path, required-features).
    fn cargo_bins() -> Vec<(String, String, String)> {
        let toml = read("app/Cargo.toml");
        let value = |block: &str, key: &str| {
            block.lines().find_map(|l| l.trim().strip_prefix(key)?.trim_start().strip_prefix('=').map(|v| v.trim().trim_matches('"').to_string())).unwrap_or_default()
        };
        toml.split("[[bin]]").skip(1).map(|b| {
            let block = b.split("\n[").next().unwrap_or(b);
            (value(block, "name"), value(block, "path"), value(block, "required-features"))
        }).collect()
    }

    #[test]
    fn the_table_and_the_files_agree() {
        let all = bundles();
        assert!(!all.is_empty());
        let unique = |what: &str, items: Vec<&str>| {
            let mut seen = HashSet::new();
            for i in items {
                assert!(seen.insert(i.to_string()), "two bundles share the {what} {i}");
            }
        };
        unique("name", all.iter().map(|b| b.name.as_str()).collect());
        unique("prefix", all.iter().map(|b| b.prefix.as_str()).collect());
        unique("entry page", all.iter().map(|b| b.entry.as_str()).collect());
        unique("page", all.iter().flat_map(|b| b.pages.iter().map(String::as_str)).collect());
        let bins = cargo_bins();
        for b in all {
            let n = &b.name;
            assert!(!n.is_empty() && n.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_'), "{n}: a binary's name");
            assert!(b.prefix.starts_with('/') && b.prefix.ends_with('/') && !b.prefix.contains("//") || b.prefix == "/", "{n}: prefix {}", b.prefix);
            assert!(b.budget_kb > 0, "{n}: a budget");
            // The entry page: in entries/, building this binary.
            assert_eq!(b.entry, format!("entries/{n}.html"), "{n}: its entry page");
            let html = read(&b.entry);
            assert!(html.contains(&format!("data-bin=\"{n}\"")), "{}: builds data-bin=\"{n}\"", b.entry);
            assert_eq!(html.matches("data-trunk rel=\"rust\"").count(), 1, "{}: one rust link", b.entry);
            // The binary: its file and its [[bin]] (csr only).
            assert!(root().join(format!("app/src/bin/{n}.rs")).is_file(), "{n}: app/src/bin/{n}.rs");
            assert!(bins.contains(&(n.clone(), format!("src/bin/{n}.rs"), "[\"csr\"]".into())), "{n}: a [[bin]] in app/Cargo.toml with required-features = [\"csr\"]: {bins:?}");
            // Pages: absolute addresses outside its own prefix (those are its folder's).
            for p in &b.pages {
                assert!(p.starts_with('/') && !p.ends_with('/'), "{n}: page {p}");
                assert!(b.prefix == "/" || !p.starts_with(&b.prefix), "{n}: page {p} is inside its own prefix");
                for other in all.iter().filter(|o| o.name != *n) {
                    assert!(!other.has_page(p), "{p}: both {n} and {}", other.name);
                    // A gated bundle's pages are answered from its folder.
                    if other.signed_out.is_some() && p.starts_with(&other.prefix) {
                        assert_eq!(b.parent().map(|x| x.name.as_str()), Some(other.name.as_str()), "{n}: page {p} is {}'s, so {n} lives in its folder", other.name);
                    }
                }
            }
            for (what, r) in [("worker", &b.worker), ("signed_out", &b.signed_out)] {
                if let Some(r) = r {
                    let target = bundle(r).unwrap_or_else(|| panic!("{n}: {what} {r} is no bundle"));
                    if what == "signed_out" {
                        assert_eq!(target.parent().map(|x| x.name.as_str()), Some(n.as_str()), "{n}: {r} lives in its folder");
                    }
                    if what == "worker" {
                        assert_eq!(target.worker.as_deref(), Some(r.as_str()), "{n}: {r} has a worker");
                        assert!(b.prefix.starts_with(&target.prefix), "{n}: inside {r}'s worker's scope {}", target.prefix);
                    }
                }
            }
        }
        // Nothing else: every entry page and every binary is a bundle.
        let names: HashSet<&str> = all.iter().map(|b| b.name.as_str()).collect();
        for e in std::fs::read_dir(root().join("entries")).unwrap() {
            let file = e.unwrap().file_name().into_string().unwrap();
            if let Some(stem) = file.strip_suffix(".html") {
                assert!(names.contains(stem), "entries/{file} is in no bundle");
            }
        }
        for e in std::fs::read_dir(root().join("app/src/bin")).unwrap() {
            let file = e.unwrap().file_name().into_string().unwrap();
            assert!(names.contains(file.trim_end_matches(".rs")), "app/src/bin/{file} is in no bundle");
        }
        assert_eq!(bins.len(), all.len(), "app/Cargo.toml's [[bin]]s are the bundles");
        for e in std::fs::read_dir(root()).unwrap() {
            let file = e.unwrap().file_name().into_string().unwrap();
            assert!(!file.ends_with(".html"), "{file}: the entry pages live in entries/");
        }
    }

    #[test]
    fn pages_match_segment_by_segment() {
        assert!(page_matches("/kkjrh5/invitation/{id}", "/kkjrh5/invitation/42"));
        assert!(page_matches("/kkjrh5/invitation/{id}", "/kkjrh5/invitation/42/"));
        assert!(!page_matches("/kkjrh5/invitation/{id}", "/kkjrh5/invitation/abc"));
        assert!(!page_matches("/kkjrh5/invitation/{id}", "/kkjrh5/invitation/42/x"));
        assert!(page_matches("/me", "/me") && !page_matches("/me", "/me/users"));
    }

    #[test]
    fn the_h5_bundles_follow_the_h5_routes() {
        use app::pages::h5_shell::H5Route;
        let h5 = bundle("h5").unwrap();
        assert_eq!(h5.prefix, H5Route::Home.path());
        let invite = bundles().iter().find(|b| b.has_page(&H5Route::Invitation(42).path())).expect("a bundle for an invitation");
        assert_eq!(invite.parent().map(|p| p.name.as_str()), Some("h5"));
        assert!(!bundles().iter().any(|b| b.has_page(&H5Route::Home.path())));
        assert_eq!(h5.worker_pages(), vec![("/kkjrh5/invitation/".to_string(), "invite/".to_string()), ("/kkjrh5/".to_string(), String::new())]);
        assert_eq!(bundle("portal").unwrap().worker_pages(), vec![("/".to_string(), String::new())]);
    }
}
