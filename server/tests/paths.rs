//! Server-fn URLs are part of the API between a built client and a built server:
//! every server fn has an explicit endpoint, `/api/<its Rust name>`, so a client
//! and a server built from two checkouts (or two machines, or an installed H5
//! app's cached shell) agree on every URL. The committed list
//! `server/tests/server_fns.txt` makes a change to an endpoint a visible,
//! reviewed change. After adding a server fn, regenerate it with
//! `LEQI_WRITE_SERVER_FNS=1 cargo test -p server --features app/ssr --test paths`.

use std::path::Path;

/// (endpoint, fn name) of every `#[server(...)]` in `app/src`, read from the sources.
fn declared_server_fns() -> Vec<(Option<String>, String, String)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { walk(&p, out) } else if p.extension().is_some_and(|x| x == "rs") { out.push(p) }
        }
    }
    let mut files = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"), &mut files);
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            if !(t == "#[server]" || t.starts_with("#[server(")) {
                continue;
            }
            let endpoint = t.split("endpoint = \"").nth(1).map(|r| r.split('"').next().unwrap().to_string());
            let name = lines[i + 1..].iter().find_map(|l| l.split("async fn ").nth(1)).map(|r| r.split('(').next().unwrap().to_string()).unwrap();
            found.push((endpoint, name, format!("{}:{}", f.display(), i + 1)));
        }
    }
    found
}

#[test]
fn every_server_fn_has_its_name_as_endpoint() {
    let declared = declared_server_fns();
    assert!(declared.len() > 50, "found the server fns ({})", declared.len());
    for (endpoint, name, at) in &declared {
        assert_eq!(endpoint.as_deref(), Some(name.as_str()), "{at}: write #[server(endpoint = \"{name}\", ...)]");
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{at}: {name}");
    }
}

#[test]
fn the_registered_paths_are_the_committed_list_and_none_collide() {
    let paths = server::http::server_fn_paths();
    // Registration is keyed by path: two server fns with one endpoint would leave one out.
    assert_eq!(paths.len(), declared_server_fns().len(), "every server fn is registered (app::server_fns::register_server_fns) and no two share an endpoint");
    for p in &paths {
        let name = p.strip_prefix("POST /api/").unwrap_or_else(|| panic!("{p}: server fns are POST /api/<name>"));
        assert!(!name.contains('/'), "{p}");
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/server_fns.txt");
    let listed = format!("{}\n", paths.join("\n"));
    if std::env::var_os("LEQI_WRITE_SERVER_FNS").is_some() {
        std::fs::write(&file, &listed).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(committed == listed, "the server fns differ from server/tests/server_fns.txt (an API change: review it, then regenerate with LEQI_WRITE_SERVER_FNS=1)\n--- registered ---\n{listed}");
}
