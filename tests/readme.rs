//! Every command of the README's `sh` blocks, run as written: from a scratch folder, through
//! `bash -c` with `safeguard` on the PATH, offline ones directly and live ones against moto (a
//! single account for `run`, `collect`, the export script and the weekly recipe; a seeded
//! organization for `run --org` and `--org-profile`). The README's example names (a package's
//! timestamp, an OU id, the org's id) are replaced by the ones this run produced; nothing else
//! is. A command that fails (a usage error, a crash, an exit code the README does not promise),
//! or one the README gains that this harness does not know, fails the test.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One command of the README: continuation lines joined, comments dropped.
#[derive(Debug)]
struct Step {
    line: usize,
    text: String,
}

/// The commands of every ```sh block, in README order.
fn steps() -> Vec<Step> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut inside = false;
    let mut pending: Option<Step> = None;
    for (i, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            inside = line == "```sh";
            continue;
        }
        if !inside {
            continue;
        }
        let code = line.trim();
        if code.starts_with('#') || code.is_empty() {
            continue;
        }
        // A trailing comment starts at "  #" outside quotes (the README's commands hold no '#').
        let code = code.split("  #").next().unwrap().trim_end();
        let (code, continued) = match code.strip_suffix('\\') {
            Some(c) => (c.trim_end(), true),
            None => (code, false),
        };
        let step = match pending.take() {
            Some(mut s) => {
                s.text.push(' ');
                s.text.push_str(code);
                s
            }
            None => Step {
                line: i + 1,
                text: code.to_string(),
            },
        };
        if continued {
            pending = Some(step);
        } else {
            out.push(step);
        }
    }
    out
}

/// Which AWS a live command talks to.
#[derive(Clone, Copy, PartialEq)]
enum World {
    Offline,
    Single,
    Org,
}

struct Harness {
    work: tempfile::TempDir,
    single: support::Moto,
    org: support::Moto,
    seed: Value,
    bin_dir: PathBuf,
    /// The last `uploaded: s3://…` a command printed.
    uploaded: Option<String>,
}

impl Harness {
    fn cwd(&self) -> &Path {
        self.work.path()
    }

    /// The package folders of `account` under reports/ (`None`: any account), oldest first.
    fn packages(&self, account: Option<&str>) -> Vec<PathBuf> {
        let reports = self.cwd().join("reports");
        let mut out = Vec::new();
        for a in std::fs::read_dir(&reports).into_iter().flatten().flatten() {
            let name = a.file_name().to_string_lossy().into_owned();
            if account.is_some_and(|want| want != name) || name.starts_with("org-") {
                continue;
            }
            for p in std::fs::read_dir(a.path()).into_iter().flatten().flatten() {
                if p.path().join("manifest.json").is_file() {
                    out.push(p.path());
                }
            }
        }
        out.sort_by_key(|p| p.file_name().unwrap().to_owned());
        out
    }

    fn rel(&self, p: &Path) -> String {
        p.strip_prefix(self.cwd()).unwrap().display().to_string()
    }

