//! docs/checks.md and README's check table are generated; this keeps them in step with the code
//! and the catalog. Regenerate with `UPDATE_DOCS=1 cargo test --test suite docs::`.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn catalog() -> safeguard::catalog::Catalog {
    safeguard::catalog::Catalog::builtin().unwrap()
}

#[test]
fn check_reference_is_current() {
    let generated = safeguard::catalog::docs::reference_markdown(&catalog());
    let path = root().join("docs/checks.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/checks.md is stale: run UPDATE_DOCS=1 cargo test --test suite docs::"
    );
}

#[test]
fn coverage_table_is_current() {
    let generated = safeguard::catalog::coverage::markdown(&catalog());
    let path = root().join("docs/coverage.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/coverage.md is stale: run UPDATE_DOCS=1 cargo test --test suite docs::"
    );
    // `safeguard controls --coverage` prints the same table.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["controls", "--coverage"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), generated);
}

#[test]
fn readme_check_table_is_current() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let begin = readme
        .find("<!-- checks:begin")
        .expect("README has the checks:begin marker");
    let begin = begin + readme[begin..].find('\n').unwrap() + 1;
    let end = readme
        .find("<!-- checks:end -->")
        .expect("README has the checks:end marker");
    let cat = catalog();
    let mut table = String::from("| check | what it verifies | HIPAA citations |\n|---|---|---|\n");
    for c in safeguard::checks::registry() {
        let info = c.info();
        let serves: Vec<String> = cat
            .controls_using(info.id)
            .iter()
            .map(|c| format!("§{}", c.id))
            .collect();
        table.push_str(&format!(
            "| [`{}`](docs/checks.md#{}) | {} | {} |\n",
            info.id,
            safeguard::checks::docs::anchor(info.id),
            info.description,
            serves.join(", ")
        ));
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(
            &path,
            format!("{}{}{}", &readme[..begin], table, &readme[end..]),
        )
        .unwrap();
        return;
    }
    assert!(
        readme[begin..end] == table,
        "README's check table is stale: run UPDATE_DOCS=1 cargo test --test suite docs::"
    );
}

#[test]
fn every_check_lives_where_its_id_says() {
    for c in safeguard::checks::registry() {
        let (service, name) = c.info().id.split_once('.').unwrap();
        let file = root().join(format!("src/checks/{service}/{name}.rs"));
        assert!(
            file.is_file(),
            "{} should be in {}",
            c.info().id,
            file.display()
        );
    }
}

