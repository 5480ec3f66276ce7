//! `--security-hub` against moto's Security Hub, with moto's authorization on
//! (tests/fixtures/seed_moto_securityhub.py): the demo's findings land in its account's default
//! product as results.json says them, resolved ones are archived, and a refusal — a role without
//! the permission, credentials of another account — exits 4 with the package kept.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const DEMO: &str = "483920175634";

struct Hub {
    moto: support::Moto,
    creds: Value,
}

impl Hub {
    fn start() -> Hub {
        // A server of its own: the seed turns moto's authorization on for the whole server.
        let moto = support::Moto::start();
        let policy =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/safeguard-securityhub.json");
        let creds = moto.seed_with("seed_moto_securityhub.py", &[&policy]);
        Hub { moto, creds }
    }

    fn as_(&self, who: &str, cmd: &mut Command) {
        self.moto.aws_env(cmd);
        let c = &self.creds[who];
        cmd.env("AWS_ACCESS_KEY_ID", c["key"].as_str().unwrap())
            .env("AWS_SECRET_ACCESS_KEY", c["secret"].as_str().unwrap());
        match c["token"].as_str() {
            Some(t) => cmd.env("AWS_SESSION_TOKEN", t),
            None => cmd.env_remove("AWS_SESSION_TOKEN"),
        };
    }

