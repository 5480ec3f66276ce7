//! The module graph flows one way: no module reaches, directly or through others, back to
//! itself. Read from the source: every `crate::<module>` path (including each item of a
//! `use crate::{a, b}` group) outside test code is an edge from the file's top-level module.
//! Checked for the safeguard crate (top-level modules: `checks`, `import`, …) and for the policy
//! crate (its files: `condition`, `policy`, …), where a cycle is a layering mistake.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without its unit tests: they may use any module to build their fixtures.
fn without_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// The first path segment of every `crate::` path in `text`.
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        // `safeguard_policy::crate::` does not occur; `$crate::` is a macro's own crate.
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // One level of `use crate::{a::b, c, d::{e, f}}`: the first segment of each item.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphanumeric() || c == '_') => {
                        out.insert(ident(&group[j..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Module → the modules it uses, for the files under `src`, each file attributed to the module
/// `module_of` names (or to none, for the crate root).
fn graph(
    src: &Path,
    module_of: impl Fn(&Path) -> Option<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    for file in &files {
        let Some(from) = module_of(file) else {
            continue;
        };
        let rel = file.strip_prefix(src).unwrap();
        if rel.ends_with("tests.rs") || rel.ends_with("testutil.rs") || rel.ends_with("testkit.rs")
        {
            continue;
        }
        let text = fs::read_to_string(file).unwrap();
        let targets = edges.entry(from.clone()).or_default();
        for to in crate_references(without_tests(&text)) {
            if to != from && modules.contains(&to) {
                targets.insert(to);
            }
        }
    }
    edges
}

/// A cycle in `edges`, if there is one, as the modules along it.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(c) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

fn top_level(src: &Path) -> impl Fn(&Path) -> Option<String> + '_ {
    move |file: &Path| {
        let rel = file.strip_prefix(src).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (!matches!(name, "lib" | "main")).then(|| name.to_string())
    }
}

#[test]
fn safeguard_modules_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src, top_level(&src));
    assert!(edges.len() > 10, "the module graph was not read: {edges:?}");
    assert!(
        edges["checks"].contains("snapshot"),
        "the reader misses plain `crate::` paths: {edges:?}"
    );
    if let Some(cycle) = find_cycle(&edges) {
        panic!("module cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn policy_crate_modules_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/policy/src");
    let edges = graph(&src, top_level(&src));
    assert!(edges.len() > 5, "the module graph was not read: {edges:?}");
    if let Some(cycle) = find_cycle(&edges) {
        panic!("module cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_reader_sees_groups_and_the_finder_sees_cycles() {
    let refs = crate_references(
        "use crate::{a::b, c, d::{e, f}};\nfn x() { crate::g::h(); $crate::no; my_crate::no }",
    );
    assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["a", "c", "d", "g"]);
    let edges: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(find_cycle(&edges).unwrap(), ["a", "b", "c", "a"]);
}