/// Every export file the importer reads and the export script writes is in
/// docs/evidence-format.md, every file the page lists is one the importer reads, and every
/// snapshot pointer the page gives resolves in the example's snapshot.
#[test]
fn evidence_format_lists_every_file_the_importer_reads() {
    let doc = std::fs::read_to_string(root().join("docs/evidence-format.md")).unwrap();
    // File paths in the importer's source: string literals and format strings naming a
    // `.json` file, with `{region}` / `{name}` as the page writes them.
    let mut importer = String::new();
    for entry in std::fs::read_dir(root().join("src/import")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "tests.rs" {
            importer.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    let normal = |s: &str| {
        s.replace("{region}", "<region>")
            .replace("{name}", "<name>")
            .replace("{id}", "<id>")
            .replace("{ou}", "<ou-id>")
            .replace("{policy}", "<policy-id>")
            .replace("$r", "<region>")
            .replace("$id", "<id>")
            .replace("$ou", "<ou-id>")
            .replace("$policy", "<policy-id>")
            .replace("$name", "<name>")
            .replace("{port}", "<port>")
            .replace("$port", "<port>")
            .replace("{plan}", "<plan-id>")
            .replace("$plan", "<plan-id>")
            .replace("{selection}", "<selection-id>")
            .replace("$selection", "<selection-id>")
            .replace('"', "")
    };
    let mut read: Vec<String> = Vec::new();
    // `{prefix}`: the same files at the top level, and under organizations/ (the
    // management account's copies of an organization trail's log evidence).
    let pieces: Vec<String> = importer
        .split('"')
        .flat_map(|p| {
            if p.contains("{prefix}") {
                vec![
                    p.replace("{prefix}", ""),
                    p.replace("{prefix}", "organizations/"),
                ]
            } else {
                vec![p.to_string()]
            }
        })
        .collect();
    for piece in &pieces {
        let p = normal(piece);
        if p.ends_with(".json")
            && !p.contains(' ')
            && !p.contains('(')
            && (p.contains('/') || p == "export-info.json")
            && !p.contains("{folder}")
        {
            read.push(p);
        }
    }
    // The trail files are read through one format string over two folders.
    for folder in ["trail-status", "event-selectors"] {
        assert!(importer.contains(&format!("\"{folder}\"")), "{folder}");
        read.push(format!("cloudtrail/<region>/{folder}/<name>.json"));
    }
    read.sort();
    read.dedup();
    assert!(
        read.len() >= 20,
        "the importer's files were not found: {read:?}"
    );
    // The page's table: the first column of each row.
    let listed: Vec<String> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l[3..].split('`').next().unwrap().to_string())
        .collect();
    for file in &read {
        assert!(
            listed.contains(file),
            "docs/evidence-format.md does not list {file}, which the importer reads"
        );
    }
    for file in &listed {
        assert!(
            read.contains(file),
            "docs/evidence-format.md lists {file}, which the importer does not read"
        );
    }
    // The export script writes only files the page lists.
    let script = std::fs::read_to_string(root().join("scripts/export-aws-evidence.sh")).unwrap();
    let mut written = 0;
    for line in script.lines() {
        // `as_org save ...` is a save with the organization's credentials.
        let line = line.trim_start().trim_start_matches("as_org ");
        for verb in ["save ", "append "] {
            if let Some(rest) = line.strip_prefix(verb) {
                let file = normal(rest.split_whitespace().next().unwrap());
                assert!(
                    listed.contains(&file),
                    "the export script writes {file}, which docs/evidence-format.md does not list"
                );
                written += 1;
            }
        }
    }
    assert!(written >= 18, "the script's files were not found");
    // The snapshot pointers of the last column resolve in the example's snapshot.
    let snapshot = safeguard::import::import_dir(
        &root().join("examples/clinic-account"),
        &safeguard::import::ImportOptions::default(),
    )
    .unwrap();
    let value = serde_json::to_value(&snapshot).unwrap();
    // The organization trail's log evidence is resolved in the accuracy case that has it.
    let with_org_trail = org_trail_snapshot();
    let mut pointers = 0;
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let last = line.trim_end_matches('|').rsplit(" | ").next().unwrap();
        for pointer in last.split('`').skip(1).step_by(2) {
            let p = pointer
                .replace("<region>", "us-east-1")
                .replace("<i>", "0")
                .replace("<j>", "0");
            let value = if p.starts_with("/organization/trail_logs") {
                &with_org_trail
            } else {
                &value
            };
            assert!(
                value.pointer(&p).is_some(),
                "{pointer} names nothing in the example's snapshot"
            );
            pointers += 1;
        }
    }
    assert!(pointers >= 20);
}

/// Every field of the example's results.json, manifest.json and parameters.json, every CSV
/// column, every status and every exit code is named in docs/results-schema.md.
#[test]
fn results_schema_names_every_field() {
    let doc = std::fs::read_to_string(root().join("docs/results-schema.md")).unwrap();
    let named = |s: &str| doc.contains(&format!("`{s}`"));
    let out = tempfile::tempdir().unwrap();
    let demo = |extra: &[&str]| {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
            .args(["demo", "-q"])
            .args(extra)
            .arg("-o")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::path::PathBuf::from(String::from_utf8(run.stdout).unwrap().trim())
    };
    let first = demo(&[]);
    // A second run against the first, so the fields --previous adds are present too.
    let package = demo(&["--previous", first.to_str().unwrap()]);
    let second: serde_json::Value =
        serde_json::from_slice(&std::fs::read(package.join("results.json")).unwrap()).unwrap();
    assert!(second["changes"].is_object(), "--previous records changes");
    fn keys(v: &serde_json::Value, skip: &[&str], out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    if !skip.contains(&k.as_str()) {
                        keys(v, skip, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, skip, out)),
            _ => {}
        }
    }
    let mut fields = std::collections::BTreeSet::new();
    for (file, skip) in [
        // Keys under these are data (check ids, parameter names, status counts), not fields.
        ("results.json", &["parameters", "summary"][..]),
        ("manifest.json", &[][..]),
        ("parameters.json", &["checks", "overridden"][..]),
    ] {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(package.join(file)).unwrap()).unwrap();
        keys(&v, skip, &mut fields);
        assert!(named(v["schema"].as_str().unwrap()), "{file}'s schema name");
    }
    assert!(fields.len() > 30, "{fields:?}");
    for f in &fields {
        assert!(
            named(f),
            "docs/results-schema.md does not name the field `{f}`"
        );
    }
    let csv = std::fs::read_to_string(package.join("results.csv")).unwrap();
    for column in csv.lines().next().unwrap().split(',') {
        assert!(
            named(column),
            "docs/results-schema.md does not name the CSV column `{column}`"
        );
    }
    for status in safeguard::results::ControlStatus::ALL {
        assert!(named(status.as_str()), "{status:?}");
    }
    for status in ["fail", "error", "pass", "not_applicable", "possible"] {
        assert!(named(status), "{status}");
    }
    for code in ["0", "1", "2", "3", "4", "70"] {
        assert!(named(code), "exit code {code}");
    }
}