    /// The README's example names, replaced by this run's.
    fn resolve(&self, text: &str) -> String {
        let mut t = text.to_string();
        if t.contains("reports/483920175634/20261130T060000Z") {
            let p = self.packages(Some("123456789012"));
            assert!(p.len() >= 2, "diff needs two packages: {p:?}");
            t = t
                .replace(
                    "reports/483920175634/20261130T060000Z",
                    &self.rel(&p[p.len() - 2]),
                )
                .replace(
                    "reports/483920175634/20261207T060000Z",
                    &self.rel(&p[p.len() - 1]),
                );
        }
        if t.contains("reports/483920175634/20261123T101500Z/") {
            let p = self.packages(None);
            let newest = p.last().expect("a package to verify");
            t = t.replace(
                "reports/483920175634/20261123T101500Z/",
                &format!("{}/", self.rel(newest)),
            );
        }
        if t.contains("s3://clinic-evidence/hipaa/483920175634/20261207T060000Z/") {
            let url = self
                .uploaded
                .clone()
                .expect("an upload before verify s3://");
            t = t.replace(
                "s3://clinic-evidence/hipaa/483920175634/20261207T060000Z/",
                &url,
            );
        }
        if t.contains("reports/org-o-a1b2c3d4e5/20261202T060000Z/") {
            let org_dir = std::fs::read_dir(self.cwd().join("reports"))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| {
                    let n = p.file_name().unwrap().to_string_lossy().into_owned();
                    n.starts_with("org-o-")
                })
                .expect("run --org wrote reports/org-<id>/");
            let rollup = std::fs::read_dir(&org_dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("manifest.json").is_file())
                .max()
                .expect("a roll-up");
            t = t.replace(
                "reports/org-o-a1b2c3d4e5/20261202T060000Z/",
                &format!("{}/", self.rel(&rollup)),
            );
        }
        // Any OU and any member stand for the README's.
        let first = |key: &str| -> String {
            self.seed[key]
                .as_object()
                .and_then(|m| m.values().next())
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        t.replace("ou-ab12-cdef3456", &first("ous"))
            .replace("111111111111", &first("accounts"))
            // `cargo run --` is the binary this test was built with.
            .replace("cargo run -- ", "safeguard ")
    }

    fn world(text: &str) -> World {
        let live = [
            "safeguard run ",
            "safeguard collect",
            "scripts/export-aws-evidence.sh",
            "s3://",
        ];
        if !live.iter().any(|l| text.contains(l)) {
            World::Offline
        } else if text.contains("--org") || text.contains("--profile member") {
            World::Org
        } else {
            World::Single
        }
    }