    fn demo(&self, who: &str, out: &Path, extra: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
        self.as_(who, &mut c);
        c.args(["demo", "--security-hub", "--format", "json", "-o"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    }

    /// Every finding in the hub, as the checker role reads them (GetFindings, all pages).
    fn findings(&self) -> Vec<Value> {
        let mut c = Command::new(self.moto.bin.join("python"));
        self.as_("checker", &mut c);
        c.arg("-c").arg(
            "import boto3, json, os\n\
             hub = boto3.client('securityhub', endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-1')\n\
             out, token = [], None\n\
             while True:\n\
             \x20   page = hub.get_findings(MaxResults=100, **({'NextToken': token} if token else {}))\n\
             \x20   out += page['Findings']\n\
             \x20   token = page.get('NextToken')\n\
             \x20   if not token: break\n\
             print(json.dumps(out))",
        );
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    }
}

/// The package path `-q` printed.
fn package_of(o: &Output) -> PathBuf {
    let stdout = String::from_utf8_lossy(&o.stdout);
    PathBuf::from(
        stdout
            .lines()
            .next()
            .unwrap_or_else(|| panic!("{stdout}"))
            .trim(),
    )
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_demo_imports_its_findings_and_archives_resolved_ones() {
    let hub = Hub::start();
    let tmp = tempfile::tempdir().unwrap();

    // The failing findings (failures, waived ones, gaps), into the demo account's own product.
    let first = hub.demo("importer", &tmp.path().join("one"), &["-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let package = package_of(&first);
    let results: Value =
        serde_json::from_slice(&std::fs::read(package.join("results.json")).unwrap()).unwrap();
    let all: Vec<&Value> = results["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .collect();
    let failing: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|f| f["status"] != "pass" && f["status"] != "not_applicable")
        .collect();
    let sent = hub.findings();
    assert_eq!(sent.len(), failing.len());
    let product = format!("arn:aws:securityhub:us-east-1:{DEMO}:product/{DEMO}/default");
    let mut statuses = std::collections::BTreeSet::new();
    for f in &failing {
        let s = sent
            .iter()
            .find(|s| s["Id"] == f["id"])
            .unwrap_or_else(|| panic!("{} not imported", f["id"]));
        assert_eq!(s["ProductArn"], product.as_str());
        assert_eq!(s["AwsAccountId"], DEMO);
        assert_eq!(s["RecordState"], "ACTIVE");
        let expected = match (
            f["status"].as_str().unwrap(),
            f["waiver"]["status"].as_str(),
        ) {
            ("error", _) => "NOT_AVAILABLE",
            (_, Some("valid")) => "WARNING",
            _ => "FAILED",
        };
        assert_eq!(s["Compliance"]["Status"], expected, "{}", f["id"]);
        statuses.insert(expected);
        let reqs = s["Compliance"]["RelatedRequirements"].as_array().unwrap();
        assert!(
            !reqs.is_empty()
                && reqs
                    .iter()
                    .all(|r| r.as_str().unwrap().starts_with("HIPAA 164."))
        );
        assert!(s["Resources"][0]["Id"].as_str().is_some());
        assert_eq!(
            s["ProductFields"]["safeguard/evidence"],
            format!("snapshot.json#{}", f["evidence"].as_str().unwrap()).as_str()
        );
        assert_ne!(s["Severity"]["Label"], "INFORMATIONAL", "{}", f["id"]);
    }
    assert_eq!(
        statuses.len(),
        3,
        "the demo has a failure, a waived one and a gap: {statuses:?}"
    );

    // --security-hub-findings all: the passes too, the same ids updated in place.
    let every = hub.demo(
        "importer",
        &tmp.path().join("all"),
        &["-q", "--security-hub-findings", "all"],
    );
    assert_eq!(every.status.code(), Some(0), "{}", text(&every));
    let sent = hub.findings();
    assert_eq!(sent.len(), all.len());
    assert!(sent.iter().any(|s| s["Compliance"]["Status"] == "PASSED"));

    // A change that resolves findings, compared with the first package: the resolved ones are
    // sent again ARCHIVED (failing ones only this time, so they are not sent otherwise).
    let later = hub.demo(
        "importer",
        &tmp.path().join("later"),
        &[
            "--previous",
            package.to_str().unwrap(),
            "--set",
            "iam.inline_policies.include_roles=false",
        ],
    );
    assert_eq!(later.status.code(), Some(0), "{}", text(&later));
    assert!(
        text(&later).contains("resolved one(s) archived"),
        "{}",
        text(&later)
    );
    let later_results: Value = serde_json::from_slice(
        &std::fs::read(package_of_dir(&tmp.path().join("later")).join("results.json")).unwrap(),
    )
    .unwrap();
    let resolved = later_results["changes"]["resolved"].as_array().unwrap();
    assert!(!resolved.is_empty());
    let sent = hub.findings();
    for r in resolved {
        let s = sent.iter().find(|s| s["Id"] == r["id"]).unwrap();
        assert_eq!(s["RecordState"], "ARCHIVED", "{}", r["id"]);
    }
}

/// The one package folder under `out/<account>/`.
fn package_of_dir(out: &Path) -> PathBuf {
    let account = out.join(DEMO);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&account)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs.pop().unwrap()
}

#[test]
fn a_refused_import_exits_4_and_keeps_the_package() {
    let hub = Hub::start();
    let tmp = tempfile::tempdir().unwrap();
    // A role of the account without the permission: moto's AccessDenied, once per call.
    let denied = hub.demo("reader", &tmp.path().join("reader"), &["-q"]);
    assert_eq!(denied.status.code(), Some(4), "{}", text(&denied));
    let err = String::from_utf8_lossy(&denied.stderr);
    assert!(err.contains("AccessDenied"), "{err}");
    assert!(err.contains("a call of "), "{err}");
    assert!(
        package_of_dir(&tmp.path().join("reader"))
            .join("results.json")
            .is_file()
    );
    // Credentials of another account: refused before any finding is sent.
    let other = hub.demo("elsewhere", &tmp.path().join("elsewhere"), &["-q"]);
    assert_eq!(other.status.code(), Some(4), "{}", text(&other));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(
        err.contains(&format!(
            "takes the findings of account {DEMO} only from that account"
        )),
        "{err}"
    );
    assert!(err.contains("the package is kept"), "{err}");
    assert!(hub.findings().is_empty());
    // --security-hub-findings without --security-hub, and on a roll-up: usage errors.
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    let o = c
        .args(["demo", "--security-hub-findings", "all", "-o"])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    let o = c
        .args(["aggregate", "--security-hub", "-o"])
        .arg(tmp.path().join("y"))
        .arg(tmp.path().join("reader"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("a roll-up has none"), "{}", text(&o));
}