/// Every field of a roll-up's rollup.json and manifest.json, of a run ledger, and every
/// roll-up CSV column (but the per-control ones) is named in docs/organizations.md.
#[test]
fn organizations_page_names_every_field() {
    let doc = std::fs::read_to_string(root().join("docs/organizations.md")).unwrap();
    let named = |s: &str| doc.contains(&format!("`{s}`"));
    let out = tempfile::tempdir().unwrap();
    let reports = out.path().join("reports");
    for _ in 0..2 {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
            .args(["demo", "-q", "--format", "json", "-o"])
            .arg(&reports)
            .output()
            .unwrap();
        assert!(run.status.success());
    }
    // A ledger with a failure and a skip, as `run --org` writes it.
    let ledger = safeguard::rollup::Ledger {
        schema: safeguard::rollup::ledger::SCHEMA.into(),
        organization: "o-k3x9v2m4q7".into(),
        run: "20261202T060000Z".into(),
        shard: None,
        planned: vec!["483920175634".into(), "222222222222".into()],
        packages: vec![safeguard::rollup::ledger::LedgerPackage {
            account: "483920175634".into(),
            package: "reports/483920175634/x".into(),
        }],
        failures: vec![safeguard::rollup::LedgerFailure {
            account: "222222222222".into(),
            name: Some("corp".into()),
            reason: "AccessDenied: not authorized to perform sts:AssumeRole".into(),
        }],
        skipped: vec![safeguard::rollup::ledger::LedgerSkip {
            account: "333333333333".into(),
            name: None,
            reason: "the account is SUSPENDED".into(),
        }],
    };
    let ledger_path =
        safeguard::rollup::ledger::write(&reports.join("org-o-k3x9v2m4q7"), &ledger).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("aggregate")
        .arg(&reports)
        .args(["-q", "-o"])
        .arg(out.path().join("rollup"))
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "the ledger's failure makes it incomplete"
    );
    let dir = std::path::PathBuf::from(String::from_utf8(run.stdout).unwrap().trim());
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    // Control statuses are data (the keys of `summary` and `counts`).
                    if !["summary", "counts"].contains(&k.as_str()) {
                        keys(v, out);
                    }
                    out.insert(k.clone());
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let mut fields = std::collections::BTreeSet::new();
    for path in [
        dir.join("rollup.json"),
        dir.join("manifest.json"),
        ledger_path,
    ] {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert!(named(v["schema"].as_str().unwrap()), "{path:?}'s schema");
        keys(&v, &mut fields);
    }
    assert!(fields.len() > 30, "{fields:?}");
    for f in &fields {
        assert!(
            named(f),
            "docs/organizations.md does not name the field `{f}`"
        );
    }
    let csv = std::fs::read_to_string(dir.join("rollup.csv")).unwrap();
    for column in csv.lines().next().unwrap().split(',').take(6) {
        assert!(
            named(column),
            "docs/organizations.md does not name the CSV column `{column}`"
        );
    }
}

