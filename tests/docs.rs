//! docs/checks.md and README's check table are generated; this keeps them in step with the code
//! and the catalog. Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

use std::path::Path;

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
        "docs/checks.md is stale: run UPDATE_DOCS=1 cargo test --test docs"
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
        "docs/coverage.md is stale: run UPDATE_DOCS=1 cargo test --test docs"
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
        "README's check table is stale: run UPDATE_DOCS=1 cargo test --test docs"
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
