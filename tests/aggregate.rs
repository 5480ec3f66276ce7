//! `safeguard aggregate` on packages built here from the bundled example (no AWS): every
//! package is verified first, a tampered one is excluded and named, the roll-up is a package of
//! its own that `verify` checks, and the same packages give the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn safeguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_safeguard"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The example assessed as account `id`, packaged under `out`.
fn package(work: &Path, out: &Path, id: &str) -> PathBuf {
    let export = work.join(format!("export-{id}"));
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account"),
        &export,
    );
    let caller = export.join("sts/caller-identity.json");
    let text = std::fs::read_to_string(&caller)
        .unwrap()
        .replace("483920175634", id);
    std::fs::write(&caller, text).unwrap();
    // Its own account in the organization evidence too.
    let orgs = export.join("organizations");
    std::fs::rename(
        orgs.join("parents/483920175634.json"),
        orgs.join(format!("parents/{id}.json")),
    )
    .unwrap();
    std::fs::rename(
        orgs.join("policies-for-target/483920175634.json"),
        orgs.join(format!("policies-for-target/{id}.json")),
    )
    .unwrap();
    let run = safeguard()
        .arg("assess")
        .arg(&export)
        .args(["-q", "--format", "json,csv", "--fail-on", "never", "-o"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    PathBuf::from(String::from_utf8(run.stdout).unwrap().trim())
}

fn aggregate(dirs: &[&Path], out: &Path) -> (i32, PathBuf, String) {
    let run = safeguard()
        .arg("aggregate")
        .args(dirs)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    let dir = stdout
        .lines()
        .find_map(|l| l.strip_prefix("roll-up: "))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{stdout}\n{}", String::from_utf8_lossy(&run.stderr)));
    (run.status.code().unwrap(), dir, stdout)
}

#[test]
fn a_tampered_package_is_excluded_and_the_rest_rolled_up() {
    let work = tempfile::tempdir().unwrap();
    let reports = work.path().join("reports");
    let ids = ["111111111111", "222222222222", "333333333333"];
    let pkgs: Vec<PathBuf> = ids
        .iter()
        .map(|id| package(work.path(), &reports, id))
        .collect();

    let (code, dir, stdout) = aggregate(&[&reports], &work.path().join("rollup"));
    assert_eq!(code, 0, "{stdout}");
    let rollup: Value =
        serde_json::from_slice(&std::fs::read(dir.join("rollup.json")).unwrap()).unwrap();
    assert_eq!(rollup["accounts"].as_array().unwrap().len(), 3);
    assert_eq!(rollup["organization"], "o-k3x9v2m4q7");
    let row = &rollup["accounts"][0];
    assert_eq!(row["ou_path"], "Root/Workloads/Clinical");
    assert_eq!(row["worst"], "fail");
    // Every package is named with its manifest's hash.
    let manifest = std::fs::read(pkgs[0].join("manifest.json")).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&manifest))
    };
    let md = std::fs::read_to_string(dir.join("rollup.md")).unwrap();
    assert!(md.contains(&sha), "{md}");
    assert!(md.contains("## Account × control matrix"));
    assert!(rollup["failing_checks"][0]["accounts"].as_u64().unwrap() == 3);
    let csv = std::fs::read_to_string(dir.join("rollup.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.lines().next().unwrap().contains("164.312(b)"));
    // The roll-up verifies; an altered file in it does not.
    assert!(
        safeguard()
            .arg("verify")
            .arg(&dir)
            .status()
            .unwrap()
            .success()
    );

    // The same packages give the same roll-up, byte for byte (the manifest's time aside).
    let (_, again, _) = aggregate(&[&reports], &work.path().join("rollup-again"));
    for f in ["rollup.json", "rollup.md", "rollup.csv", "rollup.pdf"] {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    std::fs::write(dir.join("rollup.md"), "# nothing to see\n").unwrap();
    let v = safeguard().arg("verify").arg(&dir).output().unwrap();
    assert!(!v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).contains("ALTERED  rollup.md"));

    // One package altered after the fact: excluded, named, not counted; exit 1.
    let results = pkgs[1].join("results.json");
    let text = std::fs::read_to_string(&results)
        .unwrap()
        .replacen("\"fail\"", "\"pass\"", 1);
    std::fs::write(&results, text).unwrap();
    let (code, dir, stdout) = aggregate(&[&reports], &work.path().join("rollup-tampered"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("LEFT OUT") && stdout.contains("altered results.json"),
        "{stdout}"
    );
    let rollup: Value =
        serde_json::from_slice(&std::fs::read(dir.join("rollup.json")).unwrap()).unwrap();
    assert_eq!(rollup["accounts"].as_array().unwrap().len(), 2);
    assert!(
        rollup["excluded"][0]["package"]
            .as_str()
            .unwrap()
            .contains("222222222222")
    );

    // A package given directly, and a newer package of the same account superseding it.
    let newer = package(work.path(), &reports, "111111111111");
    let (_, dir, _) = aggregate(&[&pkgs[0], &newer], &work.path().join("rollup-two"));
    let rollup: Value =
        serde_json::from_slice(&std::fs::read(dir.join("rollup.json")).unwrap()).unwrap();
    assert_eq!(rollup["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(rollup["superseded"].as_array().unwrap().len(), 1);
}

#[test]
fn bad_folders_are_refused_and_links_not_followed() {
    let work = tempfile::tempdir().unwrap();
    // Nothing to roll up: a usage error, exit 2, nothing written.
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = work.path().join("out");
    let run = safeguard()
        .arg("aggregate")
        .arg(&empty)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no evidence package"));
    assert!(!out.exists());
    // A file where a folder is expected.
    let file = work.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let run = safeguard()
        .arg("aggregate")
        .arg(&file)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    // A link to a package elsewhere is not followed: the package outside is not read.
    let reports = work.path().join("reports");
    let elsewhere = work.path().join("elsewhere");
    let pkg = package(work.path(), &elsewhere, "444444444444");
    std::fs::create_dir_all(&reports).unwrap();
    std::os::unix::fs::symlink(&pkg, reports.join("linked")).unwrap();
    let run = safeguard()
        .arg("aggregate")
        .arg(&reports)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
}