    fn command(&self, text: &str, world: World) -> Command {
        let mut c = Command::new("bash");
        c.arg("-c").arg(text).current_dir(self.cwd());
        let moto = match world {
            World::Org => &self.org,
            _ => &self.single,
        };
        moto.aws_env(&mut c);
        let aws = self.cwd().join(match world {
            World::Org => "aws-org",
            _ => "aws-single",
        });
        c.env(
            "PATH",
            format!(
                "{}:{}:{}",
                self.bin_dir.display(),
                moto.bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("AWS_CONFIG_FILE", aws.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials"))
        .env("EXTERNAL_ID", "readme-external-id")
        .env("SOURCE_DATE_EPOCH", "1764979200")
        .env_remove("AWS_PROFILE");
        if world == World::Offline {
            c.env_remove("AWS_ENDPOINT_URL");
        }
        if world == World::Org {
            // The hub's own credentials by default.
            support::as_hub(&mut c, &self.seed);
        }
        c
    }
}

/// Logs how long a README command took and asserts its exit code is one the README promises;
/// its stdout and stderr.
fn check_exit(
    step: &Step,
    text: &str,
    out: &std::process::Output,
    took: std::time::Duration,
) -> (String, String) {
    eprintln!(
        "README.md:{} {:.1} s: {}",
        step.line,
        took.as_secs_f64(),
        step.text
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        allowed(&step.text).contains(&code),
        "README.md:{}: `{}` exited {code}\n(run as `{text}`)\nstdout:\n{stdout}\nstderr:\n{stderr}",
        step.line,
        step.text
    );
    if std::env::var_os("README_TRACE").is_some() {
        eprintln!("{stdout}\n{stderr}");
    }
    (stdout, stderr)
}

/// What the README promises of a command's exit code: `0` only, or `0`/`1` (the example and
/// moto's accounts fail controls; a diff may find something worse).
fn allowed(text: &str) -> &'static [i32] {
    let zero_only = [
        "safeguard demo",
        "safeguard verify",
        "safeguard controls",
        "safeguard keygen",
        "safeguard history",
        "safeguard import",
        "scripts/export-aws-evidence.sh",
    ];
    if zero_only.iter().any(|p| text.starts_with(p)) {
        &[0]
    } else {
        &[0, 1]
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn every_readme_command_works_as_written() {
    let single = support::Moto::start();
    single.seed();
    // The weekly recipe's bucket, with Object Lock as the README's line says.
    let mut bucket = Command::new(single.bin.join("python"));
    bucket.arg("-c").arg(
        "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1').create_bucket(Bucket='clinic-evidence', ObjectLockEnabledForBucket=True)",
    )
    .arg(&single.endpoint);
    single.aws_env(&mut bucket);
    assert!(bucket.status().unwrap().success());

    let org = support::Moto::start();
    let seed = org.seed_org();

    let work = tempfile::tempdir().unwrap();
    // The README's commands run from a checkout: scripts/ and examples/ are where it says.
    std::os::unix::fs::symlink(root().join("scripts"), work.path().join("scripts")).unwrap();
    std::os::unix::fs::symlink(root().join("examples"), work.path().join("examples")).unwrap();
    // Profiles as the README names them: `audit` for the single account; `member` and
    // `management` in the organization.
    write(
        &work.path().join("aws-single/config"),
        "[default]\nregion = us-east-1\n[profile audit]\nregion = us-east-1\n",
    );
    write(
        &work.path().join("aws-single/credentials"),
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    );
    let m = &seed["member_b"];
    write(
        &work.path().join("aws-org/config"),
        "[default]\nregion = us-east-1\n[profile member]\nregion = us-east-1\n[profile management]\nregion = us-east-1\n",
    );
    write(
        &work.path().join("aws-org/credentials"),
        &format!(
            "[member]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n[management]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            m["key"].as_str().unwrap(),
            m["secret"].as_str().unwrap(),
            m["token"].as_str().unwrap(),
            seed["hub"]["key"].as_str().unwrap(),
            seed["hub"]["secret"].as_str().unwrap(),
        ),
    );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_safeguard"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut h = Harness {
        work,
        single,
        org,
        seed,
        bin_dir,
        uploaded: None,
    };

    let steps = steps();
    assert!(steps.len() >= 25, "{steps:#?}");
    let export = |s: &Step| s.text.starts_with("scripts/export-aws-evidence.sh export/");
    let mut ran = 0;
    // The export lines are alternatives, and only the last one's export/ is read by the
    // commands after it: the others run beside the rest, each in a folder of its own (the
    // every-region export is most of this test's time), and are checked at the end.
    let mut beside = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        if step.text == "cargo test --locked" {
            continue; // this suite
        }
        let text = h.resolve(&step.text);
        let world = Harness::world(&text);
        if export(step) && steps.get(i + 1).is_some_and(export) {
            let alt = h.cwd().join(format!("alternative-{}", step.line));
            std::fs::create_dir(&alt).unwrap();
            for link in ["scripts", "examples"] {
                std::os::unix::fs::symlink(root().join(link), alt.join(link)).unwrap();
            }
            let mut cmd = h.command(&text, world);
            cmd.current_dir(&alt);
            let started = std::time::Instant::now();
            beside.push((
                step,
                text,
                std::thread::spawn(move || (cmd.output().unwrap(), started.elapsed())),
            ));
            ran += 1;
            continue;
        }
        // Each export starts from an empty export/.
        if export(step) {
            let _ = std::fs::remove_dir_all(h.cwd().join("export"));
        }
        let started = std::time::Instant::now();
        let out = h.command(&text, world).output().unwrap();
        let (stdout, _) = check_exit(step, &text, &out, started.elapsed());
        if let Some(url) = stdout
            .lines()
            .find_map(|l| l.strip_prefix("uploaded: "))
            .and_then(|l| l.split_whitespace().next())
        {
            h.uploaded = Some(url.to_string());
        }
        ran += 1;
    }
    for (step, text, done) in beside {
        let (out, took) = done.join().unwrap();
        check_exit(step, &text, &out, took);
    }
    assert!(ran >= 24, "{ran} commands ran");
    // What the commands promised is there.
    let cwd = h.cwd();
    for f in [
        "snapshot.json",
        "coverage.md",
        "signing/safeguard.key",
        "signing/safeguard.pub",
    ] {
        assert!(cwd.join(f).is_file(), "{f}");
    }
    assert!(cwd.join("reports/history/483920175634").is_dir());
    assert!(h.uploaded.is_some());
    assert!(h.packages(None).len() >= 4);
}