/// The example with the accuracy case `org-trail-judged-on-management-logs` applied (its edits
/// append to a file's array or write a file), imported, as JSON.
fn org_trail_snapshot() -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    copy(&root().join("examples/clinic-account"), &dir);
    let case: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            root().join("tests/fixtures/accuracy/org-trail-judged-on-management-logs/case.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for e in case["edits"].as_array().unwrap() {
        if let Some(file) = e["write"].as_str() {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, e["text"].as_str().unwrap()).unwrap();
        } else {
            let path = dir.join(e["set"].as_str().unwrap());
            let mut doc: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let parent = e["pointer"].as_str().unwrap().strip_suffix("/-").unwrap();
            doc.pointer_mut(parent)
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(e["value"].clone());
            std::fs::write(path, serde_json::to_vec(&doc).unwrap()).unwrap();
        }
    }
    let snapshot =
        safeguard::import::import_dir(&dir, &safeguard::import::ImportOptions::default()).unwrap();
    serde_json::to_value(&snapshot).unwrap()
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every subcommand and every long flag reaches the README (`-o`/`--output`, `-v`/`--verbose`
/// and `--help` are written short or are universal).
#[test]
fn readme_names_every_command_and_flag() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let help = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's line starts at the indent; its wrapped description is indented further.
        .filter(|l| l[2..].starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 12, "{commands:?}");
    let mut missing = Vec::new();
    for c in &commands {
        if !readme.contains(&format!("safeguard {c}")) {
            missing.push(format!("safeguard {c}"));
        }
        for word in
            help(&[c, "--help"]).split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
        {
            if word.starts_with("--")
                && word.len() > 3
                && !["--help", "--output", "--verbose"].contains(&word)
                && !readme.contains(word)
            {
                missing.push(format!("{c} {word}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "the README does not mention: {missing:?}"
    );
}

/// The README's Rust blocks are excerpts of real files: the first line names the file, and
/// every other line appears there in order ("// …" skips lines). The file compiles, so the
/// excerpt shows code that does.
#[test]
fn readme_rust_blocks_are_excerpts_of_files_that_compile() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut blocks = 0;
    for block in readme.split("```rust\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let mut lines = block.lines();
        let first = lines.next().unwrap();
        let file = first
            .strip_prefix("// ")
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("a README Rust block must name its file first: {first}"));
        let source =
            std::fs::read_to_string(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut at = source.lines().peekable();
        // An excerpt may start anywhere in its file.
        let mut skipping = true;
        for line in lines {
            if line.trim() == "// …" {
                skipping = true;
                continue;
            }
            loop {
                let Some(next) = at.next() else {
                    panic!("README excerpt of {file}: {line:?} is not in the file (in order)");
                };
                if next == line {
                    break;
                }
                assert!(
                    skipping || line.trim().is_empty(),
                    "README excerpt of {file}: expected {line:?}, the file has {next:?}"
                );
            }
            skipping = false;
        }
        blocks += 1;
    }
    assert!(blocks >= 1);
}

/// Every relative link in the README, docs/*.md and the source's comments names a file that
/// exists (anchors aside).
#[test]
fn every_relative_link_resolves() {
    let mut texts: Vec<PathBuf> = vec![root().join("README.md")];
    for dir in [
        "docs",
        "src",
        "crates/policy/src",
        "tests",
        "benches",
        "deploy",
        "scripts",
    ] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    if !p.ends_with("fixtures") {
                        stack.push(p);
                    }
                } else if p.extension().is_some_and(|x| {
                    x == "md" || x == "rs" || x == "yaml" || x == "yml" || x == "sh"
                }) {
                    texts.push(p);
                }
            }
        }
    }
    let mut broken = Vec::new();
    for path in &texts {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let is_md = path.extension().is_some_and(|x| x == "md");
        // Markdown links `](target)`, and in any file a mention of a repository path such as
        // docs/checks.md or a policy or deploy file.
        let mut targets: Vec<(String, PathBuf)> = Vec::new();
        if is_md {
            for part in text.split("](").skip(1) {
                let target = part.split(')').next().unwrap_or("");
                let target = target.split('#').next().unwrap_or("");
                if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                targets.push((target.to_string(), path.parent().unwrap().join(target)));
            }
        }
        // In source files only comments name documents; strings there are test data.
        let prose: String = if is_md {
            text.clone()
        } else {
            text.lines()
                .filter(|l| {
                    let l = l.trim_start();
                    l.starts_with("//") || l.starts_with('#')
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        for word in prose.split(|c: char| c.is_whitespace() || "`()[]\"',;:<>*".contains(c)) {
            let word = word.trim_end_matches(['.', ',']);
            if [
                "docs/",
                "policies/",
                "deploy/",
                "templates/",
                "controls/",
                "examples/",
            ]
            .iter()
            .any(|p| word.starts_with(p))
                && word.rsplit('/').next().is_some_and(|f| {
                    [".md", ".json", ".yaml", ".yml", ".j2", ".sh"]
                        .iter()
                        .any(|x| f.ends_with(x))
                })
                && !word.contains(['<', '*', '$', '{'])
            {
                targets.push((word.to_string(), root().join(word)));
            }
        }
        for (target, resolved) in targets {
            if !resolved.exists() {
                broken.push(format!(
                    "{}: {target}",
                    path.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
}

/// The README's Layout table names paths that exist, and every top-level module of src/.
#[test]
fn the_layout_table_matches_the_tree() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let layout = &readme[readme.find("## Layout").unwrap()..];
    let layout = &layout[..layout.find("\n#").unwrap_or(layout.len())];
    let mut named = Vec::new();
    for row in layout.lines().filter(|l| l.starts_with("| `")) {
        let path = row[3..].split('`').next().unwrap();
        named.push(path.to_string());
        if path.contains('<') {
            continue; // a pattern: src/checks/<service>/<name>.rs
        }
        assert!(
            root().join(path).exists(),
            "Layout names {path}, which does not exist"
        );
    }
    for e in std::fs::read_dir(root().join("src")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if e.path().is_dir() {
            format!("src/{name}/")
        } else {
            format!("src/{name}")
        };
        if name == "lib.rs" {
            continue;
        }
        assert!(
            named.iter().any(|n| n == &path || n.starts_with(&path))
                || layout.contains(&format!("`{path}`")),
            "the Layout table does not name {path}"
        );
    }
}
