//! `safeguard run --org` and `aggregate` against a moto organization (tests/fixtures/seed_moto_org.py):
//! a management account and three members in two OUs, one member whose role the hub may not
//! assume, one bounded by an SCP; moto judges every call against the caller's policies.

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Org {
    moto: support::Moto,
    seed: Value,
}

impl Org {
    fn start() -> Org {
        // A server of its own: the seed turns moto's authorization on for the whole server.
        let moto = support::Moto::start();
        let seed = moto.seed_org();
        Org { moto, seed }
    }

    fn account(&self, name: &str) -> String {
        self.seed["accounts"][name].as_str().unwrap().to_string()
    }

    /// safeguard with the hub's credentials.
    fn safeguard(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
        self.moto.aws_env(&mut c);
        support::as_hub(&mut c, &self.seed);
        c.env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .env_remove("JOB_COMPLETION_INDEX");
        c
    }

    /// `run --org` over the members (the management account left out with --exclude).
    fn run_org(&self, out: &Path, extra: &[&str]) -> Output {
        self.safeguard()
            .args([
                "run",
                "--org",
                "--role-name",
                "SafeguardCollector",
                "--exclude",
                "123456789012",
                "--regions",
                "us-east-1",
                "--max-attempts",
                "2",
                "--format",
                "json,csv,md",
                // moto stamps every credential report 2015-02-02T20:02:02Z.
                "--set",
                "iam.credential_report.max_age_hours=1000000",
            ])
            .args(extra)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap()
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn results(dir: &Path, account: &str) -> Value {
    let dirs: Vec<PathBuf> = std::fs::read_dir(dir.join(account))
        .unwrap_or_else(|e| panic!("no package for {account}: {e}"))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    serde_json::from_slice(&std::fs::read(dirs[0].join("results.json")).unwrap()).unwrap()
}

fn newest_results(dir: &Path, account: &str) -> Value {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir.join(account))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    serde_json::from_slice(&std::fs::read(dirs.last().unwrap().join("results.json")).unwrap())
        .unwrap()
}

/// (check, resource, status) of every finding, without the alarm checks moto cannot serve.
fn verdicts(r: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for k in r["checks"].as_array().unwrap() {
        let id = k["id"].as_str().unwrap();
        if id.starts_with("cloudwatch.") && id.ends_with("_alarm") {
            continue;
        }
        for f in k["findings"].as_array().unwrap() {
            out.insert(format!("{id} {} {}", f["resource"], f["status"]));
        }
    }
    out
}

#[test]
fn one_command_assesses_every_member_and_rolls_up() {
    let org = Org::start();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("reports");
    let run = org.run_org(&out, &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    // The member whose role does not trust the hub is not assessed: exit 1, and the run went on.
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    let corp = org.account("corp");
    assert!(
        stdout.contains(&format!("NOT ASSESSED {corp}")) && stdout.contains("AccessDenied"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 account(s) assessed, 1 not assessed, 1 skipped"),
        "{stdout}"
    );

    // One package per reachable account, each carrying the organization and its OU path.
    let a = results(&out, &org.account("clinic-a"));
    let b = results(&out, &org.account("clinic-b"));
    assert!(!out.join(&corp).exists());
    assert!(!out.join("123456789012").exists(), "--exclude left it out");
    for r in [&a, &b] {
        assert_eq!(r["account"]["organization"]["ou_path"], "Root/Clinical");
        assert_eq!(r["account"]["organization"]["scps_applied"], true);
        let f = support::finding(r, "iam.privilege_escalation", "user/mallory");
        assert_eq!(f["account"], r["account"]["id"]);
        assert_eq!(f["ou_path"], "Root/Clinical");
    }
    // The SCP on clinic-b removes the IAM escalation that clinic-a still has.
    assert_eq!(
        support::finding(&a, "iam.privilege_escalation", "user/mallory")["status"],
        "fail"
    );
    assert_eq!(
        support::finding(&b, "iam.privilege_escalation", "user/mallory")["status"],
        "pass"
    );
    // The break-glass role the SCP exempts keeps everything.
    assert!(
        support::finding(&b, "iam.admin_access", "role/BreakGlass")["message"]
            .as_str()
            .unwrap()
            .contains("admin-equivalent")
    );

    // The roll-up names the unreachable account and the excluded one, and verifies.
    let org_dirs: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("org-"))
        .collect();
    assert_eq!(org_dirs.len(), 1);
    let rollups: Vec<PathBuf> = std::fs::read_dir(&org_dirs[0])
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("manifest.json").is_file())
        .collect();
    assert_eq!(rollups.len(), 1);
    let rollup: Value =
        serde_json::from_slice(&std::fs::read(rollups[0].join("rollup.json")).unwrap()).unwrap();
    assert_eq!(rollup["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(rollup["failed"][0]["account"], corp.as_str());
    assert!(
        rollup["failed"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("cannot assume")
    );
    let md = std::fs::read_to_string(rollups[0].join("rollup.md")).unwrap();
    assert!(md.contains(&corp) && md.contains("Root/Clinical"), "{md}");
    let ledger_path = std::fs::read_dir(org_dirs[0].join("runs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let ledger: Value = serde_json::from_slice(&std::fs::read(&ledger_path).unwrap()).unwrap();
    assert_eq!(ledger["skipped"][0]["account"], "123456789012");
    // The ledger has the mode of the packages beside it (it was once 0600: another user's
    // aggregate could not read it).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ledger_path), mode(&rollups[0].join("rollup.json")));
    }
    let verify = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("verify")
        .arg(&rollups[0])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );

    // The same verdicts as collecting clinic-a directly with its own credentials (the
    // organization adds its OU path and SCPs, which change nothing in clinic-a).
    let member = &org.seed["member"];
    let direct = org
        .safeguard()
        .env("AWS_ACCESS_KEY_ID", member["key"].as_str().unwrap())
        .env("AWS_SECRET_ACCESS_KEY", member["secret"].as_str().unwrap())
        .env("AWS_SESSION_TOKEN", member["token"].as_str().unwrap())
        .args([
            "run",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "2",
            "--quiet-collect",
            "-q",
            "--format",
            "json",
            "--set",
            "iam.credential_report.max_age_hours=1000000",
            "-o",
        ])
        .arg(work.path().join("direct"))
        .output()
        .unwrap();
    let pkg = String::from_utf8_lossy(&direct.stdout).trim().to_string();
    let d: Value =
        serde_json::from_slice(&std::fs::read(Path::new(&pkg).join("results.json")).unwrap())
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&direct.stderr)));
    assert_eq!(verdicts(&a), verdicts(&d));

    // The next scheduled run: --history finds each account's previous package, and every
    // package and the roll-up are signed.
    let key = work.path().join("k");
    let made = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("keygen")
        .arg(&key)
        .output()
        .unwrap();
    assert!(made.status.success());
    let again = org.run_org(
        &out,
        &[
            "--history",
            out.to_str().unwrap(),
            "--sign-key",
            work.path().join("k.key").to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.matches("signed: ").count(),
        3,
        "two packages and the roll-up: {stdout}"
    );
    let a2 = newest_results(&out, &org.account("clinic-a"));
    let since = a2["changes"]["since"].as_str().unwrap();
    assert_eq!(since, a["snapshot"]["collected_at"].as_str().unwrap());
    for line in stdout.lines().filter_map(|l| l.strip_prefix("signed: ")) {
        let sig = PathBuf::from(line.split(" (key").next().unwrap());
        let verified = Command::new(env!("CARGO_BIN_EXE_safeguard"))
            .arg("verify")
            .arg(sig.parent().unwrap())
            .arg("--key")
            .arg(work.path().join("k.pub"))
            .output()
            .unwrap();
        assert!(
            verified.status.success(),
            "{}",
            String::from_utf8_lossy(&verified.stdout)
        );
    }
}

#[test]
fn shards_cover_the_organization_once_and_aggregate_combines_them() {
    let org = Org::start();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("reports");
    let mut planned = Vec::new();
    for i in 0..2 {
        let shard = format!("{i}/2");
        let run = org.run_org(&out, &["--shard", &shard]);
        assert!(
            run.status.code() == Some(0) || run.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(String::from_utf8_lossy(&run.stdout).contains("shard done"));
    }
    // Also through the environment, as an array job gives it.
    let run = org
        .safeguard()
        .env("JOB_COMPLETION_INDEX", "1")
        .args([
            "run",
            "--org",
            "--role-name",
            "SafeguardCollector",
            "--shards",
            "2",
            "--exclude",
            "123456789012",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "2",
            "--format",
            "json",
            "-q",
            "-o",
        ])
        .arg(work.path().join("env"))
        .output()
        .unwrap();
    assert!(
        run.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let runs = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("org-"))
        .unwrap()
        .join("runs");
    for e in std::fs::read_dir(&runs).unwrap() {
        let l: Value = serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
        planned.extend(
            l["planned"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string()),
        );
    }
    planned.sort();
    let mut members = vec![
        org.account("clinic-a"),
        org.account("clinic-b"),
        org.account("corp"),
    ];
    members.sort();
    assert_eq!(
        planned, members,
        "the shards plan every member exactly once"
    );

    // aggregate over both shards: the same roll-up as one run, the failed account named.
    let agg = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("aggregate")
        .arg(&out)
        .arg("-o")
        .arg(work.path().join("rollup"))
        .args(["-q", "--format", "json,md"])
        .output()
        .unwrap();
    assert_eq!(agg.status.code(), Some(1), "an account has no package");
    let dir = PathBuf::from(String::from_utf8_lossy(&agg.stdout).trim());
    let rollup: Value =
        serde_json::from_slice(&std::fs::read(dir.join("rollup.json")).unwrap()).unwrap();
    assert_eq!(rollup["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(rollup["failed"][0]["account"], org.account("corp").as_str());
    assert!(rollup["organization"].as_str().unwrap().starts_with("o-"));

    // --ous narrows the run to an OU's accounts (recursively); the roll-up still reads
    // results.json, which is written even when --format leaves it out.
    let ou = org.seed["ous"]["Clinical"].as_str().unwrap();
    let only = work.path().join("clinical");
    let run = org
        .safeguard()
        .args([
            "run",
            "--org",
            "--role-name",
            "SafeguardCollector",
            "--ous",
            ou,
            "--regions",
            "us-east-1",
            "--max-attempts",
            "2",
            "--format",
            "md",
            "-q",
            "-o",
        ])
        .arg(&only)
        .output()
        .unwrap();
    let dir = PathBuf::from(String::from_utf8_lossy(&run.stdout).trim());
    let rollup: Value = serde_json::from_slice(&std::fs::read(dir.join("rollup.json")).unwrap())
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&run.stderr)));
    let mut accounts: Vec<&str> = rollup["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    accounts.sort();
    let mut clinical = vec![org.account("clinic-a"), org.account("clinic-b")];
    clinical.sort();
    assert_eq!(accounts, clinical);
    assert!(rollup["failed"].as_array().unwrap().is_empty());
    assert!(dir.join("rollup.md").is_file());

    // --security-hub imports each member's findings with the role assumed in it, into its own
    // hub: the collector role may not import, so Security Hub refuses (moto's AccessDenied for
    // the member's SafeguardCollector session), the run exits 4 and the package is kept.
    let clinic_a = org.account("clinic-a");
    let hub_out = work.path().join("hub");
    let run = org.run_org(&hub_out, &["--accounts", &clinic_a, "--security-hub"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("{clinic_a}: Security Hub refused"))
            && stderr.contains(&format!("{clinic_a}:assumed-role/SafeguardCollector"))
            && stderr.contains("securityhub:BatchImportFindings"),
        "{stderr}"
    );
    results(&hub_out, &clinic_a);
}

/// An auditor's path: the client exports its account with the AWS CLI script, adding the
/// organization's view with `--org-profile`; `assess` of the folder then applies the SCPs.
#[test]
fn the_export_script_adds_the_organizations_view_with_org_profile() {
    let org = Org::start();
    let work = tempfile::tempdir().unwrap();
    let b = &org.seed["member_b"];
    let credentials = work.path().join("credentials");
    std::fs::write(
        &credentials,
        format!(
            "[member]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n\n[org]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            b["key"].as_str().unwrap(),
            b["secret"].as_str().unwrap(),
            b["token"].as_str().unwrap(),
            org.seed["hub"]["key"].as_str().unwrap(),
            org.seed["hub"]["secret"].as_str().unwrap(),
        ),
    )
    .unwrap();
    let export = work.path().join("export");
    let mut script = Command::new("bash");
    script
        .arg(root().join("scripts/export-aws-evidence.sh"))
        .arg(&export)
        .args([
            "--profile",
            "member",
            "--org-profile",
            "org",
            "--regions",
            "us-east-1",
        ]);
    org.moto.aws_env(&mut script);
    script
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let out = script.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clinic_b = org.account("clinic-b");
    assert!(
        export
            .join(format!("organizations/parents/{clinic_b}.json"))
            .is_file()
    );
    assert!(export.join("organizations/policies-for-target").is_dir());

    let run = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("assess")
        .arg(&export)
        .args(["-q", "--format", "json", "--fail-on", "never", "-o"])
        .arg(work.path().join("reports"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pkg = PathBuf::from(String::from_utf8_lossy(&run.stdout).trim());
    let r: Value =
        serde_json::from_slice(&std::fs::read(pkg.join("results.json")).unwrap()).unwrap();
    assert_eq!(r["account"]["organization"]["ou_path"], "Root/Clinical");
    assert_eq!(r["account"]["organization"]["scps_applied"], true);
    // The SCP on clinic-b, read through the export, removes mallory's escalation.
    assert_eq!(
        support::finding(&r, "iam.privilege_escalation", "user/mallory")["status"],
        "pass"
    );
}
