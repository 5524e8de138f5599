//! The shape of the core, checked on its sources: every SQL statement in `store/`, no module
//! that imports one that imports it back, no source file too long to read (the interface's
//! included).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The interface's own code: Svelte components and TypeScript, without its tests (and their
/// helpers in `test/`) and without what is generated from Rust (`backend/generated`).
fn interface_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "generated" | "__tests__" | "test") {
                interface_sources(&path, out);
            }
        } else if (name.ends_with(".svelte") || name.ends_with(".ts")) && !name.ends_with(".test.ts") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and its `#[cfg(test)]` modules.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a source file belongs to (`api`, `store`…).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(core_src()).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn every_sql_statement_lives_in_the_store() {
    let mut files = Vec::new();
    sources(&core_src(), &mut files);
    let mut outside = Vec::new();
    for f in files {
        if module_of(&f) == "store" {
            continue;
        }
        for (i, line) in code_of(&f).lines().enumerate() {
            let upper = line.to_uppercase();
            if ["\"SELECT ", "\"INSERT ", "\"UPDATE ", "\"DELETE ", "\"PRAGMA ", "\"CREATE ", "EXECUTE_BATCH("]
                .iter()
                .any(|k| upper.contains(k))
            {
                outside.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(outside.is_empty(), "SQL outside store/: {outside:#?}");
}

#[test]
fn no_module_of_the_core_imports_one_that_imports_it_back() {
    let mut files = Vec::new();
    sources(&core_src(), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).filter(|m| m != "lib").collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let from = module_of(f);
        if from == "lib" {
            continue;
        }
        let code = code_of(f);
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if modules.contains(&name) && name != from {
                edges.entry(from.clone()).or_default().insert(name);
            }
        }
    }
    // Depth-first search for a cycle.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(pos) = path.iter().position(|p| p == m) {
            let mut cycle = path[pos..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in &modules {
        if let Some(cycle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}\nall imports: {edges:#?}", cycle.join(" → "));
        }
    }
}

#[test]
fn no_source_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["crates/core/src", "crates/cli/src", "crates/bench/src", "src-tauri/src"] {
        sources(&root.join(dir), &mut files);
    }
    interface_sources(&root.join("ui/src"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("ui/src/App.svelte")), "the interface's sources are read");
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 600).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by concern: {long:#?}");
}
